using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Alerting;

/// <summary>
/// An alert whose report Argus was still writing when it stopped (the LLM had not answered) gets its report at the
/// next start, once, from the chain the role has then.
/// </summary>
public sealed class ReportRestartTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Argus:Alerting:TickInterval"] = "00:00:00.250" };

    [Fact]
    public async Task A_report_interrupted_by_a_stop_is_written_at_the_next_start()
    {
        using var folder = new TestDataFolder();
        await using var fake = await FakeLlmUpstream.StartAsync();
        string ruleId, alertId;
        await using (var server = await AiTestHelpers.StartAsync(fake, Settings, dataPath: folder.Path))
        {
            // The analyst's only link answers after 30 s: the stop comes first.
            await AlertingFixture.SetAnalyzerChainAsync(server, ("oai", "slow-report"));
            var scenario = IncidentScenario.All["slow_sql"];
            var rule = scenario.Rule.DeepClone().AsObject();
            rule["name"] = "Restart-Report";
            rule["service"] = "svc-report-restart";
            rule.Remove("channels"); // no channel exists here, and a rule may only name channels that do
            using (var client = server.ApiClient())
            using (var created = await client.PostAsync("api/alert-rules", AlertingFixture.Json(rule)))
            {
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
                ruleId = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("rule").GetProperty("id").GetString()!;
            }

            foreach (var body in scenario.Traces("svc-report-restart", "pod-1"))
            {
                using var sent = await server.PostOtlpJsonAsync("traces", body);
                Assert.True(sent.IsSuccessStatusCode);
            }

            await ArgusTestServer.EventuallyAsync(() => Task.FromResult(fake.CountFor("slow-report")), n => n == 1, "the report's LLM call");
            var alert = (await server.GetJsonAsync($"api/alerts?rule={ruleId}")).GetProperty("alerts")[0];
            alertId = alert.GetProperty("id").GetString()!;
            Assert.Equal("firing", alert.GetProperty("state").GetString());
            Assert.False(alert.TryGetProperty("incidentId", out var incident) && incident.ValueKind == System.Text.Json.JsonValueKind.String);

            // The next call of the role goes to the built-in analyst; the call in flight keeps its slow link.
            await AlertingFixture.SetAnalyzerChainAsync(server, ("argus", "argus-analyst-1"));
        }

        await using (var server = await AiTestHelpers.StartAsync(fake, Settings, dataPath: folder.Path))
        {
            var incidents = await ArgusTestServer.EventuallyAsync(
                async () => (await server.GetJsonAsync($"api/incidents?rule={ruleId}")).GetProperty("incidents").EnumerateArray().ToArray(),
                list => list.Length > 0, "the report after the restart");
            var incident = await server.GetJsonAsync($"api/incidents/{Assert.Single(incidents).GetProperty("id").GetString()}");
            Assert.Equal(alertId, incident.GetProperty("alertId").GetString());
            Assert.True(incident.GetProperty("builtIn").GetBoolean());
            Assert.Contains("[Summary]", incident.GetProperty("reportText").GetString(), StringComparison.Ordinal);

            var alert = await server.GetJsonAsync($"api/alerts/{alertId}");
            Assert.Equal(incident.GetProperty("id").GetString(), alert.GetProperty("incidentId").GetString());

            // Once: later evaluations of the still-firing rule add no report.
            await Task.Delay(1_500);
            Assert.Single((await server.GetJsonAsync($"api/incidents?rule={ruleId}")).GetProperty("incidents").EnumerateArray());
        }

        Assert.Equal(1, fake.CountFor("slow-report"));
    }
}
