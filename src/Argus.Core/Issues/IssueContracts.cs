namespace Argus.Core.Issues;

/// <summary>How top issues are ordered.</summary>
public enum IssueSort
{
    /// <summary>Most occurrences in the window first.</summary>
    Count,
    /// <summary>Largest growth over the comparison window first.</summary>
    Delta,
    /// <summary>Most recently first seen first.</summary>
    New,
}

/// <summary>Occurrence counts of issues in a window and in the window it is compared with.</summary>
public sealed record IssueCountQuery(TimeRange Range, TimeRange Baseline, string? Service = null, int MinSeverity = 13, int Limit = 200);

/// <summary>What the store knows of one issue in a window: occurrences and where they came from.</summary>
public sealed record IssueCounts(
    ulong IssueId,
    long Count,
    long BaselineCount,
    int MaxSeverity,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Instances,
    string? SampleTraceId,
    DateTimeOffset FirstInWindow,
    DateTimeOffset LastInWindow);

/// <summary>The occurrences of an issue in one service version (its records' resource <c>service.version</c>; null when they have none).</summary>
public sealed record IssueVersionCount(string Service, string? Version, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>One step of an issue's occurrences.</summary>
public sealed record IssueCountPoint(DateTimeOffset Time, long Count);

/// <summary>Issue occurrences as the telemetry store counts them (logs and spans carry their issue id).</summary>
public interface IIssueCountReader
{
    /// <summary>Issues seen in <see cref="IssueCountQuery.Range"/>, most frequent first, with their counts in the baseline.</summary>
    Task<IReadOnlyList<IssueCounts>> GetIssueCountsAsync(string tenantId, IssueCountQuery query, CancellationToken cancellationToken);

    /// <summary>One issue's occurrences per step.</summary>
    Task<IReadOnlyList<IssueCountPoint>> GetIssueSeriesAsync(string tenantId, ulong issueId, TimeRange range, TimeSpan step, CancellationToken cancellationToken);

    /// <summary>Several issues' occurrences per step in one read (steps without occurrences are left out), by issue id.</summary>
    Task<IReadOnlyDictionary<ulong, IReadOnlyList<IssueCountPoint>>> GetIssueSeriesAsync(
        string tenantId, IReadOnlyCollection<ulong> issueIds, TimeRange range, TimeSpan step, CancellationToken cancellationToken);

    /// <summary>The <c>service.version</c> values of the records of one issue in <paramref name="range"/>, most occurrences first.</summary>
    Task<IReadOnlyList<IssueVersionCount>> GetIssueVersionsAsync(string tenantId, ulong issueId, TimeRange range, CancellationToken cancellationToken);
}
