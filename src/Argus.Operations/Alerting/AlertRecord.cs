using System.Text.Json.Serialization;
using Argus.Core.Alerting;

namespace Argus.Operations.Alerting;

/// <summary>The life of an alert: pending while a breach waits out <see cref="AlertRule.PendingFor"/>, firing, then resolved.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertState>))]
public enum AlertState
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("firing")] Firing,
    [JsonStringEnumMemberName("resolved")] Resolved,
}

/// <summary>One alert in the history: a firing of a rule (or an alert received from Alertmanager) until it resolved.</summary>
public sealed record AlertRecord
{
    /// <summary><c>alert_</c> and 16 hex digits.</summary>
    public required string Id { get; init; }

    public required string TenantId { get; init; }

    /// <summary>The rule that fired; null for external alerts.</summary>
    public string? RuleId { get; init; }

    public required string RuleName { get; init; }

    /// <summary>The rule kind's wire name, or <c>external</c>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>rule</c> or <c>alertmanager</c>.</summary>
    public string Source { get; init; } = "rule";

    public string? Service { get; init; }

    public string? Phase { get; init; }

    public AlertState State { get; init; }

    /// <summary>The condition, e.g. <c>SQL Response time &gt;= 8000 ms</c>.</summary>
    public required string Condition { get; init; }

    public DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The last evaluation that saw the breach (or the last update from the source).</summary>
    public DateTimeOffset LastSeenAt { get; init; }

    /// <summary>The window of the evaluation that fired.</summary>
    public DateTimeOffset WindowStart { get; init; }

    public DateTimeOffset WindowEnd { get; init; }

    public long Occurrences { get; init; }

    /// <summary>The measured value (ms, percent, count), as <see cref="RuleEvaluation.Value"/>.</summary>
    public double Value { get; init; }

    public IReadOnlyList<InstanceCount> Instances { get; init; } = [];

    /// <summary>The representative transaction, 32 hex digits.</summary>
    public string? TraceId { get; init; }

    /// <summary>Why no report was sent for this firing: <c>muted</c>, <c>cool-down</c>; null when it was reported.</summary>
    public string? Suppressed { get; init; }

    /// <summary>The incident report made for this alert, once made.</summary>
    public string? IncidentId { get; init; }

    /// <summary>
    /// True from the moment the alert resolves with a resolution notice to send until the notice is handed to the
    /// channels, so that a restart in between still sends it; null otherwise.
    /// </summary>
    public bool? ResolutionNoticePending { get; init; }

    /// <summary>Labels of an external alert (Alertmanager), empty for rules.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>Filters for the alert history; null means any.</summary>
public sealed record AlertHistoryQuery(
    DateTimeOffset From,
    DateTimeOffset To,
    AlertState? State = null,
    string? RuleId = null,
    string? Service = null,
    int Limit = 100);

/// <summary>Where rules and the alert history live (the control-plane store).</summary>
public interface IAlertStore
{
    /// <summary>Every enabled rule of every tenant.</summary>
    Task<IReadOnlyList<AlertRule>> GetEnabledRulesAsync(CancellationToken cancellationToken);

    /// <summary>A rule of a tenant by id or name, as stored now.</summary>
    Task<AlertRule?> GetRuleAsync(string tenantId, string idOrName, CancellationToken cancellationToken);

    /// <summary>The rule's alert that is firing now, if any.</summary>
    Task<AlertRecord?> GetFiringAlertAsync(string tenantId, string ruleId, CancellationToken cancellationToken);

    /// <summary>When the rule last produced a report (for the cool-down); null when never.</summary>
    Task<DateTimeOffset?> GetLastReportedAsync(string tenantId, string ruleId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the alert with its id, keeping a stored incident link that <paramref name="alert"/> lacks.</summary>
    Task SaveAlertAsync(AlertRecord alert, CancellationToken cancellationToken);

    /// <summary>
    /// Changes the stored alert as <paramref name="update"/> says, reading and writing under one write lock, so that a
    /// copy read earlier (whose state may have moved on since) is never written back. <paramref name="update"/>
    /// returns null to leave the alert as it is; nothing happens when there is no such alert.
    /// </summary>
    Task UpdateAlertAsync(string tenantId, string alertId, Func<AlertRecord, AlertRecord?> update, CancellationToken cancellationToken);

    /// <summary>One alert of a tenant.</summary>
    Task<AlertRecord?> GetAlertAsync(string tenantId, string alertId, CancellationToken cancellationToken);

    /// <summary>The tenant's alert history, newest first.</summary>
    Task<IReadOnlyList<AlertRecord>> QueryAlertsAsync(string tenantId, AlertHistoryQuery query, CancellationToken cancellationToken);

    /// <summary>Rules waiting out their pending time and since when, as recorded by <see cref="SetPendingAsync"/>.</summary>
    Task<IReadOnlyList<PendingRule>> GetPendingAsync(CancellationToken cancellationToken);

    /// <summary>The alerts of every tenant in <paramref name="state"/> that started at or after <paramref name="startedSince"/>, oldest first.</summary>
    Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertState state, DateTimeOffset startedSince, CancellationToken cancellationToken);

    /// <summary>Records that a rule is pending since <paramref name="since"/>, or, when null, that it no longer is.</summary>
    Task SetPendingAsync(string tenantId, string ruleId, DateTimeOffset? since, CancellationToken cancellationToken);
}

/// <summary>A rule whose condition holds but has not yet held for its pending time.</summary>
public sealed record PendingRule(string TenantId, string RuleId, DateTimeOffset Since);

/// <summary>Changes to one stored alert, each through <see cref="IAlertStore.UpdateAlertAsync"/>.</summary>
public static class AlertStoreExtensions
{
    /// <summary>
    /// Links the stored alert to its incident, changing nothing else (its state may have moved on while the report was
    /// written). A link, once made, is kept by later saves of a copy read before it.
    /// </summary>
    public static Task LinkIncidentAsync(this IAlertStore store, string tenantId, string alertId, string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.UpdateAlertAsync(tenantId, alertId, stored => stored with { IncidentId = incidentId }, cancellationToken);
    }

    /// <summary>
    /// Records that the resolution notice of <paramref name="resolved"/> was handed to the channels. Only the stored
    /// alert still in that resolution is changed: an alert that fired again under the same id keeps its new state.
    /// </summary>
    public static Task ClearResolutionNoticeAsync(this IAlertStore store, AlertRecord resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(resolved);
        return store.UpdateAlertAsync(
            resolved.TenantId,
            resolved.Id,
            stored => stored is { State: AlertState.Resolved, ResolutionNoticePending: true } && stored.ResolvedAt == resolved.ResolvedAt
                ? stored with { ResolutionNoticePending = null }
                : null,
            cancellationToken);
    }
}
