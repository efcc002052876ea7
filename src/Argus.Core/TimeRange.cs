namespace Argus.Core;

/// <summary>A half-open time range [From, To).</summary>
public readonly record struct TimeRange
{
    public TimeRange(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range ends ({to:O}) before it starts ({from:O}).", nameof(to));
        }

        From = from;
        To = to;
    }

    public DateTimeOffset From { get; }
    public DateTimeOffset To { get; }

    public TimeSpan Duration => To - From;

    /// <summary>Start as Unix nanoseconds, the unit telemetry is stored in.</summary>
    public long FromUnixNano => ToUnixNano(From);

    /// <summary>End as Unix nanoseconds.</summary>
    public long ToUnixNano() => ToUnixNano(To);

    /// <summary>Converts a point in time to Unix nanoseconds.</summary>
    public static long ToUnixNano(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Converts Unix nanoseconds to a point in time (100 ns precision).</summary>
    public static DateTimeOffset FromUnixNanoToTime(long unixNano) => DateTimeOffset.UnixEpoch.AddTicks(unixNano / 100);

    /// <summary>
    /// The starts of the steps of <paramref name="step"/> that cover the range, oldest first: whole multiples of the
    /// step since the Unix epoch, as the stores bucket by, so the first starts at or before <see cref="From"/>.
    /// </summary>
    public IEnumerable<DateTimeOffset> StepStarts(TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var epoch = DateTimeOffset.UnixEpoch.UtcTicks;
        for (var t = epoch + ((From.UtcTicks - epoch) / step.Ticks * step.Ticks); t < To.UtcTicks; t += step.Ticks)
        {
            yield return new DateTimeOffset(t, TimeSpan.Zero);
        }
    }

    public override string ToString() => $"[{From:O}, {To:O})";
}
