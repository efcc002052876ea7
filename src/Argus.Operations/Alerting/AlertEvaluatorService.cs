using System.Collections.Concurrent;
using System.Security.Cryptography;
using Argus.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Operations.Alerting;

/// <summary>A firing (or a resolution) handed on for reporting.</summary>
/// <param name="Alert">The alert as saved.</param>
/// <param name="Rule">The rule that fired; null for external alerts.</param>
/// <param name="FiredTimestamp">When it fired, from <see cref="TimeProvider.GetTimestamp"/>, to measure the pipeline.</param>
public sealed record AlertFiring(AlertRecord Alert, AlertRule? Rule, long FiredTimestamp);

/// <summary>Takes firings and resolutions to report them (the incident pipeline). Must not block.</summary>
public interface IAlertReporter
{
    /// <summary>Queues a report of a firing; false when the queue is full.</summary>
    bool TryReport(AlertFiring firing);

    /// <summary>Queues a notice that an alert resolved; false when the queue is full.</summary>
    bool TryReportResolved(AlertFiring resolved);
}

/// <summary>What the state machine did with one evaluation.</summary>
public enum AlertTransition
{
    /// <summary>Not breached, nothing open.</summary>
    None,
    /// <summary>Breached, waiting out the rule's pending time.</summary>
    Pending,
    /// <summary>A new alert fired.</summary>
    Fired,
    /// <summary>Still firing: the open alert was updated (de-duplicated).</summary>
    StillFiring,
    /// <summary>The open alert resolved.</summary>
    Resolved,
}

