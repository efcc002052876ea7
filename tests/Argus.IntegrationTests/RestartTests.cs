using System.Net;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>What was acknowledged survives a graceful stop and start.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Data_acknowledged_before_a_graceful_stop_is_there_after_restart()
    {
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        var now = DateTimeOffset.UtcNow.AddMinutes(-2);
        var traceIds = new List<string>();
        await using (var first = await ArgusTestServer.StartAsync(dataPath))
        {
            // Many requests in a row, then stop at once: whatever is still queued must be flushed on stop.
            for (var batch = 0; batch < 20; batch++)
            {
                var spans = new List<string>();
                for (var i = 0; i < 100; i++)
                {
                    var traceId = OtlpJson.NewTraceId();
                    traceIds.Add(traceId);
                    spans.Add(OtlpJson.Span(traceId, OtlpJson.NewSpanId(), null, "GET /restart", 2, now.AddMilliseconds(i), 10 + i));
                }

                using var r = await first.PostOtlpJsonAsync("traces", OtlpJson.Traces("restarted", spans));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            using var log = await first.PostOtlpJsonAsync("logs", OtlpJson.Logs("restarted", [OtlpJson.LogRecord(now, 13, "WARN", "before restart")]));
            Assert.Equal(HttpStatusCode.OK, log.StatusCode);
            await first.StopAsync();
        }

        await using var second = await ArgusTestServer.StartAsync(dataPath);
        var services = await second.GetJsonAsync("api/services?from=" + now.AddMinutes(-1).ToUnixTimeMilliseconds());
        var restarted = Assert.Single(services.GetProperty("services").EnumerateArray());
        Assert.Equal(2_000, restarted.GetProperty("spanCount").GetInt64());
        Assert.NotEmpty((await second.GetJsonAsync($"api/traces/{traceIds[^1]}")).GetProperty("spans").EnumerateArray());
        var logs = await second.GetJsonAsync("api/logs?service=restarted&from=" + now.AddMinutes(-1).ToUnixTimeMilliseconds());
        Assert.Equal("before restart", Assert.Single(logs.GetProperty("logs").EnumerateArray()).GetProperty("body").GetString());

        // The bootstrap key still works and no second default tenant was made.
        using var admin = second.ApiClient();
        var keys = await (await admin.GetAsync("api/keys")).Content.ReadAsStringAsync();
        Assert.Single(System.Text.Json.JsonDocument.Parse(keys).RootElement.EnumerateArray());
    }
}
