using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Ai;

/// <summary>Providers managed per tenant through <c>/api/providers</c>, used by roles through the real server.</summary>
public sealed class ProviderApiTests
{
    private const string ManagedKey = "sk-managed-SECRET-1111222233334444";
    private const string RotatedKey = "sk-rotated-SECRET-5555666677778888";
    private const string HeaderSecret = "hdr-SECRET-azure-key-99990000";

    private static JsonObject Provider(FakeLlmUpstream fake, string name = "team-llm", string? apiKey = ManagedKey) => new()
    {
        ["name"] = name,
        ["type"] = "openai-compatible",
        ["baseUrl"] = fake.OpenAiBaseUrl,
        ["apiKey"] = apiKey,
        ["timeoutMs"] = 5000,
        ["headers"] = new JsonObject { ["X-Team"] = "blue", ["api-key"] = HeaderSecret },
        ["prices"] = new JsonObject { ["ok-managed"] = new JsonObject { ["inputPerMillion"] = 1000, ["outputPerMillion"] = 2000 } },
    };

    private static (string Model, IReadOnlyDictionary<string, string> Headers) LastRequest(FakeLlmUpstream fake, string model) =>
        fake.RequestHeaders.Last(r => r.Model == model);

    [Fact]
    public async Task A_managed_provider_serves_roles_changes_apply_to_the_next_call_and_its_secrets_never_show()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        var logs = new CapturingLoggerProvider();
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        var responses = new StringBuilder();
        await using (var server = await AiTestHelpers.StartAsync(fake, configure: b => b.Logging.AddProvider(logs), dataPath: dataPath))
        {
            using var client = server.ApiClient();
            using (var created = await client.PostAsync("api/providers", AiTestHelpers.Json(Provider(fake))))
            {
                var text = await created.Content.ReadAsStringAsync();
                responses.Append(text);
                Assert.True(created.StatusCode == HttpStatusCode.Created, text);
                var info = JsonDocument.Parse(text).RootElement;
                Assert.True(info.GetProperty("hasApiKey").GetBoolean());
                Assert.False(info.TryGetProperty("apiKey", out _));
                Assert.Equal("api", info.GetProperty("source").GetString());
                Assert.False(info.GetProperty("readOnly").GetBoolean());
                Assert.Equal("blue", info.GetProperty("headers").GetProperty("X-Team").GetString());
                Assert.Equal("***", info.GetProperty("headers").GetProperty("api-key").GetString());
            }

            var list = await server.GetJsonAsync("api/providers");
            responses.Append(list.GetRawText());
            var byName = list.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
            Assert.True(byName["oai"].GetProperty("readOnly").GetBoolean());
            Assert.Equal("configuration", byName["oai"].GetProperty("source").GetString());
            Assert.Equal("builtin", byName["argus"].GetProperty("source").GetString());
            Assert.Equal("api", byName["team-llm"].GetProperty("source").GetString());

            // A role may use it at once, and the call carries its key and headers and is priced from its table.
            await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("managed-user", [("team-llm", "ok-managed", null)]));
            var (status, answer) = await AiTestHelpers.ChatAsync(client, "managed-user", new { messages = new[] { new { role = "user", content = "hi" } } });
            Assert.True(status == 200, answer.ToString());
            Assert.Equal("team-llm", answer.GetProperty("provider").GetString());
            var sent = LastRequest(fake, "ok-managed").Headers;
            Assert.Equal("Bearer " + ManagedKey, sent["Authorization"]);
            Assert.Equal("blue", sent["X-Team"]);
            Assert.Equal(HeaderSecret, sent["api-key"]);
            var calls = await ArgusTestServer.EventuallyAsync(
                () => server.GetJsonAsync("api/llm/calls?role=managed-user"), c => c.GetProperty("calls").GetArrayLength() == 1, "the logged call");
            Assert.Equal((11 * 1000.0 + 7 * 2000.0) / 1e6, calls.GetProperty("calls")[0].GetProperty("cost").GetDouble(), 9);

