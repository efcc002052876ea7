using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Alerting;

/// <summary>A rule waiting out its pending time keeps the time its breach began across a restart of the server.</summary>
public sealed class AlertPendingRestartTests
{
    private static readonly Dictionary<string, string?> FastTicks = new() { ["Argus:Alerting:TickInterval"] = "00:00:00.250" };

    [Fact]
    public async Task A_pending_rule_keeps_its_start_across_a_restart()
    {
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        string ruleId;
        DateTimeOffset began;
        await using (var server = await ArgusTestServer.StartAsync(dataPath, FastTicks))
        {
            var rule = IncidentScenario.All["slow_sql"].Rule.DeepClone().AsObject();
            rule["name"] = "pending-across-restart";
            rule["service"] = "svc-pending";
            rule["pendingFor"] = "01:00:00";
            rule.Remove("channels");
            using var client = server.ApiClient();
            using (var response = await client.PostAsync("api/alert-rules", AlertingFixture.Json(rule)))
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, body);
                ruleId = JsonDocument.Parse(body).RootElement.GetProperty("rule").GetProperty("id").GetString()!;
            }

            foreach (var trace in IncidentScenario.All["slow_sql"].Traces("svc-pending", "pod-1"))
            {
                using var sent = await server.PostOtlpJsonAsync("traces", trace);
                Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
            }

            began = (await PendingAsync(server, ruleId)).GetProperty("pendingSince").GetDateTimeOffset();
        }

        // Without the stored state the new server's first pass would start the breach again, at a later time.
        await using (var server = await ArgusTestServer.StartAsync(dataPath, FastTicks))
        {
            var status = await PendingAsync(server, ruleId);
            Assert.Equal(began, status.GetProperty("pendingSince").GetDateTimeOffset());
            Assert.Empty((await server.GetJsonAsync($"api/alerts?rule={ruleId}")).GetProperty("alerts").EnumerateArray());
        }
    }

    private static Task<JsonElement> PendingAsync(ArgusTestServer server, string ruleId) =>
        ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/alert-rules/{ruleId}"),
            s => s.GetProperty("status").GetString() == "pending",
            "the rule to be pending");
}
