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
        return new IssueTrend(isNew, regressed, Spikes(counts.Count, expected), expected, firstSeen, lastSeen);
    }

    /// <summary>
    /// Whether the last step of <paramref name="steps"/> spikes: by the same test as a whole window, against the
    /// baseline's count per step (<paramref name="expectedPerStep"/>). A burst in the last minutes shows even when the
    /// window as a whole is not far above its baseline.
    /// </summary>
    public static bool SpikesAtEnd(IReadOnlyList<IssueCountPoint> steps, double expectedPerStep)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Count > 0 && Spikes(steps[^1].Count, expectedPerStep);
    }

    /// <summary>
    /// Every step of <paramref name="range"/>, oldest first, with 0 where <paramref name="points"/> has none. Stores
    /// start their steps at whole multiples of <paramref name="step"/> since the Unix epoch, so the first step starts at
    /// or before the range's start.
    /// </summary>
    public static IReadOnlyList<IssueCountPoint> Steps(IEnumerable<IssueCountPoint> points, TimeRange range, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(points);
        var counts = new Dictionary<long, long>();
        foreach (var p in points)
        {
            counts[p.Time.UtcTicks] = counts.GetValueOrDefault(p.Time.UtcTicks) + p.Count;
        }

        return [.. range.StepStarts(step).Select(t => new IssueCountPoint(t, counts.GetValueOrDefault(t.UtcTicks)))];
    }

    /// <summary>A step of whole seconds (at least one) that cuts <paramref name="duration"/> into about <paramref name="steps"/> steps.</summary>
    public static TimeSpan StepFor(TimeSpan duration, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(duration.TotalSeconds / steps)));
    }

    private static bool Spikes(long count, double expected) =>
        count >= SpikeMinimum && count >= 2 * expected && (count - expected) / Math.Sqrt(expected + 1) >= 3;
}
