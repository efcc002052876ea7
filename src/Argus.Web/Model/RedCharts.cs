using Argus.Core.Telemetry;
using Argus.Web.Components;
using Argus.Web.Components.Charts;

namespace Argus.Web.Model;

/// <summary>The three RED charts of a service or endpoint: throughput, errors with the error rate, latency percentiles.</summary>
internal sealed record RedCharts(ChartData Throughput, ChartData Errors, ChartData Latency)
{
    /// <summary>
    /// Lays <paramref name="points"/> (one per step, of one endpoint or of the whole service) on <paramref name="times"/>:
    /// a step without requests has 0 requests and errors, and no error rate or latency (a gap, not a zero).
    /// </summary>
    public static RedCharts From(IReadOnlyList<RedPoint> points, IReadOnlyList<DateTimeOffset> times, TimeSpan step, IReadOnlyList<ChartMarker> markers)
    {
        var byTime = new Dictionary<DateTimeOffset, RedPoint>();
        foreach (var p in points)
        {
            // One endpoint or the whole service gives one point a step; should several come, the busiest one speaks.
            if (!byTime.TryGetValue(p.Time, out var seen) || seen.Requests < p.Requests)
            {
                byTime[p.Time] = p;
            }
        }

        var seconds = step.TotalSeconds;
        RedPoint? At(int i) => byTime.TryGetValue(times[i], out var p) && p.Requests > 0 ? p : null;
        double?[] Line(Func<RedPoint?, double?> value) => [.. Enumerable.Range(0, times.Count).Select(i => value(At(i)))];

        var requests = byTime.Values.Sum(p => p.Requests);
        var failed = byTime.Values.Sum(p => p.Errors);
        var throughput = new ChartData(times, step, [new ChartSeries("requests/s", Line(p => (p?.Requests ?? 0) / seconds))], "count/s", markers,
            Summary: requests == 1 ? "1 request" : $"{Format.Count(requests)} requests");
        var errors = new ChartData(times, step,
            [
                new ChartSeries("errors", Line(p => p?.Errors ?? 0)),
                new ChartSeries("error rate", Line(p => p is null ? null : 100.0 * p.Errors / p.Requests), Right: true),
            ],
            "count", markers, RightUnit: "%",
            Summary: $"{(failed == 1 ? "1 error" : $"{Format.Count(failed)} errors")}, {Format.Rate(requests == 0 ? null : (double)failed / requests)}");
        var latency = new ChartData(times, step,
            [
                new ChartSeries("p50", Line(p => p?.P50Ms)),
                new ChartSeries("p90", Line(p => p?.P90Ms)),
                new ChartSeries("p95", Line(p => p?.P95Ms)),
                new ChartSeries("p99", Line(p => p?.P99Ms)),
            ],
            "ms", markers,
            Summary: byTime.Count == 0 ? null : $"p95 up to {Format.Ms(byTime.Values.Max(p => p.P95Ms))}");
        return new RedCharts(throughput, errors, latency);
    }
}
