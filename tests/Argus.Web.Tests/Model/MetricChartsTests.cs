using Argus.Core.Telemetry;
using Argus.Web.Model;
using Xunit;

namespace Argus.Web.Tests.Model;

/// <summary>Metric answers laid on the page's time grid: lines per series with their labels, heatmaps merged over series, axis units.</summary>
public sealed class MetricChartsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset[] Times = [T0, T0.AddMinutes(1), T0.AddMinutes(2)];
    private static readonly MetricDescriptor Duration = new("http.server.request.duration", MetricKind.Histogram, false, "ms");

    private static MetricSeriesPoint At(int minute, double? value, params long[] buckets) => new(T0.AddMinutes(minute), value, buckets.Length == 0 ? null : buckets);

    [Fact]
    public void Lines_are_one_per_series_labelled_by_their_values_with_the_pooled_rest_as_other()
    {
        var result = new MetricSeriesResult(Duration, MetricAggregation.P95, ["http.route", "region"],
            [
                new MetricSeries(["/checkout", "eu"], [At(0, 12), At(2, 14)]),
                new MetricSeries(["/products", ""], [At(1, 3)]),
                new MetricSeries(null, [At(0, 1), At(1, 1), At(2, 1)]),
            ], OtherSeriesCount: 4, Bounds: null);

        var chart = MetricCharts.Lines([result], Times, TimeSpan.FromMinutes(1), "ms");

        Assert.Equal(["/checkout, eu", "/products, (none)", "other (4)"], chart.Series.Select(s => s.Label));
        Assert.Equal([12.0, null, 14.0], chart.Series[0].Values);
        Assert.Equal([null, 3.0, null], chart.Series[1].Values);
        Assert.True(chart.ConnectGaps);
    }

    [Fact]
    public void Percentile_lines_are_named_by_their_percentile_and_their_group_when_there_are_several()
    {
        MetricSeriesResult Answer(MetricAggregation aggregation, params string[] groups) => new(Duration, aggregation, ["service.name"],
            [.. groups.Select(g => new MetricSeries([g], [At(0, 1)]))], 0, null);

        var single = MetricCharts.Lines([.. MetricCharts.Percentiles.Select(p => Answer(p, "shop"))], Times, TimeSpan.FromMinutes(1), "ms");
        var grouped = MetricCharts.Lines([Answer(MetricAggregation.P50, "a", "b"), Answer(MetricAggregation.P99, "a", "b")], Times, TimeSpan.FromMinutes(1), "ms");

        Assert.Equal(["p50", "p95", "p99"], single.Series.Select(s => s.Label));
        Assert.Equal(["p50 · a", "p50 · b", "p99 · a", "p99 · b"], grouped.Series.Select(s => s.Label));
    }

    [Fact]
    public void A_heatmap_adds_up_the_bucket_counts_of_every_series_per_step_with_empty_steps_zero()
    {
        var result = new MetricSeriesResult(Duration, MetricAggregation.Heatmap, ["service.name"],
            [
                new MetricSeries(["a"], [At(0, null, 1, 2, 3), At(2, null, 0, 0, 5)]),
                new MetricSeries(["b"], [At(0, null, 10, 0, 0)]),
            ], 0, [10, 100]);

        var chart = MetricCharts.Heatmap(result, Times, TimeSpan.FromMinutes(1), "ms");

        Assert.Empty(chart.Series);
        Assert.False(chart.IsEmpty);
        Assert.Equal([10.0, 100.0], chart.Heatmap!.Bounds);
        Assert.Equal([11L, 2, 3], chart.Heatmap.Counts[0]);
        Assert.Equal([0L, 0, 0], chart.Heatmap.Counts[1]);
        Assert.Equal([0L, 0, 5], chart.Heatmap.Counts[2]);
    }

    [Theory]
    [InlineData(MetricKind.Sum, true, "{request}", MetricAggregation.Rate, "count/s")]
    [InlineData(MetricKind.Sum, true, "By", MetricAggregation.Rate, "By/s")]
    [InlineData(MetricKind.Sum, true, "By", MetricAggregation.Increase, "By")]
    [InlineData(MetricKind.Gauge, false, "1", MetricAggregation.Avg, "")]
    [InlineData(MetricKind.Histogram, false, "ms", MetricAggregation.Count, "count/s")]
    [InlineData(MetricKind.Histogram, false, "s", MetricAggregation.P99, "s")]
    public void The_axis_unit_follows_the_aggregation(MetricKind kind, bool monotonic, string unit, MetricAggregation aggregation, string expected) =>
        Assert.Equal(expected, MetricCharts.AxisUnit(new MetricDescriptor("m", kind, monotonic, unit), aggregation));
}
