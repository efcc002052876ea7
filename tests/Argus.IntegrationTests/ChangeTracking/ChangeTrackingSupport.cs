using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Argus.IntegrationTests.ChangeTracking;

/// <summary>A server on simulated time for change tracking, and telemetry placed at simulated times over OTLP/JSON.</summary>
internal sealed class ChangeTrackingRig : IAsyncDisposable
{
    private ChangeTrackingRig(FakeTimeProvider time, FakeLlmUpstream fake, ArgusTestServer server)
    {
        Time = time;
        Fake = fake;
        Server = server;
    }

    /// <summary>The deployment time every scenario starts at: now, to the minute (real telemetry times stay plausible).</summary>
    public static DateTimeOffset T0 { get; } = new(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    public FakeTimeProvider Time { get; }

    public FakeLlmUpstream Fake { get; }

    public ArgusTestServer Server { get; private set; }

    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            // The week-before baseline is older than the default retention of 7 days.
            ["Argus:Retention:MaxAge"] = "9.00:00:00",
            ["Argus:ChangeTracking:TickInterval"] = "00:00:01",
            ["Argus:ChangeTracking:GitHubSecret"] = GitHubSecret,
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        return settings;
    }

    public const string GitHubSecret = "gh-webhook-secret-0123456789";

    public static async Task<ChangeTrackingRig> StartAsync(Dictionary<string, string?>? extra = null, DateTimeOffset? start = null, string? dataPath = null)
    {
        var time = new FakeTimeProvider(start ?? T0);
        var fake = await FakeLlmUpstream.StartAsync();
        var server = await AiTestHelpers.StartAsync(fake, Settings(extra), b => b.Services.AddSingleton<TimeProvider>(time), dataPath);
        return new ChangeTrackingRig(time, fake, server);
    }

    /// <summary>Stops the server (keeping its data) and starts another on the same folder at <paramref name="at"/>.</summary>
    public async Task RestartAtAsync(DateTimeOffset at)
    {
        await Server.StopAsync();
        Time.SetUtcNow(at);
        Server = await AiTestHelpers.StartAsync(Fake, Settings(), b => b.Services.AddSingleton<TimeProvider>(Time), Server.DataPath);
    }

    /// <summary>
    /// Sends <paramref name="requests"/> server spans of <paramref name="service"/> spread over [from, from + 10 min): latency
    /// uniform in [latencyMs * 0.8, latencyMs * 1.2], a share <paramref name="errorRatio"/> failing with an exception logged
    /// at ERROR. Seeded, so every run sends the same telemetry.
    /// </summary>
    public async Task SendWindowAsync(string service, DateTimeOffset from, int requests, double latencyMs, double errorRatio, int seed, string route = "/api/orders")
    {
        var random = new Random(seed);
        var spans = new List<string>();
        var logs = new List<string>();
        var failing = (int)Math.Round(requests * errorRatio);
        for (var i = 0; i < requests; i++)
        {
            var start = from.AddMilliseconds(i * (600_000.0 / requests) + random.NextDouble() * 100);
            // Exactly `failing` failures, spread evenly.
            var failed = (long)i * failing / requests != ((long)i + 1) * failing / requests;
            var traceId = OtlpJson.NewTraceId();
            spans.Add(OtlpJson.Span(traceId, OtlpJson.NewSpanId(), null, "GET " + route, 2, start, latencyMs * (0.8 + (0.4 * random.NextDouble())), failed ? 2 : 0,
                [("http.route", route), ("http.request.method", "GET")]));
            if (failed)
            {
                logs.Add(OtlpJson.LogRecord(start.AddMilliseconds(1), 17, "ERROR", "Order lookup failed: TimeoutException after 30000 ms on db-1", traceId));
            }
        }

        foreach (var chunk in spans.Chunk(500))
        {
            using var response = await Server.PostOtlpJsonAsync("traces", OtlpJson.Traces(service, chunk, "pod-1"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        if (logs.Count > 0)
        {
            using var response = await Server.PostOtlpJsonAsync("logs", OtlpJson.Logs(service, logs));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Waits until the store holds at least <paramref name="spans"/> server spans of the service (ingest is asynchronous).</summary>
    public async Task WaitForSpansAsync(string service, long spans)
    {
        var from = T0.AddDays(-8).ToUnixTimeMilliseconds();
        var to = T0.AddDays(2).ToUnixTimeMilliseconds();
        await ArgusTestServer.EventuallyAsync(
            async () => (await Server.GetJsonAsync($"api/services?from={from}&to={to}")).GetProperty("services").EnumerateArray()
                .Where(s => s.GetProperty("name").GetString() == service).Select(s => s.GetProperty("serverSpanCount").GetInt64()).FirstOrDefault(),
            n => n >= spans, $"{spans} spans of {service}");
    }

    public async Task<JsonElement> CreateDeploymentAsync(object body)
    {
        using var client = Server.ApiClient();
        using var response = await client.PostAsJsonAsync("api/deployments", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST api/deployments answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Moves simulated time and waits until the check at <paramref name="offset"/> has run.</summary>
    public async Task<JsonElement> AdvanceAndWaitForCheckAsync(string deploymentId, string offset, DateTimeOffset to)
    {
        if (to > Time.GetUtcNow())
        {
            Time.SetUtcNow(to);
        }

        return await WaitForCheckAsync(deploymentId, offset);
    }

    public async Task<JsonElement> WaitForCheckAsync(string deploymentId, string offset)
    {
        var deployment = await ArgusTestServer.EventuallyAsync(
            async () =>
            {
                // The scheduler's timer runs on simulated time: nudge it while waiting.
                Time.Advance(TimeSpan.FromSeconds(1));
                return await Server.GetJsonAsync($"api/deployments/{deploymentId}");
            },
            d => Check(d, offset) is { } c && c.GetProperty("status").GetString() is "done" or "failed",
            $"check {offset} of {deploymentId}",
            60_000);
        var check = Check(deployment, offset)!.Value;
        Assert.True(check.GetProperty("status").GetString() == "done", check.ToString());
        return check;
    }

    public static JsonElement? Check(JsonElement deployment, string offset) =>
        deployment.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("offset").GetString() == offset).Select(c => (JsonElement?)c).FirstOrDefault();

    public static JsonElement Metric(JsonElement check, string app, string metric) =>
        check.GetProperty("verdict").GetProperty("judgement").GetProperty("applications").EnumerateArray()
            .Single(a => a.GetProperty("name").GetString() == app)
            .GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == metric);

    public async Task SetTrackerChainAsync(params (string Provider, string Model)[] chain)
    {
        using var client = Server.ApiClient();
        var current = await Server.GetJsonAsync("api/roles/change-tracker");
        var role = JsonNode.Parse(current.GetProperty("role").GetRawText())!.AsObject();
        role["chain"] = new JsonArray([.. chain.Select(c => (JsonNode)new JsonObject { ["provider"] = c.Provider, ["model"] = c.Model })]);
        using var response = await client.PutAsync("api/roles/change-tracker", new StringContent(role.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
