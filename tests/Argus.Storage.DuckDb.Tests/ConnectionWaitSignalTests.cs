using Argus.Core;
using Argus.Core.Alerting;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb.Tests;

/// <summary>
/// The connection-wait alert signal read from the pool's wait-time histogram, for services that record no
/// connection-acquire spans: delta and cumulative series, the threshold against bucket bounds, units, and the rule that
/// an instance with spans is counted from its spans only.
/// </summary>
public sealed class ConnectionWaitSignalTests : IDisposable
{
    private const long Minute = 60_000_000_000;
    private const long T0 = 1_749_999_960_000_000_000;

    // Seconds, as db.client.connection.wait_time is recorded: buckets (-inf,0.1] (0.1,0.5] (0.5,1] (1,5] (5,+inf).
    private static readonly double[] Bounds = [0.1, 0.5, 1, 5];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "argus-duckdb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private DuckDbTelemetryStore Open() => DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(_directory, "telemetry.duckdb") });

    /// <summary>The ten minutes that end at T0 + 10 min.</summary>
    private static TimeRange Window => new(TimeRange.FromUnixNanoToTime(T0), TimeRange.FromUnixNanoToTime(T0 + (10 * Minute)));

    private static MetricPoint Point(string instance, long atMinute, ulong[] buckets, int temporality, double? max = null, long startMinute = -60,
        string name = "db.client.connection.wait_time", string unit = "s", double[]? bounds = null, string environment = "prod") => new()
    {
        TenantId = "a", ServiceName = "orders", ServiceInstanceId = instance, Name = name, Unit = unit, Kind = MetricKind.Histogram,
        AggregationTemporality = temporality, StartTimeUnixNano = temporality == 1 ? T0 + ((atMinute - 1) * Minute) : T0 + (startMinute * Minute),
        TimeUnixNano = T0 + (atMinute * Minute), Count = (ulong)buckets.Sum(b => (long)b), Max = max, ExplicitBounds = bounds ?? Bounds, BucketCounts = buckets,
        Attributes = [new("db.client.connection.pool.name", "orders-pool")],
        ResourceAttributes = [new("service.name", "orders"), new("service.instance.id", instance), new("deployment.environment.name", environment)],
    };

    private static AlertSignalQuery Waits(double thresholdMs, string? environment = null) =>
        new(AlertSignal.DbConnectionWait, Window, Service: "orders", Environment: environment, MinDurationMs: thresholdMs);