/// <summary>
/// Runs the rules on a timer (<see cref="TimeProvider"/>-driven) and keeps each rule's state: pending, firing,
/// resolved. One alert per rule is open at a time (de-duplication); a firing within the rule's cool-down after the last
/// report, or while the rule is muted, is recorded but not reported. Pending state is kept in the store too, so a
/// restart does not make a breach wait out its pending time again.
/// </summary>
public sealed partial class AlertEvaluatorService(
    IAlertStore store,
    AlertRuleEvaluator evaluator,
    IAlertReporter reporter,
    TimeProvider time,
    IOptions<AlertingOptions> options,
    ILogger<AlertEvaluatorService> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pendingSince = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextDue = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _pendingLoaded;

    /// <summary>When a rule's current breach began, while it is pending.</summary>
    public DateTimeOffset? PendingSince(string ruleId) => _pendingSince.TryGetValue(ruleId, out var since) ? since : null;

    /// <summary>
    /// A rule's state now: <c>disabled</c>, <c>muted</c>, <c>firing</c> (when <paramref name="firing"/> is its open
    /// alert), <c>pending</c> (breached, waiting out its pending time) or <c>ok</c>.
    /// </summary>
    public string StatusOf(AlertRule rule, AlertRecord? firing)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return !rule.Enabled ? "disabled"
            : rule.IsMutedAt(time.GetUtcNow()) ? "muted"
            : firing is not null ? "firing"
            : PendingSince(rule.Id) is not null ? "pending"
            : "ok";
    }

    /// <summary>Evaluates every rule that is due now; returns how many ran.</summary>
    public async Task<int> RunDueRulesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var rules = await store.GetEnabledRulesAsync(cancellationToken);
            await LoadPendingAsync(rules, cancellationToken);
            var ran = 0;
            foreach (var rule in rules)
            {
                var key = DueKey(rule);
                if (_nextDue.TryGetValue(key, out var due) && due > now)
                {
                    continue;
                }

                _nextDue[key] = now + rule.EvaluateEvery;
                try
                {
                    await EvaluateAsync(rule, now, cancellationToken);
                    ran++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRuleFailed(logger, rule.Id, rule.TenantId, ex);
                }
            }

            // Forget rules that were deleted or changed (their key includes the update time).
            var live = rules.Select(DueKey).ToHashSet(StringComparer.Ordinal);
            foreach (var key in _nextDue.Keys.Where(k => !live.Contains(k)))
            {
                _nextDue.TryRemove(key, out _);
            }

            return ran;
        }
        finally
        {
            _gate.Release();
        }
    }

    // The first pass takes over the pending states of the previous run; those of rules since deleted or disabled go.
    private async Task LoadPendingAsync(IReadOnlyList<AlertRule> rules, CancellationToken cancellationToken)
    {
        if (_pendingLoaded)
        {
            return;
        }

        var live = rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var pending in await store.GetPendingAsync(cancellationToken))
        {
            if (live.Contains(pending.RuleId))
            {
                _pendingSince.TryAdd(pending.RuleId, pending.Since);
            }
            else
            {
                await store.SetPendingAsync(pending.TenantId, pending.RuleId, null, cancellationToken);
            }
        }

        _pendingLoaded = true;
    }

    // The store is written before memory, so that what the API shows (memory) is never ahead of what a restart finds,
    // even when a shutdown cancels the write.
    private async Task ClearPendingAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        if (_pendingSince.ContainsKey(rule.Id))
        {
            await store.SetPendingAsync(rule.TenantId, rule.Id, null, cancellationToken);
            _pendingSince.TryRemove(rule.Id, out _);
        }
    }

    /// <summary>Evaluates one rule at <paramref name="now"/> and applies the state machine.</summary>
    public async Task<AlertTransition> EvaluateAsync(AlertRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var evaluation = await evaluator.EvaluateAsync(rule, now, cancellationToken);
        var firing = await store.GetFiringAlertAsync(rule.TenantId, rule.Id, cancellationToken);
        if (!evaluation.Breached)
        {
            await ClearPendingAsync(rule, cancellationToken);
            if (firing is null)
            {
                return AlertTransition.None;
            }

            var notify = firing.Suppressed is null && !rule.IsMutedAt(now);
            var resolved = firing with { State = AlertState.Resolved, ResolvedAt = now, ResolutionNoticePending = notify ? true : null };
            await store.SaveAlertAsync(resolved, cancellationToken);
            if (notify)
            {
                reporter.TryReportResolved(new AlertFiring(resolved, rule, time.GetTimestamp()));
            }

            LogResolved(logger, rule.Name, rule.TenantId);
            return AlertTransition.Resolved;
        }

        if (firing is not null)
        {
            var seen = firing with
            {
                LastSeenAt = now,
                Occurrences = Math.Max(firing.Occurrences, evaluation.Occurrences),
                Value = Math.Max(firing.Value, evaluation.Value),
            };

            // A firing the full report queue refused is offered again while it lasts, so a burst delays its report
            // instead of losing it.
            if (firing.Suppressed == ReportQueueFull && firing.IncidentId is null && !rule.IsMutedAt(now)
                && reporter.TryReport(new AlertFiring(seen with { Suppressed = null }, rule, time.GetTimestamp())))
            {
                seen = seen with { Suppressed = null };
            }

            await store.SaveAlertAsync(seen, cancellationToken);
            return AlertTransition.StillFiring;
        }

        if (!_pendingSince.TryGetValue(rule.Id, out var since))
        {
            since = now;
            if (rule.PendingFor > TimeSpan.Zero)
            {
                await store.SetPendingAsync(rule.TenantId, rule.Id, now, cancellationToken);
                _pendingSince[rule.Id] = now;
            }
        }

        if (now - since < rule.PendingFor)
        {
            return AlertTransition.Pending;
        }

        await ClearPendingAsync(rule, cancellationToken);

        // The pass read its rules before evaluating them; a mute or change saved since then decides this firing.
        rule = await store.GetRuleAsync(rule.TenantId, rule.Id, cancellationToken) ?? rule;
        string? suppressed = null;
        if (rule.IsMutedAt(now))
        {
            suppressed = "muted";
        }
        else if (await store.GetLastReportedAsync(rule.TenantId, rule.Id, cancellationToken) is { } last && now - last < rule.CoolDown)
        {
            suppressed = "cool-down";
        }

        var alert = new AlertRecord
        {
            Id = NewId(),
            TenantId = rule.TenantId,
            RuleId = rule.Id,
            RuleName = rule.Name,
            Kind = rule.KindName,
            Service = evaluation.Service ?? rule.Service,
            Phase = rule.Phase,
            State = AlertState.Firing,
            Condition = rule.Condition,
            StartsAt = now,
            LastSeenAt = now,
            WindowStart = evaluation.Window.From,
            WindowEnd = evaluation.Window.To,
            Occurrences = evaluation.Occurrences,
            Value = evaluation.Value,
            Instances = evaluation.Instances,
            TraceId = evaluation.TraceId?.ToString(),
            Suppressed = suppressed,
        };
        // Stored before it is handed to the reporter, whose incident link must find it.
        var firedAt = time.GetTimestamp();
        await store.SaveAlertAsync(alert, cancellationToken);
        if (suppressed is null && !reporter.TryReport(new AlertFiring(alert, rule, firedAt)))
        {
            alert = alert with { Suppressed = ReportQueueFull };
            await store.SaveAlertAsync(alert, cancellationToken);
        }

        LogFired(logger, rule.Name, rule.TenantId, evaluation.Occurrences, suppressed ?? "reported");
        return AlertTransition.Fired;
    }

    /// <summary>Why a firing is not reported yet: the report queue was full when it fired (it is offered again while it fires).</summary>
    public const string ReportQueueFull = "report-queue-full";

    /// <summary>A new alert id.</summary>
    public static string NewId() => "alert_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        do
        {
            try
            {
                await RunDueRulesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private static string DueKey(AlertRule rule) => rule.Id + "@" + rule.UpdatedAt.UtcTicks;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Alert rule {Rule} of tenant {Tenant} fired ({Occurrences} occurrences, {Outcome})")]
    private static partial void LogFired(ILogger logger, string rule, string tenant, long occurrences, string outcome);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Alert rule {Rule} of tenant {Tenant} resolved")]
    private static partial void LogResolved(ILogger logger, string rule, string tenant);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Alert rule {RuleId} of tenant {Tenant} could not be evaluated")]
    private static partial void LogRuleFailed(ILogger logger, string ruleId, string tenant, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "The alert evaluator's pass failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
