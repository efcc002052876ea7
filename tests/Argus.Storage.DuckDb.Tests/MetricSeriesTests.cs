using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb.Tests;

/// <summary>
/// The metric values query on hand-made points whose answers are worked out here: gauges, delta and cumulative counters
/// with resets, histogram percentiles interpolated within the merged buckets, heatmaps, grouping and the "other" series.
/// </summary>
public sealed class MetricSeriesTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const long Minute = 60 * Second;

    // A whole minute since the epoch, so one-minute buckets start at T0.
    private const long T0 = 1_749_999_960_000_000_000;

    private static readonly TimeRange Window = new(TimeRange.FromUnixNanoToTime(T0), TimeRange.FromUnixNanoToTime(T0 + (4 * Minute)));
    private static readonly double[] Bounds = [10, 50, 100];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "argus-duckdb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private DuckDbTelemetryStore Open() => DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(_directory, "telemetry.duckdb") });

    private static MetricPoint Point(string name, MetricKind kind, long atSeconds, string pod = "pod-1", string? route = null, double? value = null,
        int temporality = 0, bool monotonic = false, long startSeconds = -3600, ulong[]? buckets = null, double? sum = null, string service = "orders") => new()
    {
        TenantId = "a", ServiceName = service, ServiceInstanceId = pod, Name = name, Kind = kind, Unit = "ms", IsMonotonic = monotonic,
        AggregationTemporality = temporality, StartTimeUnixNano = T0 + (startSeconds * Second), TimeUnixNano = T0 + (atSeconds * Second),
        Value = value, Count = buckets is null ? null : (ulong)buckets.Sum(b => (long)b), Sum = sum,
        ExplicitBounds = buckets is null ? [] : Bounds, BucketCounts = buckets ?? [],
        Attributes = route is null ? [] : [new("route", route)],
        ResourceAttributes = [new("service.name", service), new("service.instance.id", pod)],
    };

    private static async Task<MetricSeriesResult> Series(DuckDbTelemetryStore store, string name, MetricAggregation aggregation,
        IReadOnlyList<string>? groupBy = null, int maxSeries = 20, TimeSpan? step = null)
    {
        var metric = await store.DescribeMetricAsync("a", name, null, Window, default);
        Assert.NotNull(metric);
        return await store.QueryMetricSeriesAsync("a", metric, new MetricSeriesQuery(name, Window, step ?? TimeSpan.FromMinutes(1), aggregation, GroupBy: groupBy, MaxSeries: maxSeries), default);
    }

    private static Dictionary<int, double?> ByMinute(MetricSeries series) =>
        series.Points.ToDictionary(p => (int)((TimeRange.ToUnixNano(p.Time) - T0) / Minute), p => p.Value);

    [Fact]
    public async Task Gauges_reduce_the_values_of_each_bucket_per_instance()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            Point("queue.depth", MetricKind.Gauge, 10, "pod-1", value: 4),
            Point("queue.depth", MetricKind.Gauge, 40, "pod-1", value: 8),
            Point("queue.depth", MetricKind.Gauge, 70, "pod-1", value: 3),
            Point("queue.depth", MetricKind.Gauge, 20, "pod-2", value: 10),
            Point("queue.depth", MetricKind.Gauge, 50, "pod-2", value: 30),
            Point("queue.depth", MetricKind.Gauge, 500, "pod-2", value: 99), // after the window
        ])], default);

        var metric = await store.DescribeMetricAsync("a", "queue.depth", null, Window, default);
        Assert.Equal(new MetricDescriptor("queue.depth", MetricKind.Gauge, false, "ms"), metric);
        Assert.Null(await store.DescribeMetricAsync("a", "queue.depht", null, Window, default));
        Assert.Null(await store.DescribeMetricAsync("b", "queue.depth", null, Window, default));

        var byPod = await Series(store, "queue.depth", MetricAggregation.Avg, ["service.instance.id"]);
        Assert.Equal(["service.instance.id"], byPod.Keys);
        Assert.Equal(0, byPod.OtherSeriesCount);
        Assert.Equal(2, byPod.Series.Count);
        var pod2 = byPod.Series[0]; // the larger mean comes first
        Assert.Equal(["pod-2"], pod2.Values);
        Assert.Equal(new Dictionary<int, double?> { [0] = 20 }, ByMinute(pod2));
        Assert.Equal(new Dictionary<int, double?> { [0] = 6, [1] = 3 }, ByMinute(byPod.Series[1]));

        Assert.Equal(4, ByMinute((await Series(store, "queue.depth", MetricAggregation.Min, ["service.instance.id"])).Series[1])[0]);
        Assert.Equal(8, ByMinute((await Series(store, "queue.depth", MetricAggregation.Max, ["service.instance.id"])).Series[1])[0]);
        Assert.Equal(8, ByMinute((await Series(store, "queue.depth", MetricAggregation.Last, ["service.instance.id"])).Series[1])[0]);

        // No group-by: one series per service, the values of both pods together.
        var perService = await Series(store, "queue.depth", MetricAggregation.Sum);
        var orders = Assert.Single(perService.Series);
        Assert.Equal(["orders"], orders.Values);
        Assert.Equal(new Dictionary<int, double?> { [0] = 4 + 8 + 10 + 30, [1] = 3 }, ByMinute(orders));

        // An attribute no point has: one series with an empty value.
        var unknown = await Series(store, "queue.depth", MetricAggregation.Max, ["no.such.key"]);
        Assert.Equal([""], Assert.Single(unknown.Series).Values);
    }

    [Fact]
    public async Task Counters_answer_rates_and_increases_through_resets_and_new_start_times()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            // Cumulative, started long ago: the point before the window is the baseline.
            Point("requests", MetricKind.Sum, -30, route: "/a", value: 100, temporality: 2, monotonic: true),
            Point("requests", MetricKind.Sum, 10, route: "/a", value: 110, temporality: 2, monotonic: true),  // +10
            Point("requests", MetricKind.Sum, 40, route: "/a", value: 130, temporality: 2, monotonic: true),  // +20
            Point("requests", MetricKind.Sum, 70, route: "/a", value: 160, temporality: 2, monotonic: true),  // +30
            Point("requests", MetricKind.Sum, 100, route: "/a", value: 5, temporality: 2, monotonic: true),   // lower: a reset, +5
            Point("requests", MetricKind.Sum, 130, route: "/a", value: 20, temporality: 2, monotonic: true),  // +15
            Point("requests", MetricKind.Sum, 160, route: "/a", value: 30, temporality: 2, monotonic: true, startSeconds: 150), // new start: +30
            // Delta points add their values.
            Point("requests", MetricKind.Sum, 20, route: "/b", value: 4, temporality: 1, monotonic: true),
            Point("requests", MetricKind.Sum, 80, route: "/b", value: 6, temporality: 1, monotonic: true),
            // A stream that started in the window counts from zero.
            Point("requests", MetricKind.Sum, 30, route: "/c", value: 8, temporality: 2, monotonic: true, startSeconds: 5),
            // One that started long ago with no earlier point only gives a baseline: nothing to show.
            Point("requests", MetricKind.Sum, 30, route: "/d", value: 1000, temporality: 2, monotonic: true),
        ])], default);

        var increase = await Series(store, "requests", MetricAggregation.Increase, ["route"]);
        Assert.Equal([["/a"], ["/b"], ["/c"]], increase.Series.Select(s => s.Values));
        Assert.Equal(new Dictionary<int, double?> { [0] = 30, [1] = 35, [2] = 45 }, ByMinute(increase.Series[0]));
        Assert.Equal(new Dictionary<int, double?> { [0] = 4, [1] = 6 }, ByMinute(increase.Series[1]));
        Assert.Equal(new Dictionary<int, double?> { [0] = 8 }, ByMinute(increase.Series[2]));

        var rate = await Series(store, "requests", MetricAggregation.Rate, ["route"]);
        Assert.Equal(new Dictionary<int, double?> { [0] = 0.5, [1] = 35 / 60.0, [2] = 0.75 }, ByMinute(rate.Series[0]));

        // Two-minute buckets: the same increases, added up.
        var wide = await Series(store, "requests", MetricAggregation.Increase, ["route"], step: TimeSpan.FromMinutes(2));
        Assert.Equal(new Dictionary<int, double?> { [0] = 65, [2] = 45 }, ByMinute(wide.Series[0]));
    }

    [Fact]
    public async Task The_largest_series_are_kept_and_the_rest_pooled_into_other()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            .. Enumerable.Range(1, 5).Select(i => Point("jobs", MetricKind.Sum, 10, route: $"/r{i}", value: i, temporality: 1, monotonic: true)),
            .. Enumerable.Range(1, 5).Select(i => Point("load", MetricKind.Gauge, 10, route: $"/r{i}", value: i)),
        ])], default);

        var jobs = await Series(store, "jobs", MetricAggregation.Increase, ["route"], maxSeries: 2);
        Assert.Equal(3, jobs.OtherSeriesCount);
        Assert.Equal([["/r5"], ["/r4"], null], jobs.Series.Select(s => s.Values));
        Assert.True(jobs.Series[2].IsOther);
        Assert.Equal(1 + 2 + 3, ByMinute(jobs.Series[2])[0]);

        // A gauge's other series is the same aggregation over the pooled points.
        var load = await Series(store, "load", MetricAggregation.Avg, ["route"], maxSeries: 2);
        Assert.Equal(2, ByMinute(load.Series[2])[0]);
    }

    [Fact]
    public async Task Histogram_percentiles_interpolate_within_the_merged_buckets_of_delta_and_cumulative_points()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            // Buckets (-inf,10] (10,50] (50,100] (100,+inf).
            Point("latency", MetricKind.Histogram, 10, "pod-1", temporality: 1, buckets: [10, 20, 10, 0], sum: 1000),
            Point("latency", MetricKind.Histogram, 70, "pod-1", temporality: 1, buckets: [0, 0, 0, 5], sum: 900),
            Point("latency", MetricKind.Histogram, 130, "pod-1", temporality: 1, buckets: [4, 0, 0, 0], sum: 20),
            // Cumulative: the point before the window is the baseline; the next adds [10, 20, 10, 0].
            Point("latency", MetricKind.Histogram, -30, "pod-2", temporality: 2, buckets: [5, 5, 5, 5], sum: 500),
            Point("latency", MetricKind.Histogram, 30, "pod-2", temporality: 2, buckets: [15, 25, 15, 5], sum: 1500),
        ])], default);

        Assert.Equal(MetricAggregation.P95, (await store.DescribeMetricAsync("a", "latency", null, Window, default))!.DefaultAggregation);

        async Task<Dictionary<int, double?>> Service(MetricAggregation aggregation) =>
            ByMinute(Assert.Single((await Series(store, "latency", aggregation)).Series));

        // Minute 0 merges [10,20,10,0] + [10,20,10,0] = [20,40,20,0]: the median's rank 40 is halfway through (10,50].
        var p50 = await Service(MetricAggregation.P50);
        Assert.Equal(30, p50[0]!.Value, 9);
        Assert.Equal(100, p50[1]); // in the unbounded bucket: the highest bound
        Assert.Equal(5, p50[2]!.Value, 9); // the first bucket starts at 0
        Assert.Equal(50 + (50 * 0.6), (await Service(MetricAggregation.P90))[0]!.Value, 9);  // rank 72 of 80
        Assert.Equal(50 + (50 * 0.8), (await Service(MetricAggregation.P95))[0]!.Value, 9);  // rank 76
        Assert.Equal(50 + (50 * 0.96), (await Service(MetricAggregation.P99))[0]!.Value, 9); // rank 79.2
        Assert.Equal(2000 / 80.0, (await Service(MetricAggregation.Avg))[0]!.Value, 9);
        Assert.Equal(80 / 60.0, (await Service(MetricAggregation.Count))[0]!.Value, 9);

        var heatmap = await Series(store, "latency", MetricAggregation.Heatmap);
        Assert.Equal(Bounds, heatmap.Bounds);
        var points = Assert.Single(heatmap.Series).Points;
        Assert.Equal([[20, 40, 20, 0], [0, 0, 0, 5], [4, 0, 0, 0]], points.Select(p => p.BucketCounts!.ToArray()));

        // Per pod, each on its own.
        var byPod = await Series(store, "latency", MetricAggregation.P50, ["service.instance.id"]);
        Assert.Equal([["pod-1"], ["pod-2"]], byPod.Series.Select(s => s.Values)); // pod-1 has more observations
        Assert.Equal(new Dictionary<int, double?> { [0] = 30 }, ByMinute(byPod.Series[1]));
    }
}
