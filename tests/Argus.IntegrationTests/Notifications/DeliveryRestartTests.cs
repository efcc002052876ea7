using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Alerting;
using Argus.IntegrationTests.Infrastructure;
using Argus.Operations.Notifications;
using Microsoft.Data.Sqlite;

namespace Argus.IntegrationTests.Notifications;

/// <summary>
/// A delivery that Argus stops in the middle of (here: waiting to retry after a 503) is kept in <c>control.db</c> and
/// sent at the next start, with the same delivery id, once; nothing is left kept after it is sent.
/// </summary>
public sealed class DeliveryRestartTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Argus:Alerting:TickInterval"] = "00:00:00.250",
        // After the first refusal the next attempt would come ten minutes later: the stop comes first.
        ["Argus:Notifications:BaseDelay"] = "00:10:00",
        ["Argus:Notifications:MaxDelay"] = "00:10:00",
    };

    [Fact]
    public async Task A_delivery_interrupted_by_a_stop_is_sent_at_the_next_start_with_the_same_id()
    {
        using var folder = new TestDataFolder();
        await using var receiver = await LocalHttpReceiver.StartAsync();
        receiver.Script([.. Enumerable.Repeat((503, "busy"), 10)]);
        string[] deliveryIds;
        await using (var server = await ArgusTestServer.StartAsync(folder.Path, Settings))
        {
            using var client = server.ApiClient();
            await Channels.CreateAsync(client, new { name = "hook", type = "webhook", url = new Uri(receiver.Url, "argus").ToString() });
            var scenario = IncidentScenario.All["slow_sql"];
            var rule = scenario.Rule.DeepClone().AsObject();
            rule["name"] = "Restart-SlowSQL";
            rule["service"] = "svc-restart";
            rule["channels"] = new JsonArray("hook");
            using (var created = await client.PostAsync("api/alert-rules", new StringContent(rule.ToJsonString(), Encoding.UTF8, "application/json")))
            {
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            }

            foreach (var body in scenario.Traces("svc-restart", "pod-1"))
            {
                using var sent = await server.PostOtlpJsonAsync("traces", body);
                Assert.True(sent.IsSuccessStatusCode);
            }

            var incident = await ArgusTestServer.EventuallyAsync(
                async () => (await server.GetJsonAsync("api/incidents")).GetProperty("incidents").EnumerateArray().ToArray(),
                list => list.Length == 1, "the incident");
            var detail = await server.GetJsonAsync($"api/incidents/{incident[0].GetProperty("id").GetString()}");
            deliveryIds = [.. detail.GetProperty("deliveryIds").EnumerateArray().Select(d => d.GetString()!)];
            Assert.Single(deliveryIds);

            // Refused once; the retry waits.
            await ArgusTestServer.EventuallyAsync(
                async () => (await server.GetJsonAsync($"api/channels/deliveries?channel=hook")).GetProperty("deliveries").EnumerateArray()
                    .Select(d => (d.GetProperty("deliveryId").GetString(), d.GetProperty("status").GetString())).ToArray(),
                attempts => attempts.Contains((deliveryIds[0], "retrying")), "the refused first attempt");
        }

        Assert.Equal(deliveryIds, KeptDeliveries(folder.Path));
        var refused = Assert.Single(receiver.Requests);
        Assert.Equal(deliveryIds[0], refused.Headers[WebhookPayload.DeliveryHeader]);
        receiver.ClearScript();

        await using (var server = await ArgusTestServer.StartAsync(folder.Path, Settings))
        {
            var sent = await ArgusTestServer.EventuallyAsync(
                async () => (await server.GetJsonAsync($"api/channels/deliveries?channel=hook&status=sent")).GetProperty("deliveries").EnumerateArray().ToArray(),
                list => list.Length > 0, "the delivery after the restart");
            Assert.Equal(deliveryIds[0], Assert.Single(sent).GetProperty("deliveryId").GetString());
            Assert.Empty(KeptDeliveries(folder.Path));
        }

        // Two requests in all, both the same delivery (the receiver's de-duplication key), the second the full report.
        Assert.Equal(2, receiver.Requests.Count);
        var resent = receiver.Requests.Last();
        Assert.Equal(deliveryIds[0], resent.Headers[WebhookPayload.DeliveryHeader]);
        using var payload = JsonDocument.Parse(resent.Body);
        Assert.Equal(NotificationEvents.IncidentReport, payload.RootElement.GetProperty("event").GetString());
        Assert.Contains("[Summary]", payload.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static List<string> KeptDeliveries(string dataPath)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataPath, "control.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DeliveryId FROM notification_pending ORDER BY DeliveryId";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
