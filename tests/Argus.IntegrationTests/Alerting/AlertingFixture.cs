using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;
using Argus.IntegrationTests.Notifications;

namespace Argus.IntegrationTests.Alerting;

/// <summary>One Argus with fake LLM vendors and a webhook receiver (a channel named <c>hook</c>) for the alerting tests.</summary>
public sealed class AlertingFixture : IAsyncLifetime
{
    public const string HookSecret = "whsec-test-0123456789";

    public FakeLlmUpstream Fake { get; private set; } = null!;

    public LocalHttpReceiver Hook { get; private set; } = null!;

    public ArgusTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fake = await FakeLlmUpstream.StartAsync();
        Hook = await LocalHttpReceiver.StartAsync();
        Server = await AiTestHelpers.StartAsync(Fake, new Dictionary<string, string?> { ["Argus:Alerting:TickInterval"] = "00:00:00.250" });
        using var client = Server.ApiClient();
        using var response = await client.PostAsync("api/channels", Json(new JsonObject
        {
            ["name"] = "hook",
            ["type"] = "webhook",
            ["url"] = new Uri(Hook.Url, "argus").ToString(),
            ["secret"] = HookSecret,
        }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Hook.DisposeAsync();
        await Fake.DisposeAsync();
    }

    /// <summary>Points the tenant's <c>alert-analyzer</c> role at the given chain (a new version, applied to the next call).</summary>
    public Task SetAnalyzerChainAsync(params (string Provider, string Model)[] chain) => SetAnalyzerChainAsync(Server, chain);

    /// <summary>Points the <c>alert-analyzer</c> role of <paramref name="server"/>'s tenant at the given chain.</summary>
    public static async Task SetAnalyzerChainAsync(ArgusTestServer server, params (string Provider, string Model)[] chain)
    {
        using var client = server.ApiClient();
        var current = await server.GetJsonAsync("api/roles/alert-analyzer");
        var role = JsonNode.Parse(current.GetProperty("role").GetRawText())!.AsObject();
        role["chain"] = new JsonArray([.. chain.Select(c => (JsonNode)new JsonObject { ["provider"] = c.Provider, ["model"] = c.Model })]);
        using var response = await client.PutAsync("api/roles/alert-analyzer", Json(role));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates a rule and returns its id.</summary>
    public async Task<string> CreateRuleAsync(JsonObject rule)
    {
        using var client = Server.ApiClient();
        using var response = await client.PostAsync("api/alert-rules", Json(rule));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"creating the rule answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("rule").GetProperty("id").GetString()!;
    }

    /// <summary>Waits for the incidents of a rule; returns them once at least <paramref name="count"/> exist.</summary>
    public async Task<JsonElement[]> IncidentsOfAsync(string ruleId, int count = 1, int timeoutMs = 30_000) =>
        await ArgusTestServer.EventuallyAsync(
            async () => (await Server.GetJsonAsync($"api/incidents?rule={ruleId}")).GetProperty("incidents").EnumerateArray().ToArray(),
            list => list.Length >= count,
            $"{count} incident(s) of rule {ruleId}",
            timeoutMs);

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public async Task SendTracesAsync(string body)
    {
        using var response = await Server.PostOtlpJsonAsync("traces", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> PostJsonAsync(string path, JsonNode body)
    {
        using var client = Server.ApiClient();
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
