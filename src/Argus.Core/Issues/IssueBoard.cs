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
    IssueFlags Flags)
{
    /// <summary>Occurrences per step over the window, oldest first, every step (0 where none); empty when not asked for.</summary>
    public IReadOnlyList<IssueCountPoint> Trend { get; init; } = [];
}

/// <summary>
/// What the issue list is asked: the window, the baseline it is compared with, since when an issue counts as new, and
/// the filters. <see cref="Limit"/> applies after sorting.
/// </summary>
/// <param name="TrendSteps">How many steps each issue's <see cref="IssueItem.Trend"/> has (about; 0 for none). With a
/// trend, an issue whose last step spikes against the baseline is flagged spiking too.</param>
public sealed record IssueListQuery(TimeRange Range, TimeRange Baseline, DateTimeOffset Since, string? Service, int MinSeverity, IssueSort Sort, int Limit, int TrendSteps = 0);

/// <summary>One issue over a window: the issue, its counts per step, and its latest records (newest first).</summary>
public sealed record IssueDetail(IssueItem Issue, IReadOnlyList<IssueCountPoint> Counts, IReadOnlyList<LogRecord> Samples)
{
    /// <summary>The service versions its records in the range came from, most occurrences first.</summary>
    public IReadOnlyList<IssueVersionCount> Versions { get; init; } = [];
}

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
