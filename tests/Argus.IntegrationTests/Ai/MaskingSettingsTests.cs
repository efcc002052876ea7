using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Argus.IntegrationTests.Ai;

/// <summary>
/// Masking as configured: on by default for external links and off for the built-in analyst, per-tenant settings
/// through the API (kinds, patterns, word lists, stored answer), per-role kinds, call-log counts, tenant isolation.
/// </summary>
public sealed class MaskingSettingsTests
{
    private const string Host = "payments-db-01.corp.internal";
    private const string Ip = "10.20.30.40";
    private const string Email = "alice.kim@daon-logis.com";

    [Fact]
    public async Task External_links_mask_by_default_and_the_built_in_analyst_gets_the_raw_text()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        // The external link fails, so the built-in analyst serves the same call; the role says nothing about masking.
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("mixed", [("oai", "http-500", null), ("argus", "", null)]));
        var question = $"Why is {Host} at {Ip} slow?";

        var (status, body) = await AiTestHelpers.ChatAsync(client, "mixed", UserMessage(question));
        Assert.True(status == 200, body.ToString());
        Assert.True(body.GetProperty("builtIn").GetBoolean(), body.ToString());
        Assert.Contains(question, body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var external = Contents(fake.Requests.Last().Body);
        Assert.DoesNotContain(Host, external, StringComparison.Ordinal);
        Assert.DoesNotContain(Ip, external, StringComparison.Ordinal);

        // The call log: the request as sent (masked), the counts by kind, and the analyst's answer, which quotes the
        // raw question: it was given the text as it is, not the tokens.
        var call = await LastCallAsync(server, "mixed");
        Assert.DoesNotContain(Host, call.GetProperty("requestJson").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, call.GetProperty("masked").GetProperty("hostname").GetInt32());
        Assert.Equal(1, call.GetProperty("masked").GetProperty("ipv4").GetInt32());
        Assert.Contains(question, call.GetProperty("answer").GetString(), StringComparison.Ordinal);

        // A chain of the built-in analyst alone masks nothing.
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("local", [("argus", "", null)]));
        await AiTestHelpers.ChatAsync(client, "local", UserMessage(question));
        var local = await LastCallAsync(server, "local");
        Assert.Contains(Host, local.GetProperty("requestJson").GetString(), StringComparison.Ordinal);
        Assert.False(local.TryGetProperty("masked", out var none) && none.ValueKind == JsonValueKind.Object, local.ToString());

        // "off" sends the text as it is; old roles' booleans still load: true is "on", false is the default "auto".
        var off = AiTestHelpers.Role("off", [("oai", "ok", null)]);
        off["masking"] = "off";
        await AiTestHelpers.CreateRoleAsync(client, off);
        await AiTestHelpers.ChatAsync(client, "off", UserMessage(question));
        Assert.Contains(Host, Contents(fake.Requests.Last().Body), StringComparison.Ordinal);
        foreach (var (code, value, expected) in new[] { ("old-true", true, "on"), ("old-false", false, "auto") })
        {
            var old = AiTestHelpers.Role(code, [("oai", "ok", null)]);
            old["masking"] = value;
            var created = await AiTestHelpers.CreateRoleAsync(client, old);
            Assert.Equal(expected, created.GetProperty("role").GetProperty("masking").GetString());
            await AiTestHelpers.ChatAsync(client, code, UserMessage(question));
            Assert.DoesNotContain(Host, Contents(fake.Requests.Last().Body), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tenant_settings_from_the_api_change_the_next_call_and_bad_settings_list_every_problem()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("settings", [("oai", "ok", null)]));
        var question = $"EMP-123456 on Project Bluebird mailed {Email} from {Host}";

        var defaults = await server.GetJsonAsync("api/masking/settings");
        Assert.Equal("configuration", defaults.GetProperty("source").GetString());
        await AiTestHelpers.ChatAsync(client, "settings", UserMessage(question));
        var before = Contents(fake.Requests.Last().Body);
        Assert.Contains("EMP-123456", before, StringComparison.Ordinal);
        Assert.Contains("Bluebird", before, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, before, StringComparison.Ordinal);

        // E-mail off, an employee-id pattern and a project word list on.
        var kinds = new[] { "connectionString", "hostname", "ipv4", "ipv6", "url", "credential", "phone", "residentRegistrationNumber", "paymentCard", "sqlIdentifier", "custom" };
        using (var put = await client.PutAsJsonAsync("api/masking/settings", new
        {
            kinds,
            patterns = new[] { new { label = "employee-id", pattern = "EMP-[0-9]{6}" } },
            wordLists = new[] { new { label = "project", words = new[] { "Bluebird", "Nightjar" } } },
        }))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }

        Assert.Equal("tenant", (await server.GetJsonAsync("api/masking/settings")).GetProperty("source").GetString());
        var (status, answer) = await AiTestHelpers.ChatAsync(client, "settings", UserMessage(question));
        Assert.True(status == 200, answer.ToString());
        var after = Contents(fake.Requests.Last().Body);
        Assert.DoesNotContain("EMP-123456", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Bluebird", after, StringComparison.Ordinal);
        Assert.DoesNotContain(Host, after, StringComparison.Ordinal);
        // The address is no longer masked as one (its domain still is, as a host name).
        Assert.Contains("alice.kim@", after, StringComparison.Ordinal);
        var masked = (await LastCallAsync(server, "settings", c => c.GetProperty("masked").TryGetProperty("project", out _))).GetProperty("masked");
        Assert.Equal(1, masked.GetProperty("employee-id").GetInt32());
        Assert.Equal(1, masked.GetProperty("project").GetInt32());
        Assert.Equal(2, masked.GetProperty("hostname").GetInt32()); // the host and the address's domain
        Assert.False(masked.TryGetProperty("email", out _), masked.ToString());

        // Every problem at once, and nothing saved.
        using (var bad = await client.PutAsJsonAsync("api/masking/settings", new
        {
            kinds = new[] { "hostname", "nope" },
            patterns = new[] { new { label = "ok-label", pattern = "(unclosed" }, new { label = "Bad Label", pattern = "" }, new { label = "look", pattern = "(?<=x)y" } },
            wordLists = new[] { new { label = "ok-label", words = Array.Empty<string>() } },
            storeAnswer = "sometimes",
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
            foreach (var key in new[] { "kinds[1]", "patterns[0].pattern", "patterns[1].label", "patterns[1].pattern", "patterns[2].pattern", "wordLists[0].label", "wordLists[0].words", "storeAnswer" })
            {
                Assert.True(errors.TryGetProperty(key, out _), $"no problem listed for {key}: {errors}");
            }
        }

        Assert.Equal("employee-id", (await server.GetJsonAsync("api/masking/settings")).GetProperty("settings").GetProperty("patterns")[0].GetProperty("label").GetString());

        // Back to the configuration's defaults.
        using (var reset = await client.DeleteAsync("api/masking/settings"))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        await AiTestHelpers.ChatAsync(client, "settings", UserMessage(question));
        Assert.DoesNotContain(Email, Contents(fake.Requests.Last().Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_another_server_saved_apply_within_the_cache_time()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake, new Dictionary<string, string?> { ["Argus:Masking:SettingsCacheMs"] = "300" });
        using var client = server.ApiClient();
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("shared", [("oai", "ok", null)]));
        var question = $"{Email} cannot log in";
        await AiTestHelpers.ChatAsync(client, "shared", UserMessage(question));
        Assert.DoesNotContain(Email, Contents(fake.Requests.Last().Body), StringComparison.Ordinal);

        // Another server on the same control-plane database saves settings without e-mail (its domain is still masked, as
        // a host name): the row changes underneath this server, which learns of it only by reading again.
        var factory = server.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Argus.Server.Tenancy.ControlPlaneDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Add(new Argus.Server.Ai.MaskingSettingsEntity
            {
                TenantId = Argus.Server.Tenancy.TenantBootstrap.DefaultTenantId,
                Settings = """{"kinds":["hostname"]}""",
                UpdatedBy = "other-server",
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var sent = await ArgusTestServer.EventuallyAsync(
            async () =>
            {
                await AiTestHelpers.ChatAsync(client, "shared", UserMessage(question));
                await Task.Delay(50);
                return Contents(fake.Requests.Last().Body);
            },
            body => body.Contains("alice.kim@", StringComparison.Ordinal),
            "the other server's settings to apply");
        Assert.DoesNotContain("daon-logis.com", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Role_kinds_switch_detectors_on_and_off_and_unknown_kinds_are_refused()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        const string phone = "010-2345-6789";
        var sql = $"SELECT total FROM billing.invoices WHERE phone = '{phone}'";

        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("plain-sql", [("oai", "ok", null)]));
        await AiTestHelpers.ChatAsync(client, "plain-sql", UserMessage(sql));
        var plain = Contents(fake.Requests.Last().Body);
        Assert.Contains("billing.invoices", plain, StringComparison.Ordinal);
        Assert.DoesNotContain(phone, plain, StringComparison.Ordinal);

        var role = AiTestHelpers.Role("sql-names", [("oai", "ok", null)]);
        role["masking"] = new JsonObject { ["mode"] = "auto", ["enable"] = new JsonArray("sqlIdentifier"), ["disable"] = new JsonArray("phone") };
        await AiTestHelpers.CreateRoleAsync(client, role);
        await AiTestHelpers.ChatAsync(client, "sql-names", UserMessage(sql));
        var names = Contents(fake.Requests.Last().Body);
        Assert.DoesNotContain("invoices", names, StringComparison.Ordinal);
        Assert.Contains(phone, names, StringComparison.Ordinal);
        var masked = (await LastCallAsync(server, "sql-names")).GetProperty("masked");
        Assert.True(masked.GetProperty("sqlIdentifier").GetInt32() >= 2, masked.ToString());

        var bad = AiTestHelpers.Role("bad-kinds", [("oai", "ok", null)]);
        bad["masking"] = new JsonObject { ["enable"] = new JsonArray("sqlIdentifier", "nope"), ["disable"] = new JsonArray("hosts") };
        using var refused = await client.PostAsync("api/roles", AiTestHelpers.Json(bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("masking.enable[1]", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("masking.disable[0]", out _), errors.ToString());
    }

    [Fact]
    public async Task The_call_log_stores_the_answer_masked_by_default_or_restored_and_counts_mangled_tokens()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("stored", [("oai", "ok", null)]));
        string? token = null;
        fake.Respond = body =>
        {
            // "host <token>": echo the token, and once more extended by the model, which no longer matches it.
            token = body["messages"]!.AsArray().Last()!["content"]!.ToString()["host ".Length..];
            return $"Look at {token}; also {token}x";
        };

        var (status, answer) = await AiTestHelpers.ChatAsync(client, "stored", UserMessage($"host {Host}"));
        Assert.Equal(200, status);
        Assert.StartsWith($"Look at {Host}; also ", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var masked = await LastCallAsync(server, "stored");
        Assert.Equal($"Look at {token}; also {token}x", masked.GetProperty("answer").GetString());
        Assert.Equal(1, masked.GetProperty("mangledTokens").GetInt32());

        using (var put = await client.PutAsJsonAsync("api/masking/settings", new { storeAnswer = "restored" }))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }

        await AiTestHelpers.ChatAsync(client, "stored", UserMessage($"host {Host}"));
        var restored = await LastCallAsync(server, "stored", c => c.GetProperty("answer").GetString()!.Contains(Host, StringComparison.Ordinal));
        Assert.StartsWith($"Look at {Host}; also ", restored.GetProperty("answer").GetString(), StringComparison.Ordinal);
        // The request is stored as sent either way.
        Assert.DoesNotContain(Host, restored.GetProperty("requestJson").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_of_one_tenant_is_restored_for_another()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var admin = server.ApiClient();
        using var created = await admin.PostAsJsonAsync("api/tenants", new { id = "team-b", name = "Team B" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var keyB = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("adminKey").GetProperty("key").GetString()!;
        using var clientB = server.ApiClient(keyB);
        await AiTestHelpers.CreateRoleAsync(admin, AiTestHelpers.Role("shared", [("oai", "ok", null)]));
        await AiTestHelpers.CreateRoleAsync(clientB, AiTestHelpers.Role("shared", [("oai", "ok", null)]));

        string Token(JsonObject body) => body["messages"]!.AsArray().Last()!["content"]!.ToString()["host ".Length..];
        fake.Respond = body => "ok";
        await AiTestHelpers.ChatAsync(admin, "shared", UserMessage($"host {Host}"));
        var tokenA = Token(fake.Requests.Last().Body);
        await AiTestHelpers.ChatAsync(clientB, "shared", UserMessage($"host {Host}"));
        var tokenB = Token(fake.Requests.Last().Body);
        Assert.NotEqual(tokenA, tokenB);
        Assert.DoesNotContain(Host, tokenA + tokenB, StringComparison.Ordinal);

        // Tenant B's answer quoting tenant A's token gets nothing of A's back.
        fake.Respond = body => $"A said {tokenA}, B said {Token(body)}";
        var (_, answer) = await AiTestHelpers.ChatAsync(clientB, "shared", UserMessage($"host {Host}"));
        Assert.Equal($"A said {tokenA}, B said {Host}", answer.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task A_bad_configured_pattern_fails_the_start_listing_every_problem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Masking:Kinds:0"] = "hostnames",
            ["Argus:Masking:Patterns:0:Label"] = "ticket",
            ["Argus:Masking:Patterns:0:Pattern"] = "TCK-[0-9",
            ["Argus:Masking:WordLists:0:Label"] = "ticket",
            ["Argus:Masking:WordLists:0:Words:0"] = "Bluebird",
            ["Argus:Masking:StoreAnswer"] = "always",
        }));
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("kinds[0]: 'hostnames' is not a masking kind", all, StringComparison.Ordinal);
        Assert.Contains("patterns[0].pattern: 'TCK-[0-9' is not usable", all, StringComparison.Ordinal);
        Assert.Contains("wordLists[0].label: the label 'ticket' is used twice", all, StringComparison.Ordinal);
        Assert.Contains("storeAnswer", all, StringComparison.Ordinal);
    }

    private static object UserMessage(string text) => new { messages = new[] { new { role = "user", content = text } } };

    /// <summary>The message contents as the provider decoded them.</summary>
    private static string Contents(JsonObject body) => string.Join("\n", body["messages"]!.AsArray().Select(m => m!["content"]!.ToString()));

    private static async Task<JsonElement> LastCallAsync(ArgusTestServer server, string role, Func<JsonElement, bool>? condition = null)
    {
        var calls = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/llm/calls?role={role}"),
            c => c.GetProperty("calls").GetArrayLength() > 0 && (condition is null || condition(c.GetProperty("calls")[0])),
            $"the call log of role {role}");
        return calls.GetProperty("calls")[0];
    }
}
