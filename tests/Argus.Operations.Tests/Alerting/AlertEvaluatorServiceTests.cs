using Argus.Core;
using Argus.Core.Alerting;
using Argus.Core.Telemetry;
using Argus.Operations.Alerting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Operations.Tests.Alerting;

/// <summary>The rule state machine on simulated time: pending, firing, de-duplication, resolution, cool-down, muting, scheduling.</summary>
public sealed class AlertEvaluatorServiceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 17, 14, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAlertStore _store = new();
    private readonly ScriptedSignals _signals = new();
    private readonly RecordingReporter _reporter = new();

    private AlertEvaluatorService NewService() => new(
        _store, new AlertRuleEvaluator(_signals, new NoTelemetry()), _reporter, _time,
        Options.Create(new AlertingOptions()), NullLogger<AlertEvaluatorService>.Instance);

    private AlertRule Rule(TimeSpan? pendingFor = null, TimeSpan? coolDown = null, DateTimeOffset? mutedUntil = null) => _store.Add(new AlertRule
    {
        Id = "rule_1",
        TenantId = "t1",
        Name = "SlowSQL",
        Kind = AlertRuleKind.SlowSql,
        Service = "test-api",
        ThresholdMs = 8000,
        PendingFor = pendingFor ?? TimeSpan.Zero,
        CoolDown = coolDown ?? TimeSpan.FromMinutes(30),
        MutedUntil = mutedUntil,
        EvaluateEvery = TimeSpan.FromMinutes(1),
    });

    [Fact]
    public async Task A_breach_waits_out_the_pending_time_then_fires_once_and_resolves()
    {
        var service = NewService();
        var rule = Rule(pendingFor: TimeSpan.FromMinutes(2));
        _signals.Occurrences = 1;

        Assert.Equal(AlertTransition.Pending, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.Pending, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Empty(_reporter.Fired);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.Fired, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Single(_reporter.Fired);
        var alert = Assert.Single(_store.Alerts.Values);
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal("SQL Response time >= 8000 ms", alert.Condition);
        Assert.Equal([new InstanceCount("pod-1", 1)], alert.Instances);

        // Still breached: de-duplicated into the open alert.
        _time.Advance(TimeSpan.FromMinutes(1));
        _signals.Occurrences = 3;
        Assert.Equal(AlertTransition.StillFiring, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Single(_reporter.Fired);
        Assert.Equal(3, Assert.Single(_store.Alerts.Values).Occurrences);

        _signals.Occurrences = 0;
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.Resolved, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        var resolved = Assert.Single(_store.Alerts.Values);
        Assert.Equal(AlertState.Resolved, resolved.State);
        Assert.Equal(_time.GetUtcNow(), resolved.ResolvedAt);
        Assert.Single(_reporter.Resolved);
    }

    [Fact]
    public async Task A_breach_that_ends_while_pending_never_fires()
    {
        var service = NewService();
        var rule = Rule(pendingFor: TimeSpan.FromMinutes(5));
        _signals.Occurrences = 1;
        Assert.Equal(AlertTransition.Pending, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.NotNull(service.PendingSince(rule.Id));
        _signals.Occurrences = 0;
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.None, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Null(service.PendingSince(rule.Id));
        Assert.Empty(_store.Alerts);
    }

    [Fact]
    public async Task A_restart_keeps_the_time_a_pending_breach_began()
    {
        var rule = Rule(pendingFor: TimeSpan.FromMinutes(5));
        _signals.Occurrences = 1;
        var before = NewService();
        Assert.Equal(1, await before.RunDueRulesAsync(default));
        var began = before.PendingSince(rule.Id);
        Assert.Equal(_time.GetUtcNow(), began);

        // A new service on the same store, as after a restart three minutes later: two minutes left, not five.
        _time.Advance(TimeSpan.FromMinutes(3));
        var after = NewService();
        Assert.Equal(1, await after.RunDueRulesAsync(default));
        Assert.Equal(began, after.PendingSince(rule.Id));
        Assert.Empty(_reporter.Fired);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await after.RunDueRulesAsync(default));
        Assert.Single(_reporter.Fired);
        Assert.Null(after.PendingSince(rule.Id));
        Assert.Empty(await _store.GetPendingAsync(default));
    }

    [Fact]
    public async Task The_pending_state_of_a_deleted_rule_is_forgotten_at_start()
    {
        await _store.SetPendingAsync("t1", "rule_gone", _time.GetUtcNow(), default);
        Rule();
        Assert.Equal(1, await NewService().RunDueRulesAsync(default));
        Assert.Empty(await _store.GetPendingAsync(default));
    }

    [Fact]
    public async Task A_new_firing_within_the_cool_down_is_recorded_but_not_reported()
    {
        var service = NewService();
        var rule = Rule(coolDown: TimeSpan.FromMinutes(30));
        await FireThenResolveAsync(service, rule);

        _time.Advance(TimeSpan.FromMinutes(10));
        _signals.Occurrences = 1;
        Assert.Equal(AlertTransition.Fired, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Single(_reporter.Fired);
        Assert.Contains(_store.Alerts.Values, a => a.State == AlertState.Firing && a.Suppressed == "cool-down");

        // Resolving an unreported alert sends no resolution notice either, and owes none.
        _signals.Occurrences = 0;
        _time.Advance(TimeSpan.FromMinutes(1));
        await service.EvaluateAsync(rule, _time.GetUtcNow(), default);
        Assert.Single(_reporter.Resolved);
        Assert.True(_reporter.Resolved[0].Alert.ResolutionNoticePending);
        Assert.Single(_store.Alerts.Values, a => a.ResolutionNoticePending is true);
        Assert.Contains(_store.Alerts.Values, a => a.Suppressed == "cool-down" && a.ResolutionNoticePending is null);

        _time.Advance(TimeSpan.FromMinutes(30));
        _signals.Occurrences = 1;
        await service.EvaluateAsync(rule, _time.GetUtcNow(), default);
        Assert.Equal(2, _reporter.Fired.Count);
    }

    [Fact]
    public async Task A_firing_the_full_report_queue_refused_is_offered_again_while_it_fires()
    {
        var service = NewService();
        var rule = Rule();
        _signals.Occurrences = 2;
        _reporter.Refuse = 2;

        Assert.Equal(AlertTransition.Fired, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Equal(AlertEvaluatorService.ReportQueueFull, Assert.Single(_store.Alerts.Values).Suppressed);

        // Still full at the next evaluation; room at the one after.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.StillFiring, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Empty(_reporter.Fired);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.StillFiring, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));

        var reported = Assert.Single(_reporter.Fired);
        var alert = Assert.Single(_store.Alerts.Values);
        Assert.Equal(alert.Id, reported.Alert.Id);
        Assert.Null(alert.Suppressed);
        Assert.Null(reported.Alert.Suppressed);

        // Offered once: later evaluations do not report it again.
        _time.Advance(TimeSpan.FromMinutes(1));
        await service.EvaluateAsync(rule, _time.GetUtcNow(), default);
        Assert.Single(_reporter.Fired);
    }

    [Fact]
    public async Task A_muted_rule_records_its_alert_without_reporting()
    {
        var service = NewService();
        var rule = Rule(mutedUntil: _time.GetUtcNow().AddHours(1));
        _signals.Occurrences = 5;
        Assert.Equal(AlertTransition.Fired, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        Assert.Empty(_reporter.Fired);
        Assert.Equal("muted", Assert.Single(_store.Alerts.Values).Suppressed);
    }

    [Fact]
    public async Task Rules_run_at_their_own_interval_on_the_injected_clock()
    {
        var service = NewService();
        Rule();
        Assert.Equal(1, await service.RunDueRulesAsync(default));
        Assert.Equal(0, await service.RunDueRulesAsync(default));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await service.RunDueRulesAsync(default));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await service.RunDueRulesAsync(default));
        Assert.Equal(2, _signals.Queries.Count);
        Assert.Equal(TimeSpan.FromMinutes(10), _signals.Queries[1].Range.Duration);
        Assert.Equal(_time.GetUtcNow(), _signals.Queries[1].Range.To);
    }

    private async Task FireThenResolveAsync(AlertEvaluatorService service, AlertRule rule)
    {
        _signals.Occurrences = 1;
        Assert.Equal(AlertTransition.Fired, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
        _time.Advance(TimeSpan.FromMinutes(1));
        _signals.Occurrences = 0;
        Assert.Equal(AlertTransition.Resolved, await service.EvaluateAsync(rule, _time.GetUtcNow(), default));
    }

    private sealed class ScriptedSignals : IAlertSignalReader
    {
        public long Occurrences { get; set; }

        public List<AlertSignalQuery> Queries { get; } = [];

        public Task<AlertSignalResult> QueryAlertSignalAsync(string tenantId, AlertSignalQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            return Task.FromResult(Occurrences == 0
                ? AlertSignalResult.None
                : new AlertSignalResult(Occurrences, [new InstanceCount("pod-1", Occurrences)], new TraceId(42), 8500, "test-api"));
        }
    }

    [Fact]
    public async Task At_start_owed_reports_and_resolution_notices_are_queued_again()
    {
        var rule = Rule();
        AlertRecord Alert(string id, int minutesAgo, AlertState state = AlertState.Firing, string? suppressed = null, string? incident = null, string? ruleId = "rule_1") => new()
        {
            Id = id, TenantId = "t1", RuleId = ruleId, RuleName = "SlowSQL", Kind = "slow_sql", Condition = "SQL Response time >= 8000 ms", State = state,
            StartsAt = _time.GetUtcNow().AddMinutes(-minutesAgo), Suppressed = suppressed, IncidentId = incident,
        };
        foreach (var alert in new[]
        {
            Alert("owed-newer", 2), Alert("owed-older", 9), Alert("reported", 5, incident: "inc_1"), Alert("muted", 5, suppressed: "muted"),
            Alert("resolved", 5, AlertState.Resolved), Alert("rule-deleted", 5, ruleId: "rule_gone"), Alert("external", 3, ruleId: null),
            Alert("notice-owed", 6, AlertState.Resolved) with { ResolutionNoticePending = true },
            Alert("notice-owed-long-ago", 60 * 24 * 8, AlertState.Resolved) with { ResolutionNoticePending = true },
        })
        {
            await _store.SaveAlertAsync(alert, default);
        }

        var queued = await Argus.Operations.IncidentReports.UnfinishedReports.RequeueAsync(_store, _reporter, _time, default);

        Assert.Equal(4, queued);
        Assert.Equal(["owed-older", "external", "owed-newer"], _reporter.Fired.Select(f => f.Alert.Id));
        Assert.Equal(["notice-owed"], _reporter.Resolved.Select(f => f.Alert.Id));
        Assert.Equal(rule, _reporter.Fired[0].Rule);
        Assert.Null(_reporter.Fired[1].Rule);
    }

    private sealed class RecordingReporter : IAlertReporter
    {
        public List<AlertFiring> Fired { get; } = [];

        public List<AlertFiring> Resolved { get; } = [];

        /// <summary>How many of the next reports to refuse, as a full queue does.</summary>
        public int Refuse { get; set; }

        public bool TryReport(AlertFiring firing)
        {
            if (Refuse > 0)
            {
                Refuse--;
                return false;
            }

            Fired.Add(firing);
            return true;
        }

        public bool TryReportResolved(AlertFiring resolved)
        {
            Resolved.Add(resolved);
            return true;
        }
    }

    private sealed class InMemoryAlertStore : IAlertStore
    {
        private readonly Dictionary<string, AlertRule> _rules = [];

        public Dictionary<string, AlertRecord> Alerts { get; } = [];

        public AlertRule Add(AlertRule rule)
        {
            _rules[rule.Id] = rule;
            return rule;
        }

        public Task<IReadOnlyList<AlertRule>> GetEnabledRulesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AlertRule>>([.. _rules.Values.Where(r => r.Enabled)]);

        public Task<AlertRule?> GetRuleAsync(string tenantId, string idOrName, CancellationToken cancellationToken) =>
            Task.FromResult(_rules.Values.FirstOrDefault(r => r.TenantId == tenantId && (r.Id == idOrName || r.Name == idOrName)));

        public Task<AlertRecord?> GetFiringAlertAsync(string tenantId, string ruleId, CancellationToken cancellationToken) =>
            Task.FromResult(Alerts.Values.FirstOrDefault(a => a.TenantId == tenantId && a.RuleId == ruleId && a.State == AlertState.Firing));

        public Task<DateTimeOffset?> GetLastReportedAsync(string tenantId, string ruleId, CancellationToken cancellationToken) =>
            Task.FromResult(Alerts.Values.Where(a => a.RuleId == ruleId && a.Suppressed is null).Select(a => (DateTimeOffset?)a.StartsAt).Max());

        public Task UpdateAlertAsync(string tenantId, string alertId, Func<AlertRecord, AlertRecord?> update, CancellationToken cancellationToken)
        {
            if (Alerts.TryGetValue(alertId, out var stored) && update(stored) is { } changed)
            {
                Alerts[alertId] = changed;
            }

            return Task.CompletedTask;
        }

        public Task SaveAlertAsync(AlertRecord alert, CancellationToken cancellationToken)
        {
            Alerts[alert.Id] = alert.IncidentId is null && Alerts.GetValueOrDefault(alert.Id)?.IncidentId is { } linked ? alert with { IncidentId = linked } : alert;
            return Task.CompletedTask;
        }

        public Task<AlertRecord?> GetAlertAsync(string tenantId, string alertId, CancellationToken cancellationToken) =>
            Task.FromResult(Alerts.GetValueOrDefault(alertId));

        public Task<IReadOnlyList<AlertRecord>> QueryAlertsAsync(string tenantId, AlertHistoryQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AlertRecord>>([.. Alerts.Values]);

        public Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertState state, DateTimeOffset startedSince, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AlertRecord>>([.. Alerts.Values.Where(a => a.State == state && a.StartsAt >= startedSince).OrderBy(a => a.StartsAt)]);

        private readonly Dictionary<string, PendingRule> _pending = [];

        public Task<IReadOnlyList<PendingRule>> GetPendingAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PendingRule>>([.. _pending.Values]);

        public Task SetPendingAsync(string tenantId, string ruleId, DateTimeOffset? since, CancellationToken cancellationToken)
        {
            if (since is { } value)
            {
                _pending[ruleId] = new PendingRule(tenantId, ruleId, value);
            }
            else
            {
                _pending.Remove(ruleId);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Slow-SQL rules only read alert signals; the RED and log queries are never asked.</summary>
    private sealed class NoTelemetry : ITelemetryReader
    {
        public Task<IReadOnlyList<ServiceSummary>> GetServicesAsync(string tenantId, TimeRange range, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RedPoint>> GetRedAsync(string tenantId, RedQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SpanRecord>> GetTraceAsync(string tenantId, TraceId traceId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<TraceSummary>> SearchTracesAsync(string tenantId, TraceQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SqlStatementStats>> GetSqlStatementsAsync(string tenantId, SqlQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<LogRecord>> SearchLogsAsync(string tenantId, LogQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<LogLevelCount>> GetLogLevelCountsAsync(string tenantId, LogLevelQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<MetricSummary>> GetMetricsAsync(string tenantId, string? service, TimeRange range, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
