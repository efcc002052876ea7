using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Argus.IntegrationTests.Ai;

/// <summary>Starts Argus with providers pointing at a <see cref="FakeLlmUpstream"/>, and builds roles.</summary>
internal static class AiTestHelpers
{
    public const string OpenAiKey = "sk-fake-openai-SECRET-0123456789abcdef";
    public const string AnthropicKey = "sk-ant-fake-SECRET-fedcba9876543210";

    public static Dictionary<string, string?> ProviderSettings(FakeLlmUpstream fake) => new()
    {
        ["Argus:Providers:oai:Type"] = "openai",
        ["Argus:Providers:oai:BaseUrl"] = fake.OpenAiBaseUrl,
        ["Argus:Providers:oai:ApiKey"] = OpenAiKey,
        ["Argus:Providers:oai:TimeoutMs"] = "5000",
        ["Argus:Providers:oai:Prices:ok:InputPerMillion"] = "1000",
        ["Argus:Providers:oai:Prices:ok:OutputPerMillion"] = "2000",
        ["Argus:Providers:claude:Type"] = "anthropic",
        ["Argus:Providers:claude:BaseUrl"] = fake.AnthropicBaseUrl,
        ["Argus:Providers:claude:ApiKey"] = AnthropicKey,
        ["Argus:Providers:claude:TimeoutMs"] = "5000",
        // Nothing listens on port 1: connection refused.
        ["Argus:Providers:dead:Type"] = "openai",
        ["Argus:Providers:dead:BaseUrl"] = "http://127.0.0.1:1/v1",
        ["Argus:Providers:dead:ApiKey"] = OpenAiKey,
        ["Argus:Ai:RolesPath"] = Path.Combine(Path.GetTempPath(), "argus-tests", "no-roles-folder"),
    };

    public static Task<ArgusTestServer> StartAsync(FakeLlmUpstream fake, IDictionary<string, string?>? extra = null, Action<WebApplicationBuilder>? configure = null, string? dataPath = null)
    {
        var settings = ProviderSettings(fake);
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return ArgusTestServer.StartAsync(dataPath, settings, configure);
    }

    /// <summary>A role definition as the API takes it.</summary>
    public static JsonObject Role(string code, (string Provider, string Model, int? TimeoutMs)[] chain, bool schema = false, string? systemMessage = null)
    {
        var role = new JsonObject
        {
            ["code"] = code,
            ["name"] = "Test " + code,
            ["systemMessage"] = systemMessage ?? "You are a test role.",
            ["chain"] = new JsonArray([.. chain.Select(c => (JsonNode)new JsonObject { ["provider"] = c.Provider, ["model"] = c.Model, ["timeoutMs"] = c.TimeoutMs })]),
            ["parameters"] = new JsonObject { ["temperature"] = 0.2, ["maxOutputTokens"] = 100 },
        };
        if (schema)
        {
            role["responseFormat"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["name"] = "application_health_report_format",
                ["strict"] = true,
                ["schema"] = JsonNode.Parse(Argus.AI.Roles.BuiltInRoles.ApplicationHealthReportSchema),
            };
        }

        return role;
    }

    public static async Task<JsonElement> CreateRoleAsync(HttpClient client, JsonObject role)
    {
        using var response = await client.PostAsync("api/roles", Json(role));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"creating role answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<(int Status, JsonElement Body)> ChatAsync(HttpClient client, string code, object request)
    {
        using var response = await client.PostAsJsonAsync($"api/roles/{code}/chat", request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>Calls a role with <c>stream: true</c> and returns the SSE events (name, data).</summary>
    public static async Task<(int Status, List<(string Event, string Data)> Events, string Raw)> ChatStreamAsync(HttpClient client, string code, object request)
    {
        using var response = await client.PostAsJsonAsync($"api/roles/{code}/chat", request);
        var raw = await response.Content.ReadAsStringAsync();
        var events = new List<(string, string)>();
        foreach (var block in raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..] ?? "message";
            var data = string.Concat(lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..]));
            events.Add((name, data));
        }

        return ((int)response.StatusCode, events, raw);
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");
}
