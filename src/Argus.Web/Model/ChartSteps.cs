using Argus.Core;

namespace Argus.Web.Model;

/// <summary>The step of a page's charts: a round one that gives at most <see cref="MaxPoints"/> points over the range.</summary>
internal static class ChartSteps
{
    /// <summary>At most this many points a line: enough to see a spike, few enough to hand to the browser at once.</summary>
    public const int MaxPoints = 120;

    private static readonly TimeSpan[] Round =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3),
        TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(7),
    ];

    /// <summary>The smallest round step with at most <see cref="MaxPoints"/> steps in <paramref name="range"/> (whole days beyond a week's).</summary>
    public static TimeSpan For(TimeRange range)
    {
        foreach (var step in Round)
        {
            if (range.Duration.Ticks <= step.Ticks * MaxPoints)
            {
                return step;
            }
        }

        return TimeSpan.FromDays(Math.Ceiling(range.Duration.TotalDays / MaxPoints));
    }

    /// <summary>
    /// The start of every step that overlaps <paramref name="range"/>: whole multiples of <paramref name="step"/> since the
    /// epoch, as the store buckets (so the first one may start before the range).
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Grid(TimeRange range, TimeSpan step)
    {
        var ticks = step.Ticks;
        var first = range.From.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        first -= ((first % ticks) + ticks) % ticks;
        var times = new List<DateTimeOffset>();
        for (var t = first; DateTimeOffset.UnixEpoch.AddTicks(t) < range.To && times.Count <= 10_000; t += ticks)
        {
            times.Add(DateTimeOffset.UnixEpoch.AddTicks(t));
        }

        return times;
    }
}
