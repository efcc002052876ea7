using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Ai;

/// <summary>Roles through the HTTP API: versions, labels, rollback, validation, seeding and schema upgrade.</summary>
public sealed class RoleApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Built_in_roles_are_seeded_and_answer_without_any_llm()
    {
        using var client = fixture.Server.ApiClient();
        var list = await fixture.Server.GetJsonAsync("api/roles");
        var codes = list.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Contains("alert-analyzer", codes);
        Assert.Contains("change-tracker", codes);
        Assert.Contains("oncall-assistant", codes);

        var tracker = await fixture.Server.GetJsonAsync("api/roles/change-tracker");
        Assert.Equal("application_health_report_format", tracker.GetProperty("role").GetProperty("responseFormat").GetProperty("name").GetString());

        var (status, body) = await AiTestHelpers.ChatAsync(client, "change-tracker", new
        {
            variables = new Dictionary<string, string>
            {
                ["change"] = "deployment dep_1 of shop, cart",
                ["judgement"] = """
                    {"state":"UNSTABLE","applications":[
                      {"name":"shop","applicationId":7,"state":"UNSTABLE","metric":["TRANSACTION","ALERT"],"basis":"baseline","metrics":[
                        {"metric":"errors","category":"TRANSACTION","state":"WORSE","critical":true,"basis":"baseline","value":0.1,"reason":"error ratio 10.0%"},
                        {"metric":"alerts","category":"ALERT","state":"WORSE","critical":false,"basis":"baseline","value":1,"reason":"1 alert fired"}]},
                      {"name":"cart","applicationId":8,"state":"STABLE","metric":[],"basis":"baseline","metrics":[]}]}
                    """,
            },
        });
        Assert.True(status == 200, body.ToString());
        Assert.True(body.GetProperty("builtIn").GetBoolean());
        Assert.Equal("argus", body.GetProperty("provider").GetString());
        var report = body.GetProperty("json");
        Assert.Equal("UNSTABLE", report.GetProperty("state").GetString());
        var shop = report.GetProperty("applications")[0];
        Assert.Equal(7, shop.GetProperty("applicationId").GetInt32());
        Assert.Equal("UNSTABLE", shop.GetProperty("state").GetString());
        Assert.Equal(["TRANSACTION", "ALERT"], shop.GetProperty("metric").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Equal("STABLE", report.GetProperty("applications")[1].GetProperty("state").GetString());
        var schema = JsonDocument.Parse(Argus.AI.Roles.BuiltInRoles.ApplicationHealthReportSchema).RootElement;
        Assert.Empty(Argus.AI.Schema.JsonSchemaSubset.Validate(schema, report));
    }

    [Fact]
    public async Task Versions_labels_and_rollback_apply_to_the_next_call()
    {
        using var client = fixture.Server.ApiClient();
        fixture.Fake.Text = null;
        var created = await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("versioned", [("oai", "ok-v1", null)]));
        Assert.Equal(1, created.GetProperty("version").GetInt32());

        var (_, first) = await AiTestHelpers.ChatAsync(client, "versioned", new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal("Hello from ok-v1", first.GetProperty("answer").GetString());

        var v2 = AiTestHelpers.Role("versioned", [("claude", "ok-v2", null)]);
        v2["message"] = "switch to claude";
        using (var put = await client.PutAsync("api/roles/versioned", AiTestHelpers.Json(v2)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var saved = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(2, saved.GetProperty("version").GetInt32());
            Assert.Equal("switch to claude", saved.GetProperty("message").GetString());
        }

        // The change applies to the very next call, without a restart.
        var (_, second) = await AiTestHelpers.ChatAsync(client, "versioned", new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal("Hello from ok-v2", second.GetProperty("answer").GetString());
        Assert.Equal(2, second.GetProperty("version").GetInt32());

        // An explicit version, and a staging label, are served on request.
        var (_, pinned) = await AiTestHelpers.ChatAsync(client, "versioned", new { version = 1, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal("Hello from ok-v1", pinned.GetProperty("answer").GetString());
        using (var staging = await client.PostAsJsonAsync("api/roles/versioned/labels/staging", new { version = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, staging.StatusCode);
        }

        var (_, viaLabel) = await AiTestHelpers.ChatAsync(client, "versioned", new { label = "staging", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal("Hello from ok-v1", viaLabel.GetProperty("answer").GetString());

        // Rollback: production back to version 1.
        using (var rollback = await client.PostAsJsonAsync("api/roles/versioned/labels/production", new { version = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        }

        var (_, rolledBack) = await AiTestHelpers.ChatAsync(client, "versioned", new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal("Hello from ok-v1", rolledBack.GetProperty("answer").GetString());
        Assert.Equal(1, rolledBack.GetProperty("version").GetInt32());

        var versions = await fixture.Server.GetJsonAsync("api/roles/versioned/versions");
        var items = versions.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([2, 1], items.Select(v => v.GetProperty("version").GetInt32()).ToArray());
        Assert.Equal(["production", "staging"], items[1].GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Contains("bootstrap", items[0].GetProperty("author").GetString(), StringComparison.Ordinal);

        using var missing = await client.PostAsJsonAsync("api/roles/versioned/labels/production", new { version = 9 });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var exists = await client.PostAsync("api/roles", AiTestHelpers.Json(AiTestHelpers.Role("versioned", [("oai", "ok", null)])));
        Assert.Equal(HttpStatusCode.Conflict, exists.StatusCode);
    }

    [Fact]
    public async Task Invalid_role_is_rejected_with_every_problem_listed()
    {
        using var client = fixture.Server.ApiClient();
        var role = new JsonObject
        {
            ["code"] = "Bad Code!",
            ["name"] = "",
            ["systemMessage"] = "Explain {{query}} to {{audience}}.",
            ["variables"] = new JsonArray(new JsonObject { ["name"] = "audience" }),
            ["chain"] = new JsonArray(
                new JsonObject { ["provider"] = "nope", ["model"] = "x" },
                new JsonObject { ["provider"] = "oai", ["model"] = "", ["timeoutMs"] = 0 }),
            ["parameters"] = new JsonObject { ["temperature"] = 5 },
            ["responseFormat"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["name"] = "x",
                ["strict"] = true,
                ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["a"] = new JsonObject { ["type"] = "strin" } } },
            },
        };

        using var response = await client.PostAsync("api/roles", AiTestHelpers.Json(role));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        var all = string.Join("\n", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(v => $"{e.Name}: {v.GetString()}")));
        Assert.Contains("code:", all, StringComparison.Ordinal);
        Assert.Contains("name:", all, StringComparison.Ordinal);
        Assert.Contains("'query'", all, StringComparison.Ordinal);                 // undeclared variable
        Assert.Contains("provider 'nope' is not configured", all, StringComparison.Ordinal);
        Assert.Contains("chain[1]: 'model' is required", all, StringComparison.Ordinal);
        Assert.Contains("'timeoutMs'", all, StringComparison.Ordinal);
        Assert.Contains("'temperature'", all, StringComparison.Ordinal);
        Assert.Contains("'strin' is not a JSON Schema type", all, StringComparison.Ordinal);
        Assert.Contains("additionalProperties", all, StringComparison.Ordinal);    // strict needs it
    }

    [Fact]
    public async Task Anthropic_link_on_a_schema_role_is_flagged_as_a_warning()
    {
        using var client = fixture.Server.ApiClient();
        var created = await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("warned", [("claude", "json-ok", null)], schema: true));
        Assert.Contains("cannot enforce a JSON Schema", created.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
        var (status, body) = await AiTestHelpers.ChatAsync(client, "warned", new { messages = new[] { new { role = "user", content = "report" } } });
        Assert.True(status == 200, body.ToString());
        var sent = fixture.Fake.Requests.Last(r => r.Path == "/v1/messages" && r.Body["model"]?.GetValue<string>() == "json-ok").Body;
        Assert.Contains("application_health_report_format", sent.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_keys_may_call_but_not_edit_and_ingest_keys_may_not_call()
    {
        using var admin = fixture.Server.ApiClient();
        string Key(JsonElement e) => e.GetProperty("key").GetString()!;
        using var readResponse = await admin.PostAsJsonAsync("api/keys", new { name = "reader", role = "read" });
        var readKey = Key(JsonDocument.Parse(await readResponse.Content.ReadAsStringAsync()).RootElement);
        using var ingestResponse = await admin.PostAsJsonAsync("api/keys", new { name = "ingester", role = "ingest" });
        var ingestKey = Key(JsonDocument.Parse(await ingestResponse.Content.ReadAsStringAsync()).RootElement);

        using var reader = fixture.Server.ApiClient(readKey);
        var (status, _) = await AiTestHelpers.ChatAsync(reader, "oncall-assistant", new { messages = new[] { new { role = "user", content = "status?" } } });
        Assert.Equal(200, status);
        using var put = await reader.PutAsync("api/roles/oncall-assistant", AiTestHelpers.Json(AiTestHelpers.Role("oncall-assistant", [("argus", "", null)])));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);

        using var ingester = fixture.Server.ApiClient(ingestKey);
        (status, _) = await AiTestHelpers.ChatAsync(ingester, "oncall-assistant", new { messages = new[] { new { role = "user", content = "status?" } } });
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task Missing_variable_is_a_400_listing_it()
    {
        using var client = fixture.Server.ApiClient();
        var (status, body) = await AiTestHelpers.ChatAsync(client, "alert-analyzer", new { messages = new[] { new { role = "user", content = "why?" } } });
        Assert.Equal(400, status);
        Assert.Contains("'alert'", body.GetProperty("errors").GetProperty("variables")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_are_listed_without_their_keys()
    {
        using var client = fixture.Server.ApiClient();
        using var response = await client.GetAsync("api/providers");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"oai\"", body, StringComparison.Ordinal);
        Assert.Contains("\"argus\"", body, StringComparison.Ordinal);
        Assert.Contains("\"hasApiKey\":true", body, StringComparison.Ordinal);
        Assert.DoesNotContain(AiTestHelpers.OpenAiKey, body, StringComparison.Ordinal);
        Assert.DoesNotContain(AiTestHelpers.AnthropicKey, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Yaml_roles_are_loaded_at_start_up_and_a_control_db_of_the_previous_schema_is_upgraded()
    {
        using var folder = new TestDataFolder();
        var data = folder.Path;
        var rolesFolder = Path.Combine(data, "roles-yaml");
        Directory.CreateDirectory(rolesFolder);
        await File.WriteAllTextAsync(Path.Combine(rolesFolder, "sql-explainer.yaml"), """
            code: sql-explainer
            name: SQL explainer
            systemMessage: "You explain slow SQL to {{audience}}."
            variables:
              - name: audience
                default: developers
            chain:
              - provider: oai
                model: ok-yaml
                timeoutMs: 20000
              - provider: argus
            parameters:
              temperature: 0.2
              maxOutputTokens: 800
            rateLimit:
              interval: "00:00:00"
            """);
        await File.WriteAllTextAsync(Path.Combine(rolesFolder, "broken.yaml"), "code: Broken Code\nchain: []\n");
        // A control.db as the previous Argus left it: tenants and keys, none of the gateway's tables.
        await using (var first = await AiTestHelpers.StartAsync(fixture.Fake, dataPath: data))
        {
            await first.StopAsync();
        }

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "control.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE ai_role_labels; DROP TABLE ai_role_versions; DROP TABLE ai_roles;";
            await command.ExecuteNonQueryAsync();
        }

        var logs = new CapturingLoggerProvider();
        await using var server = await AiTestHelpers.StartAsync(
            fixture.Fake, new Dictionary<string, string?> { ["Argus:Ai:RolesPath"] = rolesFolder }, b => b.Logging.AddProvider(logs), data);
        using var client = server.ApiClient();
        var roles = await server.GetJsonAsync("api/roles");
        var codes = roles.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.True(codes.Contains("sql-explainer"), string.Join("\n", logs.Lines.Where(l => l.Contains("[410", StringComparison.Ordinal))));
        Assert.Contains("change-tracker", codes);
        Assert.Contains(logs.Lines, l => l.Contains("[4101]", StringComparison.Ordinal) && l.Contains("broken.yaml", StringComparison.Ordinal));
        Assert.DoesNotContain("Broken Code", codes);

        fixture.Fake.Text = null;
        var (status, body) = await AiTestHelpers.ChatAsync(client, "sql-explainer", new { messages = new[] { new { role = "user", content = "SELECT 1" } } });
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Hello from ok-yaml", body.GetProperty("answer").GetString());
        var sent = fixture.Fake.Requests.Last(r => r.Body["model"]?.GetValue<string>() == "ok-yaml").Body;
        Assert.Equal("You explain slow SQL to developers.", sent["messages"]![0]!["content"]!.GetValue<string>());
        var version = await server.GetJsonAsync("api/roles/sql-explainer");
        Assert.Equal("yaml:sql-explainer.yaml", version.GetProperty("author").GetString());
        await server.StopAsync();

        // A restart with the same file adds no version; a changed file becomes the next production version.
        await using (var again = await AiTestHelpers.StartAsync(fixture.Fake, new Dictionary<string, string?> { ["Argus:Ai:RolesPath"] = rolesFolder }, dataPath: data))
        {
            Assert.Equal(1, (await again.GetJsonAsync("api/roles/sql-explainer/versions")).GetProperty("versions").GetArrayLength());
            await again.StopAsync();
        }

        var changed = (await File.ReadAllTextAsync(Path.Combine(rolesFolder, "sql-explainer.yaml"))).Replace("temperature: 0.2", "temperature: 0.4", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(rolesFolder, "sql-explainer.yaml"), changed);
        await using (var third = await AiTestHelpers.StartAsync(fixture.Fake, new Dictionary<string, string?> { ["Argus:Ai:RolesPath"] = rolesFolder }, dataPath: data))
        {
            var current = await third.GetJsonAsync("api/roles/sql-explainer");
            Assert.Equal(2, current.GetProperty("version").GetInt32());
            Assert.Equal(0.4, current.GetProperty("role").GetProperty("parameters").GetProperty("temperature").GetDouble(), 3);
        }
    }
}
