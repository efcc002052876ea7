using Argus.Operations.Alerting;

namespace Argus.Operations.IncidentReports;

/// <summary>
/// What an earlier run owed the report pipeline when it stopped: reports of alerts it handed over (firing, not
/// suppressed) that have no incident yet, and resolution notices of alerts that resolved but whose notice was not
/// handed to the channels yet.
/// </summary>
public static class UnfinishedReports
{
    /// <summary>How far back resolved alerts are looked at for a notice still owed.</summary>
    public static readonly TimeSpan NoticeLookback = TimeSpan.FromDays(7);

    /// <summary>
    /// Queues those again, oldest first, and returns how many. Run at start-up before the evaluator, so that nothing of
    /// this run is among them. An alert whose rule was deleted since is left alone; when the queue is full the rest
    /// wait for the next start.
    /// </summary>
    public static async Task<int> RequeueAsync(IAlertStore store, IAlertReporter reporter, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(time);
        var queued = 0;
        foreach (var alert in await store.GetAlertsAsync(AlertState.Firing, DateTimeOffset.MinValue, cancellationToken))
        {
            if (alert.Suppressed is not null || alert.IncidentId is not null || await RuleOfAsync(store, alert, cancellationToken) is not (true, var rule))
            {
                continue;
            }

            if (!reporter.TryReport(new AlertFiring(alert, rule, time.GetTimestamp())))
            {
                return queued;
            }

            queued++;
        }

        foreach (var alert in await store.GetAlertsAsync(AlertState.Resolved, time.GetUtcNow() - NoticeLookback, cancellationToken))
        {
            if (alert.ResolutionNoticePending is not true || await RuleOfAsync(store, alert, cancellationToken) is not (true, var rule))
            {
                continue;
            }

            if (!reporter.TryReportResolved(new AlertFiring(alert, rule, time.GetTimestamp())))
            {
                break;
            }

            queued++;
        }

        return queued;
    }

    /// <summary>The alert's rule (null for an external alert); not found when the rule was deleted.</summary>
    private static async Task<(bool Found, AlertRule? Rule)> RuleOfAsync(IAlertStore store, AlertRecord alert, CancellationToken cancellationToken)
    {
        if (alert.RuleId is null)
        {
            return (true, null);
        }

        var rule = await store.GetRuleAsync(alert.TenantId, alert.RuleId, cancellationToken);
        return (rule is not null, rule);
    }
}
