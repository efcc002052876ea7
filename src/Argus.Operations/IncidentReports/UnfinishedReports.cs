using Argus.Operations.Alerting;

namespace Argus.Operations.IncidentReports;

/// <summary>
/// The reports an earlier run owed: alerts it handed to the report pipeline (firing, not suppressed) that have no
/// incident because Argus stopped while the report was queued or being written.
/// </summary>
public static class UnfinishedReports
{
    /// <summary>
    /// Queues those firings again, oldest first, and returns how many. Run at start-up before the evaluator, so that no
    /// firing of this run is among them. An alert whose rule was deleted since is left unreported; when the queue is
    /// full the rest wait for the next start.
    /// </summary>
    public static async Task<int> RequeueAsync(IAlertStore store, IAlertReporter reporter, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(time);
        var queued = 0;
        foreach (var alert in await store.GetFiringAlertsAsync(cancellationToken))
        {
            if (alert.Suppressed is not null || alert.IncidentId is not null)
            {
                continue;
            }

            AlertRule? rule = null;
            if (alert.RuleId is not null && (rule = await store.GetRuleAsync(alert.TenantId, alert.RuleId, cancellationToken)) is null)
            {
                continue;
            }

            if (!reporter.TryReport(new AlertFiring(alert, rule, time.GetTimestamp())))
            {
                break;
            }

            queued++;
        }

        return queued;
    }
}
