using Argus.Core.Telemetry;
using Argus.Web.Components.Charts;

namespace Argus.Web.Model;

/// <summary>Turns metric series answers into what a chart draws: a line per series on the page's time grid, or a heatmap.</summary>
internal static class MetricCharts
{
    /// <summary>The histogram percentiles drawn together in the console's default view of a histogram.</summary>
    public static readonly IReadOnlyList<MetricAggregation> Percentiles = [MetricAggregation.P50, MetricAggregation.P95, MetricAggregation.P99];

    /// <summary>
    /// One line per series of each answer, on <paramref name="times"/> (a step without a point is a gap). With several
    /// answers (percentiles) each line is prefixed with its aggregation, as "p95" alone or "p95 · checkout".
    /// </summary>
    public static ChartData Lines(IReadOnlyList<MetricSeriesResult> results, IReadOnlyList<DateTimeOffset> times, TimeSpan step, string unit)
    {
        var index = Index(times);
        var series = new List<ChartSeries>();
        foreach (var result in results)
        {
            var prefix = results.Count > 1 ? result.Aggregation.ToString().ToLowerInvariant() : null;
            var single = result.Series.Count == 1;
            foreach (var s in result.Series)
            {
                var values = new double?[times.Count];
                foreach (var p in s.Points)
                {
                    if (index.TryGetValue(p.Time, out var i))
                    {
                        values[i] = p.Value;
                    }
                }

                var label = Label(result, s);
                series.Add(new ChartSeries(prefix is null ? label : single ? prefix : $"{prefix} · {label}", values));
            }
        }

        return new ChartData(times, step, series, unit, ConnectGaps: true);
    }

    /// <summary>
    /// The merged bucket counts per step over every series of <paramref name="result"/> (all share the answer's bounds),
    /// 0 where a step has no point.
    /// </summary>
    public static ChartData Heatmap(MetricSeriesResult result, IReadOnlyList<DateTimeOffset> times, TimeSpan step, string unit)
    {
        var bounds = result.Bounds ?? [];
        var index = Index(times);
        var counts = Enumerable.Range(0, times.Count).Select(_ => new long[bounds.Count + 1]).ToArray();
        foreach (var p in result.Series.SelectMany(s => s.Points))
        {
            if (p.BucketCounts is { } buckets && index.TryGetValue(p.Time, out var i))
            {
                for (var b = 0; b < Math.Min(buckets.Count, bounds.Count + 1); b++)
                {
                    counts[i][b] += buckets[b];
                }
            }
        }

        return new ChartData(times, step, [], unit, Heatmap: new ChartHeatmap(bounds, [.. counts.Select(c => (IReadOnlyList<long>)c)]));
    }

    /// <summary>A series' name in the legend: its group-by values, "(none)" where a point lacks the key, "other (n)" for the pooled rest.</summary>
    public static string Label(MetricSeriesResult result, MetricSeries series) => series.Values is null
        ? $"other ({result.OtherSeriesCount})"
        : string.Join(", ", series.Values.Select(v => v.Length == 0 ? "(none)" : v));

    /// <summary>
    /// The axis unit of <paramref name="aggregation"/> of <paramref name="metric"/>: a rate is per second, a histogram's
    /// count is observations per second, everything else is in the metric's unit (UCUM annotations such as
    /// <c>{request}</c> and the unit <c>1</c> are plain counts).
    /// </summary>
    public static string AxisUnit(MetricDescriptor metric, MetricAggregation aggregation)
    {
        var unit = metric.Unit is null or "1" || metric.Unit.StartsWith('{') ? "" : metric.Unit;
        return aggregation switch
        {
            MetricAggregation.Count => "count/s",
            MetricAggregation.Rate => unit.Length == 0 ? "count/s" : unit + "/s",
            _ => unit,
        };
    }

    private static Dictionary<DateTimeOffset, int> Index(IReadOnlyList<DateTimeOffset> times)
    {
        var index = new Dictionary<DateTimeOffset, int>(times.Count);
        for (var i = 0; i < times.Count; i++)
        {
            index[times[i]] = i;
        }

        return index;
    }
}
