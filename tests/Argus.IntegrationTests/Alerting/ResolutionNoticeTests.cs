using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Argus.IntegrationTests.Notifications;
using Argus.Operations.Alerting;
using Argus.Operations.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests.Alerting;

/// <summary>
/// When a rule's alert resolves, its channels get an <c>alert.resolved</c> notice; a notice owed when Argus stopped
/// (the alert resolved, the notice not yet handed to the channels) is sent at the next start, once.
/// </summary>
public sealed class ResolutionNoticeTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Argus:Alerting:TickInterval"] = "00:00:00.250" };

    [Fact]
    public async Task A_resolved_alert_notifies_its_channels_and_owes_nothing_after()
    {
        await using var receiver = await LocalHttpReceiver.StartAsync();
        // Behind a proxy: the links in notifications are on the public address, below its path.
        await using var server = await ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>(Settings) { ["Argus:PublicUrl"] = "https://argus.example.com/ops" });
        var ruleId = await CreateChannelAndRuleAsync(server, receiver, window: "00:00:15");
        foreach (var body in IncidentScenario.All["slow_sql"].Traces("svc-resolve", "pod-1"))
        {
            using var sent = await server.PostOtlpJsonAsync("traces", body);
            Assert.True(sent.IsSuccessStatusCode);
        }

        // The spans leave the 15-second window: the alert resolves and the notice reaches the webhook.
        var notice = await ArgusTestServer.EventuallyAsync(
            () => Task.FromResult(Events(receiver).FirstOrDefault(e => e.Event == NotificationEvents.AlertResolved)),
            e => e.Event is not null, "the resolution notice", timeoutMs: 40_000);
        var alert = (await server.GetJsonAsync($"api/alerts?rule={ruleId}&state=resolved")).GetProperty("alerts")[0];
        Assert.Equal(alert.GetProperty("id").GetString(), notice.AlertId);
        Assert.Contains(Events(receiver), e => e.Event == NotificationEvents.IncidentReport);
        Assert.StartsWith("https://argus.example.com/ops/services/svc-resolve?from=", notice.Link, StringComparison.Ordinal);
        Assert.All(Events(receiver).Where(e => e.Event == NotificationEvents.IncidentReport), e => Assert.StartsWith("https://argus.example.com/ops/traces/", e.Link, StringComparison.Ordinal));

        var stored = await server.Services.GetRequiredService<IAlertStore>().GetAlertAsync("default", notice.AlertId!, default);
        Assert.Null(stored!.ResolutionNoticePending);
    }

    [Fact]
    public async Task A_notice_owed_when_argus_stopped_is_sent_at_the_next_start()
    {
        using var folder = new TestDataFolder();
        await using var receiver = await LocalHttpReceiver.StartAsync();
        var now = DateTimeOffset.UtcNow;
        AlertRecord owed;
        await using (var server = await ArgusTestServer.StartAsync(folder.Path, Settings))
        {
            var ruleId = await CreateChannelAndRuleAsync(server, receiver, window: "00:10:00");

            // What a stop right after the resolution leaves behind: resolved, the notice still owed.
            owed = new AlertRecord
            {
                Id = AlertEvaluatorService.NewId(), TenantId = "default", RuleId = ruleId, RuleName = "Resolve-SlowSQL", Kind = "slow_sql",
                Condition = "SQL Response time >= 8000 ms", State = AlertState.Resolved, StartsAt = now.AddMinutes(-5), ResolvedAt = now,
                LastSeenAt = now.AddMinutes(-1), Occurrences = 1, ResolutionNoticePending = true,
            };
            await server.Services.GetRequiredService<IAlertStore>().SaveAlertAsync(owed, default);
        }

        Assert.Empty(receiver.Requests);
        await using (var server = await ArgusTestServer.StartAsync(folder.Path, Settings))
        {
            var notice = await ArgusTestServer.EventuallyAsync(
                () => Task.FromResult(Events(receiver).FirstOrDefault(e => e.Event == NotificationEvents.AlertResolved)),
                e => e.Event is not null, "the owed resolution notice");
            Assert.Equal(owed.Id, notice.AlertId);
            await ArgusTestServer.EventuallyAsync(
                async () => (await server.Services.GetRequiredService<IAlertStore>().GetAlertAsync("default", owed.Id, default))!.ResolutionNoticePending,
                pending => pending is null, "the notice to be no longer owed");

            // Stopped only once the delivery is over: one interrupted in flight would be sent again (at least once).
            await ArgusTestServer.EventuallyAsync(
                async () => (await server.GetJsonAsync("api/channels/deliveries?status=sent")).GetProperty("deliveries").GetArrayLength(),
                n => n == 1, "the delivery to finish");
        }

        // Once: a third start owes nothing.
        await using (await ArgusTestServer.StartAsync(folder.Path, Settings))
        {
            await Task.Delay(1_500);
        }

        Assert.Single(receiver.Requests);
    }

    private static async Task<string> CreateChannelAndRuleAsync(ArgusTestServer server, LocalHttpReceiver receiver, string window)
    {
        using var client = server.ApiClient();
        await Channels.CreateAsync(client, new { name = "hook", type = "webhook", url = new Uri(receiver.Url, "argus").ToString() });
        var rule = IncidentScenario.All["slow_sql"].Rule.DeepClone().AsObject();
        rule["name"] = "Resolve-SlowSQL";
        rule["service"] = "svc-resolve";
        rule["window"] = window;
        rule["channels"] = new JsonArray("hook");
        using var created = await client.PostAsync("api/alert-rules", new StringContent(rule.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("rule").GetProperty("id").GetString()!;
    }

    private static List<(string? Event, string? AlertId, string? Link)> Events(LocalHttpReceiver receiver) =>
        [.. receiver.Requests.Select(r =>
        {
            using var payload = JsonDocument.Parse(r.Body);
            var root = payload.RootElement;
            var alertId = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("alertId", out var id) ? id.GetString() : null;
            return (root.GetProperty("event").GetString(), alertId, root.GetProperty("link").GetString());
        })];
}
