using Argus.Core;
using Argus.Core.Alerting;
using Argus.Core.Telemetry;

namespace Argus.Operations.Alerting;

/// <summary>One evaluation of a rule over its window.</summary>
/// <param name="Breached">Whether the rule's condition holds.</param>
/// <param name="Occurrences">How often the signal occurred (requests over the threshold, errors, statements, log records).</param>
/// <param name="Value">The measured value: worst duration in ms, error rate in percent, percentile in ms, or count.</param>
/// <param name="Instances">Occurrences per instance, most first.</param>
/// <param name="TraceId">The representative transaction: the worst trace that matched.</param>
/// <param name="Service">The service of that transaction (or the rule's).</param>
/// <param name="Window">The window evaluated.</param>
public sealed record RuleEvaluation(
    bool Breached,
    long Occurrences,
    double Value,
    IReadOnlyList<InstanceCount> Instances,
    TraceId? TraceId,
    string? Service,
    TimeRange Window);

/// <summary>Turns a rule into store queries and decides whether it is breached. Stateless; the state machine is the evaluator service's.</summary>
public sealed class AlertRuleEvaluator(IAlertSignalReader signals, ITelemetryReader telemetry)
{
    /// <summary>Evaluates <paramref name="rule"/> over the window ending at <paramref name="now"/>.</summary>
    public async Task<RuleEvaluation> EvaluateAsync(AlertRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var window = new TimeRange(now - rule.Window, now);
        var query = new AlertSignalQuery(AlertSignal.SlowSql, window, rule.Service, rule.Phase, rule.Endpoint);
        switch (rule.Kind)
        {
            case AlertRuleKind.ErrorRate:
                return await ErrorRateAsync(rule, query, cancellationToken);
            case AlertRuleKind.Latency:
                return await LatencyAsync(rule, query, cancellationToken);
        }

        query = rule.Kind switch
        {
            AlertRuleKind.SlowSql => query with { MinDurationMs = rule.ThresholdMs },
            AlertRuleKind.DbConnectionWait => query with { Signal = AlertSignal.DbConnectionWait, MinDurationMs = rule.ThresholdMs },
            AlertRuleKind.ExternalDelay => query with { Signal = AlertSignal.ExternalDelay, MinDurationMs = rule.ThresholdMs, Host = rule.Host },
            AlertRuleKind.Exception => query with { Signal = AlertSignal.Exception, ExceptionType = rule.ExceptionType },
            AlertRuleKind.ExcessiveSql => query with { Signal = AlertSignal.ExcessiveSql, MinCount = (long)Math.Ceiling(rule.Threshold ?? 1) },
            AlertRuleKind.ExcessiveRows => query with { Signal = AlertSignal.ExcessiveRows, MinCount = (long)Math.Ceiling(rule.Threshold ?? 1) },
            AlertRuleKind.LogCount => query with { Signal = AlertSignal.Log, MinSeverity = SeverityLevels.MinNumberOf(rule.LogLevel) ?? 17 },
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, "Unknown rule kind."),
        };
        var result = await signals.QueryAlertSignalAsync(rule.TenantId, query, cancellationToken);
        var needed = rule.Kind == AlertRuleKind.LogCount ? Math.Max(rule.MinOccurrences, (long)Math.Ceiling(rule.Threshold ?? 1)) : rule.MinOccurrences;
        var value = rule.Kind == AlertRuleKind.LogCount ? result.Occurrences : result.WorstValue;
        return new RuleEvaluation(result.Occurrences >= needed && result.Occurrences > 0, result.Occurrences, value, result.Instances,
            result.WorstTraceId, result.WorstService ?? rule.Service, window);
    }

    private async Task<RuleEvaluation> ErrorRateAsync(AlertRule rule, AlertSignalQuery query, CancellationToken cancellationToken)
    {
        var red = await telemetry.GetRedAsync(rule.TenantId, new RedQuery(rule.Service!, query.Range, rule.Window, rule.Endpoint), cancellationToken);
        var requests = red.Sum(p => p.Requests);
        var errors = red.Sum(p => p.Errors);
        var rate = requests == 0 ? 0 : 100.0 * errors / requests;
        var breached = requests >= rule.MinOccurrences && errors > 0 && rate >= (rule.Threshold ?? 100);
        var detail = breached
            ? await signals.QueryAlertSignalAsync(rule.TenantId, query with { Signal = AlertSignal.ServerError }, cancellationToken)
            : AlertSignalResult.None;
        return new RuleEvaluation(breached, errors, Math.Round(rate, 2), detail.Instances, detail.WorstTraceId, rule.Service, query.Range);
    }

    private async Task<RuleEvaluation> LatencyAsync(AlertRule rule, AlertSignalQuery query, CancellationToken cancellationToken)
    {
        var red = await telemetry.GetRedAsync(rule.TenantId, new RedQuery(rule.Service!, query.Range, rule.Window, rule.Endpoint), cancellationToken);

        // Per endpoint: the rule holds when any endpoint with enough requests has its percentile at or over the threshold.
        var worst = red
            .GroupBy(p => p.Endpoint, StringComparer.Ordinal)
            .Select(g => (Endpoint: g.Key, Requests: g.Sum(p => p.Requests), Value: g.Max(p => Pick(p, rule.Percentile))))
            .Where(e => e.Requests >= rule.MinOccurrences)
            .OrderByDescending(e => e.Value)
            .FirstOrDefault();
        var breached = worst.Endpoint is not null && worst.Value >= rule.ThresholdMs;
        if (!breached)
        {
            return new RuleEvaluation(false, 0, worst.Value, [], null, rule.Service, query.Range);
        }

        var slow = await signals.QueryAlertSignalAsync(
            rule.TenantId, query with { Signal = AlertSignal.SlowServer, Endpoint = worst.Endpoint, MinDurationMs = rule.ThresholdMs }, cancellationToken);
        return new RuleEvaluation(true, slow.Occurrences, Math.Round(worst.Value, 1), slow.Instances, slow.WorstTraceId, rule.Service, query.Range);
    }

    private static double Pick(RedPoint point, double percentile) => percentile switch
    {
        50 => point.P50Ms,
        90 => point.P90Ms,
        99 => point.P99Ms,
        _ => point.P95Ms,
    };
}
