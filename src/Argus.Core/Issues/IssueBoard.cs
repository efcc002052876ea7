using Argus.Core.Telemetry;

namespace Argus.Core.Issues;

/// <summary>Flags on an issue, relative to the window asked about.</summary>
public sealed record IssueFlags(bool New, bool Regressed, bool Spiking);

/// <summary>An issue over a window: its identity, its count against the (scaled) baseline, and its flags.</summary>
public sealed record IssueItem(
    string Id,
    string Kind,
    string Title,
    string? ExceptionType,
    string Level,
    long Count,
    long BaselineCount,
    long Delta,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Instances,
    string? SampleTraceId,
    string? Sample,
    IssueFlags Flags);

/// <summary>
/// What the issue list is asked: the window, the baseline it is compared with, since when an issue counts as new, and
/// the filters. <see cref="Limit"/> applies after sorting.
/// </summary>
public sealed record IssueListQuery(TimeRange Range, TimeRange Baseline, DateTimeOffset Since, string? Service, int MinSeverity, IssueSort Sort, int Limit);

/// <summary>One issue over a window: the issue, its counts per step, and its latest records (newest first).</summary>
public sealed record IssueDetail(IssueItem Issue, IReadOnlyList<IssueCountPoint> Counts, IReadOnlyList<LogRecord> Samples);

/// <summary>
/// Issues as the API and the console show them: counts from the store joined with what the issue registry remembers,
/// ranked with <see cref="IssueTrend"/>. Both read issues through this, so they always agree.
/// </summary>
public interface IIssueBoard
{
    Task<IReadOnlyList<IssueItem>> GetIssuesAsync(string tenantId, IssueListQuery query, CancellationToken cancellationToken);

    /// <summary>One issue over <paramref name="range"/> (its baseline is the range before it); null when no issue of that id is known.</summary>
    Task<IssueDetail?> GetIssueAsync(string tenantId, ulong issueId, TimeRange range, TimeSpan step, int sampleCount, CancellationToken cancellationToken);
}
