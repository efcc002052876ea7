using System.Globalization;
using System.Text.Json.Serialization;
using Argus.Core;
using Argus.Core.ChangeTracking;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Operations.Alerting;

namespace Argus.Operations.ChangeTracking;

/// <summary>An application's health over one window.</summary>
public sealed record HealthSnapshot
{
    /// <summary>Start of the window.</summary>
    public DateTimeOffset From { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public DateTimeOffset To { get; init; }

    /// <summary>Server requests.</summary>
    public long Requests { get; init; }

    /// <summary>Requests that failed (error status or exception).</summary>
    public long Errors { get; init; }

    /// <summary>Errors per request.</summary>
    public double ErrorRatio => Requests == 0 ? 0 : Errors / (double)Requests;

    /// <summary>Requests per minute.</summary>
    public double RequestsPerMinute => (To - From).TotalMinutes <= 0 ? 0 : Requests / (To - From).TotalMinutes;

    /// <summary>Median latency, ms.</summary>
    public double P50Ms { get; init; }

    /// <summary>90th percentile latency, ms.</summary>
    public double P90Ms { get; init; }

    /// <summary>95th percentile latency, ms.</summary>
    public double P95Ms { get; init; }

    /// <summary>Log records by level (TRACE … FATAL).</summary>
    public IReadOnlyDictionary<string, long> LogsByLevel { get; init; } = new Dictionary<string, long>();

    /// <summary>ERROR and FATAL log records.</summary>
    public long ErrorLogs => LogsByLevel.Where(l => l.Key is "ERROR" or "FATAL").Sum(l => l.Value);

    /// <summary>Occurrences of every issue (WARN and above) in the window.</summary>
    public long IssueOccurrences { get; init; }

    /// <summary>The top issues, flagged new (since the deployment), regressed or spiking (against the day before).</summary>
    public IReadOnlyList<SnapshotIssue> TopIssues { get; init; } = [];

    /// <summary>Alerts that fired in the window for the application.</summary>
    public IReadOnlyList<SnapshotAlert> Alerts { get; init; } = [];

    /// <summary>Whether anything was recorded in the window (a baseline without data is no baseline).</summary>
    public bool HasData => Requests > 0 || LogsByLevel.Count > 0;

    /// <summary>The latency sample the tests use; not part of the wire shape.</summary>
    [JsonIgnore]
    public IReadOnlyList<double> LatencySample { get; init; } = [];
}

/// <summary>An issue in a snapshot.</summary>
public sealed record SnapshotIssue(string Id, string Title, string Level, long Count, long BaselineCount, bool New, bool Regressed, bool Spiking);

/// <summary>An alert in a snapshot.</summary>
public sealed record SnapshotAlert(string Id, string Rule, string Kind, DateTimeOffset StartsAt);

/// <summary>One application's window and its two baselines (the same window a day and a week earlier).</summary>
public sealed record ApplicationSnapshots(string Name, int ApplicationId, HealthSnapshot Current, HealthSnapshot DayBefore, HealthSnapshot WeekBefore);

/// <summary>Reads health snapshots from the telemetry store, the issue catalog and the alert history.</summary>
public sealed class HealthSnapshotReader(
    IServiceWindowReader windows,
    ITelemetryReader telemetry,
    IIssueCountReader issues,
    IIssueCatalog catalog,
    IAlertStore alerts)
{
    /// <summary>Top issues kept per snapshot.</summary>
    public const int TopIssueCount = 10;

    /// <summary>The snapshots of an application for the window ending at <paramref name="at"/>.</summary>
    /// <param name="newSince">Issues first seen at or after this time count as new (the deployment's start).</param>
    public async Task<ApplicationSnapshots> ReadAsync(
        string tenantId, string application, int applicationId, DateTimeOffset at, TimeSpan window, DateTimeOffset newSince, int maxSamples,
        CancellationToken cancellationToken)
    {
        var current = await ReadWindowAsync(tenantId, application, new TimeRange(at - window, at), newSince, maxSamples, cancellationToken);
        var day = await ReadWindowAsync(tenantId, application, new TimeRange(at - window - TimeSpan.FromDays(1), at - TimeSpan.FromDays(1)), null, maxSamples, cancellationToken);
        var week = await ReadWindowAsync(tenantId, application, new TimeRange(at - window - TimeSpan.FromDays(7), at - TimeSpan.FromDays(7)), null, maxSamples, cancellationToken);
        return new ApplicationSnapshots(application, applicationId, current, day, week);
    }

    private async Task<HealthSnapshot> ReadWindowAsync(
        string tenantId, string service, TimeRange range, DateTimeOffset? newSince, int maxSamples, CancellationToken cancellationToken)
    {
        var stats = await windows.GetServiceWindowAsync(tenantId, service, range, cancellationToken);
        var sample = stats.Requests == 0 ? [] : await windows.GetServerDurationsAsync(tenantId, service, range, maxSamples, cancellationToken);

        // One step as long as the window: the window falls into at most two buckets, summed per level.
        var levels = (await telemetry.GetLogLevelCountsAsync(tenantId, new LogLevelQuery(range, range.Duration, service), cancellationToken))
            .GroupBy(l => l.Level, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Count), StringComparer.Ordinal);

        var issueBaseline = new TimeRange(range.From - TimeSpan.FromDays(1), range.To - TimeSpan.FromDays(1));
        var counts = await issues.GetIssueCountsAsync(tenantId, new IssueCountQuery(range, issueBaseline, service, Limit: 200), cancellationToken);
        var top = counts
            .Select(c => (Counts: c, Known: catalog.Find(tenantId, c.IssueId), Trend: IssueTrend.Of(c, catalog.Find(tenantId, c.IssueId), issueBaseline, newSince ?? range.From, 1.0)))
            .OrderByDescending(i => i.Trend.New || i.Trend.Regressed || i.Trend.Spiking)
            .ThenByDescending(i => i.Counts.Count)
            .Take(TopIssueCount)
            .Select(i => new SnapshotIssue(
                i.Counts.IssueId.ToString("x16", CultureInfo.InvariantCulture),
                i.Known?.Title ?? "(template not in memory)",
                SeverityLevels.NameOf(Math.Max(i.Counts.MaxSeverity, i.Known?.MaxSeverity ?? 0)),
                i.Counts.Count,
                i.Counts.BaselineCount,
                i.Trend.New,
                i.Trend.Regressed,
                i.Trend.Spiking))
            .ToList();

        var fired = await alerts.QueryAlertsAsync(tenantId, new AlertHistoryQuery(range.From, range.To, Service: service, Limit: 100), cancellationToken);
        return new HealthSnapshot
        {
            From = range.From,
            To = range.To,
            Requests = stats.Requests,
            Errors = stats.Errors,
            P50Ms = stats.P50Ms,
            P90Ms = stats.P90Ms,
            P95Ms = stats.P95Ms,
            LogsByLevel = levels,
            IssueOccurrences = counts.Sum(c => c.Count),
            TopIssues = top,
            Alerts = [.. fired.Where(a => a.StartsAt >= range.From && a.StartsAt < range.To).Select(a => new SnapshotAlert(a.Id, a.RuleName, a.Kind, a.StartsAt))],
            LatencySample = sample,
        };
    }
}
