using Argus.IntegrationTests.Infrastructure;
using Argus.Operations.Alerting;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests.Alerting;

/// <summary>
/// The control-plane alert store keeps an alert's incident link against the evaluator's saves of copies it read before
/// the report was linked, and linking changes nothing else (an alert that resolved meanwhile stays resolved). Without
/// that, an alert would lose its incident, and the next start would write its report a second time. Recording a
/// resolution notice as sent likewise changes only the resolution it was for.
/// </summary>
public sealed class AlertIncidentLinkTests
{
    [Fact]
    public async Task A_link_survives_a_stale_save_and_changes_nothing_else()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var store = server.Services.GetRequiredService<IAlertStore>();
        const string tenant = Argus.Server.Tenancy.TenantBootstrap.DefaultTenantId;
        var now = DateTimeOffset.UtcNow;
        var firing = new AlertRecord
        {
            Id = AlertEvaluatorService.NewId(), TenantId = tenant, RuleName = "SlowSQL", Kind = "slow_sql", Condition = "SQL Response time >= 8000 ms",
            State = AlertState.Firing, StartsAt = now, LastSeenAt = now, Occurrences = 1,
        };
        await store.SaveAlertAsync(firing, default);

        // The evaluator read the alert, the report worker linked its incident, then the evaluator saved its copy.
        var stale = await store.GetAlertAsync(tenant, firing.Id, default);
        await store.LinkIncidentAsync(tenant, firing.Id, "inc_0123", default);
        await store.SaveAlertAsync(stale! with { LastSeenAt = now.AddMinutes(1), Occurrences = 3 }, default);

        var saved = await store.GetAlertAsync(tenant, firing.Id, default);
        Assert.Equal(("inc_0123", 3L, AlertState.Firing), (saved!.IncidentId, saved.Occurrences, saved.State));
        Assert.Empty(await UnfinishedFiringsAsync(store, tenant));

        // Resolved while the report of a second alert was written: linking it leaves it resolved.
        var second = firing with { Id = AlertEvaluatorService.NewId() };
        await store.SaveAlertAsync(second, default);
        Assert.Equal([second.Id], await UnfinishedFiringsAsync(store, tenant));
        await store.SaveAlertAsync(second with { State = AlertState.Resolved, ResolvedAt = now.AddMinutes(2) }, default);
        await store.LinkIncidentAsync(tenant, second.Id, "inc_4567", default);

        var resolved = await store.GetAlertAsync(tenant, second.Id, default);
        Assert.Equal(("inc_4567", AlertState.Resolved), (resolved!.IncidentId, resolved.State));
        var api = await server.GetJsonAsync($"api/alerts/{second.Id}");
        Assert.Equal(("resolved", "inc_4567"), (api.GetProperty("state").GetString(), api.GetProperty("incidentId").GetString()));
    }

    [Fact]
    public async Task A_sent_notice_clears_only_the_resolution_it_was_for()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var store = server.Services.GetRequiredService<IAlertStore>();
        const string tenant = Argus.Server.Tenancy.TenantBootstrap.DefaultTenantId;
        var now = DateTimeOffset.UtcNow;

        // An external alert keeps its id across firings: it resolved (notice owed), and fired again before the report
        // worker recorded the notice as sent.
        var resolved = new AlertRecord
        {
            Id = "alert_am_0123", TenantId = tenant, RuleName = "HighLatency", Kind = "external", Condition = "alertmanager",
            State = AlertState.Resolved, StartsAt = now, LastSeenAt = now, ResolvedAt = now.AddMinutes(1), Occurrences = 1,
            ResolutionNoticePending = true,
        };
        await store.SaveAlertAsync(resolved, default);
        var refired = resolved with { State = AlertState.Firing, StartsAt = now.AddMinutes(2), ResolvedAt = null, ResolutionNoticePending = null };
        await store.SaveAlertAsync(refired, default);

        await store.ClearResolutionNoticeAsync(resolved, default);
        var stored = await store.GetAlertAsync(tenant, resolved.Id, default);
        Assert.Equal((AlertState.Firing, now.AddMinutes(2).ToUnixTimeMilliseconds()), (stored!.State, stored.StartsAt.ToUnixTimeMilliseconds()));

        // It resolved a second time: the first notice does not clear the second one's debt; the second's does.
        var second = refired with { State = AlertState.Resolved, ResolvedAt = now.AddMinutes(3), ResolutionNoticePending = true };
        await store.SaveAlertAsync(second, default);
        await store.ClearResolutionNoticeAsync(resolved, default);
        Assert.True((await store.GetAlertAsync(tenant, resolved.Id, default))!.ResolutionNoticePending);
        await store.ClearResolutionNoticeAsync(second, default);
        Assert.Null((await store.GetAlertAsync(tenant, resolved.Id, default))!.ResolutionNoticePending);
    }

    private static async Task<List<string>> UnfinishedFiringsAsync(IAlertStore store, string tenant) =>
        [.. (await store.GetAlertsAsync(AlertState.Firing, DateTimeOffset.MinValue, default)).Where(a => a.TenantId == tenant && a.IncidentId is null).Select(a => a.Id)];
}