    [Fact]
    public async Task Delta_points_count_the_observations_in_buckets_at_or_over_the_threshold()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            Point("pod-1", 2, [50, 3, 2, 4, 1], 1, max: 7.5),  // 4 in (1,5], 1 in (5,inf): 5 at or over 1 s
            Point("pod-1", 3, [60, 1, 0, 0, 0], 1, max: 0.3),  // none
            Point("pod-2", 4, [10, 0, 0, 2, 0], 1, max: 2.2),  // 2
            Point("pod-3", 5, [10, 0, 0, 0, 0], 1, max: 0.05), // none
            Point("pod-2", 30, [0, 0, 0, 9, 0], 1, max: 4),    // outside the window
        ])], default);

        var result = await store.QueryAlertSignalAsync("a", Waits(1000), default);

        Assert.Equal(7, result.Occurrences);
        Assert.Equal([new InstanceCount("pod-1", 5), new InstanceCount("pod-2", 2)], result.Instances);
        Assert.Null(result.WorstTraceId);
        Assert.Equal(7500, result.WorstValue);
        Assert.Equal("orders", result.WorstService);

        // A threshold inside a bucket: (5, inf) counts whole; (1, 5] cannot say which of its waits reached 2 s, so a
        // point counts one wait when its max did (pod-2's 2.2 s) and none when it did not.
        var two = await store.QueryAlertSignalAsync("a", Waits(2000), default);
        Assert.Equal([new InstanceCount("pod-1", 1), new InstanceCount("pod-2", 1)], two.Instances);
        var three = await store.QueryAlertSignalAsync("a", Waits(3000), default);
        Assert.Equal([new InstanceCount("pod-1", 1)], three.Instances);

        // Nothing as long as 10 s.
        Assert.Equal(AlertSignalResult.None, await store.QueryAlertSignalAsync("a", Waits(10_000), default));
    }

    [Fact]
    public async Task Cumulative_series_count_what_each_point_adds_to_the_previous()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            // Before the window: the baseline of the first point inside it.
            Point("pod-1", -1, [100, 5, 3, 2, 0], 2),
            Point("pod-1", 1, [150, 5, 3, 4, 1], 2),   // +2 in (1,5], +1 in (5,inf)
            Point("pod-1", 2, [190, 6, 3, 4, 1], 2),   // nothing new over 1 s
            Point("pod-1", 3, [220, 6, 3, 7, 1], 2),   // +3
            // A series that began inside the look-back counts from zero.
            Point("pod-2", 4, [10, 0, 0, 1, 0], 2, startMinute: 3),
            // One that began long ago with no earlier point cannot say what is new: not counted.
            Point("pod-3", 4, [10, 0, 0, 50, 0], 2, startMinute: -600),
        ])], default);

        var result = await store.QueryAlertSignalAsync("a", Waits(1000), default);

        Assert.Equal([new InstanceCount("pod-1", 6), new InstanceCount("pod-2", 1)], result.Instances);
        Assert.Equal(6 + 1, result.Occurrences);

        // With no max over a cumulative period, the worst is the lower bound of the highest bucket that grew: over 5 s.
        Assert.Equal(5000, result.WorstValue);
    }

    [Fact]
    public async Task Milliseconds_the_older_metric_name_and_the_environment_are_understood()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            Point("pod-1", 2, [0, 0, 0, 3, 0], 1, name: "db.client.connections.wait_time", unit: "ms", bounds: [100, 500, 1000, 5000]),
            Point("pod-2", 2, [0, 0, 0, 4, 0], 1, environment: "staging"),
        ])], default);

        var prod = await store.QueryAlertSignalAsync("a", Waits(1000, environment: "PROD"), default);
        Assert.Equal([new InstanceCount("pod-1", 3)], prod.Instances);

        var all = await store.QueryAlertSignalAsync("a", Waits(1000), default);
        Assert.Equal(7, all.Occurrences);
    }

    [Fact]
    public async Task An_instance_with_connection_wait_spans_is_counted_from_its_spans_only()
    {
        var trace = new TraceId(new UInt128(1, 2));
        await using var store = Open();
        await store.WriteAsync([
            TelemetryBatch.OfMetrics([Point("pod-1", 2, [0, 0, 0, 9, 0], 1, max: 4), Point("pod-2", 2, [0, 0, 0, 2, 0], 1, max: 9)]),
            TelemetryBatch.OfSpans([new SpanRecord
            {
                TenantId = "a", TraceId = trace, SpanId = new SpanId(7), ServiceName = "orders", ServiceInstanceId = "pod-1", Name = "HikariPool.getConnection",
                Kind = SpanKind.Internal, StartTimeUnixNano = T0 + (2 * Minute), DurationNano = 2_500_000_000,
            }]),
        ], default);

        var result = await store.QueryAlertSignalAsync("a", Waits(1000), default);

        Assert.Equal([new InstanceCount("pod-2", 2), new InstanceCount("pod-1", 1)], result.Instances);

        // The worst occurrence with a transaction wins over a longer wait that has none.
        Assert.Equal(trace, result.WorstTraceId);
        Assert.Equal(2500, result.WorstValue);
    }

    [Fact]
    public async Task Spans_named_by_their_pool_count_as_the_transaction_profile_counts_them()
    {
        // The profile reads a span as a connection wait when its name says so, or when it carries the pool's name and its
        // name says wait, acquire or checkout; the alert must count the same spans.
        SpanRecord Span(ulong id, string instance, string name, bool pool) => new()
        {
            TenantId = "a", TraceId = new TraceId(new UInt128(1, id)), SpanId = new SpanId(id), ServiceName = "orders", ServiceInstanceId = instance,
            Name = name, Kind = SpanKind.Internal, StartTimeUnixNano = T0 + (2 * Minute), DurationNano = 2_000_000_000,
            Attributes = pool ? [new("db.client.connection.pool.name", "orders-pool")] : [],
        };
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfSpans([
            Span(1, "pod-1", "orders-pool wait", pool: true),
            Span(2, "pod-1", "pool.acquire", pool: true),
            Span(3, "pod-2", "Pool checkout", pool: true),
            Span(4, "pod-3", "pool wait", pool: false),       // no pool name: not a connection wait
            Span(5, "pod-3", "orders-pool query", pool: true), // a pool's span that is no wait
        ])], default);

        var result = await store.QueryAlertSignalAsync("a", Waits(1000), default);

        Assert.Equal([new InstanceCount("pod-1", 2), new InstanceCount("pod-2", 1)], result.Instances);
    }
}