            // PUT without apiKey keeps the key, and "***" keeps a credential header; the next call sees the new header.
            var changed = Provider(fake, apiKey: null);
            changed.Remove("apiKey");
            changed["headers"] = new JsonObject { ["X-Team"] = "green", ["api-key"] = "***" };
            using (var put = await client.PutAsync("api/providers/team-llm", AiTestHelpers.Json(changed)))
            {
                var text = await put.Content.ReadAsStringAsync();
                responses.Append(text);
                Assert.True(put.StatusCode == HttpStatusCode.OK, text);
                Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("hasApiKey").GetBoolean());
            }

            Assert.Equal(200, (await AiTestHelpers.ChatAsync(client, "managed-user", new { messages = new[] { new { role = "user", content = "again" } } })).Status);
            sent = LastRequest(fake, "ok-managed").Headers;
            Assert.Equal("green", sent["X-Team"]);
            Assert.Equal("Bearer " + ManagedKey, sent["Authorization"]);
            Assert.Equal(HeaderSecret, sent["api-key"]);

            // A new key applies to the next call without a restart.
            changed["apiKey"] = RotatedKey;
            using (var put = await client.PutAsync("api/providers/team-llm", AiTestHelpers.Json(changed)))
            {
                responses.Append(await put.Content.ReadAsStringAsync());
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }

            Assert.Equal(200, (await AiTestHelpers.ChatAsync(client, "managed-user", new { messages = new[] { new { role = "user", content = "rotated" } } })).Status);
            Assert.Equal("Bearer " + RotatedKey, LastRequest(fake, "ok-managed").Headers["Authorization"]);
            responses.Append((await server.GetJsonAsync("api/providers/team-llm")).GetRawText());
        }

        // After a restart the stored (encrypted) key still decrypts from the key ring in the data folder.
        await using (var server = await AiTestHelpers.StartAsync(fake, configure: b => b.Logging.AddProvider(logs), dataPath: dataPath))
        {
            using var client = server.ApiClient();
            var (status, answer) = await AiTestHelpers.ChatAsync(client, "managed-user", new { messages = new[] { new { role = "user", content = "after restart" } } });
            Assert.True(status == 200, answer.ToString());
            Assert.Equal("Bearer " + RotatedKey, LastRequest(fake, "ok-managed").Headers["Authorization"]);

            // A role still using it keeps it from being deleted; the 409 names the role.
            using (var delete = await client.DeleteAsync("api/providers/team-llm"))
            {
                var text = await delete.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
                Assert.Equal("application/problem+json", delete.Content.Headers.ContentType?.MediaType);
                Assert.Contains("managed-user", text, StringComparison.Ordinal);
            }

            await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("other-user", [("team-llm", "ok-managed", null)]));
            using (var delete = await client.DeleteAsync("api/providers/team-llm"))
            {
                var roles = JsonDocument.Parse(await delete.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("roles");
                Assert.Equal(2, roles.GetArrayLength());
            }

            foreach (var code in new[] { "managed-user", "other-user" })
            {
                var moved = AiTestHelpers.Role(code, [("argus", "", null)]);
                using var put = await client.PutAsync($"api/roles/{code}", AiTestHelpers.Json(moved));
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }

            using (var delete = await client.DeleteAsync("api/providers/team-llm"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            using (var gone = await client.GetAsync("api/providers/team-llm"))
            {
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            }

            // A role linking to it is rejected again.
            using var rejected = await client.PostAsync("api/roles", AiTestHelpers.Json(AiTestHelpers.Role("late-user", [("team-llm", "ok-managed", null)])));
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            Assert.Contains("team-llm", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The secrets are in no response, no log line, and no file of the data folder (encrypted at rest).
        var all = responses.ToString();
        foreach (var secret in new[] { ManagedKey, RotatedKey, HeaderSecret })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            foreach (var file in Directory.EnumerateFiles(dataPath, "*", SearchOption.AllDirectories))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a provider secret in plain text");
            }
        }

        Assert.True(Directory.EnumerateFiles(Path.Combine(dataPath, "keys")).Any(), "the Data Protection key ring lives in the data folder");
    }

    [Fact]
    public async Task Configured_providers_are_read_only_invalid_ones_list_every_problem_and_tenants_see_only_their_own()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();

        foreach (var name in new[] { "oai", "argus" })
        {
            using var post = await client.PostAsync("api/providers", AiTestHelpers.Json(Provider(fake, name)));
            Assert.Equal(HttpStatusCode.Conflict, post.StatusCode);
            Assert.Contains("read-only", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var put = await client.PutAsync($"api/providers/{name}", AiTestHelpers.Json(Provider(fake, name)));
            Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
            using var delete = await client.DeleteAsync($"api/providers/{name}");
            Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        }

        var bad = new JsonObject
        {
            ["name"] = "bad name!",
            ["type"] = "gpt",
            ["baseUrl"] = "ftp://example.com",
            ["timeoutMs"] = 0,
            ["headers"] = new JsonObject { ["Host"] = "example.com" },
            ["prices"] = new JsonObject { ["m"] = new JsonObject { ["inputPerMillion"] = -1, ["outputPerMillion"] = 1 } },
        };
        using (var post = await client.PostAsync("api/providers", AiTestHelpers.Json(bad)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
            Assert.Equal(
                ["baseUrl", "headers.Host", "name", "prices.m", "timeoutMs", "type"],
                errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());
        }

        using (var post = await client.PostAsync("api/providers", AiTestHelpers.Json(new JsonObject { ["name"] = "anthro", ["type"] = "anthropic" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            Assert.Contains("apiKey", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var post = await client.PostAsync("api/providers", AiTestHelpers.Json(Provider(fake, "mine"))))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        using (var again = await client.PostAsync("api/providers", AiTestHelpers.Json(Provider(fake, "mine"))))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        // Another tenant neither sees nor may use it, and a read key may not write.
        using var tenant = await client.PostAsJsonAsync("api/tenants", new { id = "team-p", name = "Team P" });
        var keyB = JsonDocument.Parse(await tenant.Content.ReadAsStringAsync()).RootElement.GetProperty("adminKey").GetProperty("key").GetString()!;
        using var clientB = server.ApiClient(keyB);
        var listB = await server.GetJsonAsync("api/providers", keyB);
        Assert.DoesNotContain(listB.GetProperty("providers").EnumerateArray(), p => p.GetProperty("name").GetString() == "mine");
        using (var get = await clientB.GetAsync("api/providers/mine"))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        using (var role = await clientB.PostAsync("api/roles", AiTestHelpers.Json(AiTestHelpers.Role("b-role", [("mine", "ok", null)]))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, role.StatusCode);
        }

        using var readKey = await client.PostAsJsonAsync("api/keys", new { name = "reader", role = "read" });
        var reader = JsonDocument.Parse(await readKey.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        using var readClient = server.ApiClient(reader);
        using (var post = await readClient.PostAsync("api/providers", AiTestHelpers.Json(Provider(fake, "reader-made"))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }

        using (var get = await readClient.GetAsync("api/providers/mine"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }
    }
}
