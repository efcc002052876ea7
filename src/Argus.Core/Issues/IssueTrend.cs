namespace Argus.Core.Issues;

/// <summary>What is remembered of an issue beyond its counts: what it is and when it was first and last seen.</summary>
public sealed record IssueIdentity(ulong Id, string Kind, string Title, string? ExceptionType, int MaxSeverity, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>The issues known to Argus (the server's issue registry), looked up by id.</summary>
public interface IIssueCatalog
{
    /// <summary>The issue, or null when it is not (or no longer) remembered.</summary>
    IssueIdentity? Find(string tenantId, ulong issueId);
}

/// <summary>How an issue moved in a window compared with its baseline.</summary>
/// <param name="New">First seen at or after the window's "since" time.</param>
/// <param name="Regressed">Known from before the baseline, silent during it, back now.</param>
/// <param name="Spiking">Well above its own baseline, by size and by a Poisson-style margin.</param>
/// <param name="Expected">The baseline count scaled to the window's length.</param>
/// <param name="FirstSeen">The earliest sighting known (registry or window).</param>
/// <param name="LastSeen">The latest sighting known.</param>
public sealed record IssueTrend(bool New, bool Regressed, bool Spiking, double Expected, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    /// <summary>A spike needs at least this many occurrences, twice the baseline, and three standard deviations above it.</summary>
    public const int SpikeMinimum = 10;

    /// <summary>
    /// Classifies an issue's counts. <paramref name="scale"/> turns baseline counts into the window's length (window
    /// duration / baseline duration), so a longer comparison window does not look quieter.
    /// </summary>
    public static IssueTrend Of(IssueCounts counts, IssueIdentity? known, TimeRange baseline, DateTimeOffset since, double scale)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var firstSeen = known is null || counts.FirstInWindow < known.FirstSeen ? counts.FirstInWindow : known.FirstSeen;
        var lastSeen = known is null || counts.LastInWindow > known.LastSeen ? counts.LastInWindow : known.LastSeen;
        var expected = counts.BaselineCount * scale;
        var isNew = firstSeen >= since;
        var regressed = !isNew && counts.BaselineCount == 0 && counts.Count > 0 && firstSeen < baseline.From;
        var spiking = counts.Count >= SpikeMinimum && counts.Count >= 2 * expected && (counts.Count - expected) / Math.Sqrt(expected + 1) >= 3;
        return new IssueTrend(isNew, regressed, spiking, expected, firstSeen, lastSeen);
    }
}
