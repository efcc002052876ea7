using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb.Tests;

/// <summary>
/// What the console's service and metrics pages read beside the API's queries: RED over all of a service's endpoints,
/// outgoing calls by target, failing spans by operation and exception, and a metric's group-by keys.
/// </summary>
public sealed class ServicePageReadsTests : IDisposable
{
    private const long T0 = 1_749_999_960_000_000_000;
    private const long Ms = 1_000_000;
    private static readonly TimeRange Window = new(TimeRange.FromUnixNanoToTime(T0), TimeRange.FromUnixNanoToTime(T0 + (600_000 * Ms)));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "argus-duckdb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private DuckDbTelemetryStore Open() => DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(_directory, "telemetry.duckdb") });

    private static SpanRecord Span(ulong id, string name, SpanKind kind, double durationMs, long atMs = 1_000, string service = "shop",
        string? address = null, string? url = null, string? dbSystem = null, bool error = false, string? exception = null, string? message = null) => new()
    {
        TenantId = "a", TraceId = new TraceId(id), SpanId = new SpanId(id), ParentSpanId = new SpanId(0), ServiceName = service, Name = name, Kind = kind,
        StartTimeUnixNano = T0 + (atMs * Ms), DurationNano = (long)(durationMs * Ms), StatusCode = error ? SpanStatusCode.Error : SpanStatusCode.Unset,
        ServerAddress = address, Url = url, DbSystem = dbSystem, DbStatement = dbSystem is null ? null : "SELECT 1", ExceptionType = exception, ExceptionMessage = message,
    };

    [Fact]
    public async Task Red_over_all_endpoints_has_the_percentiles_of_all_requests_not_of_each_endpoint()
    {
        await using var store = Open();
        ulong id = 1;
        // Per minute: 90 fast requests (1..90 ms) on one endpoint and 10 slow ones (1001..1010 ms) on another, 2 failing.
        var spans = new List<SpanRecord>();
        foreach (var minute in new[] { 0, 1 })
        {
            spans.AddRange(Enumerable.Range(1, 90).Select(i => Span(id++, "GET /fast", SpanKind.Server, i, atMs: (minute * 60_000) + i)));
            spans.AddRange(Enumerable.Range(1, 10).Select(i => Span(id++, "GET /slow", SpanKind.Server, 1000 + i, atMs: (minute * 60_000) + i, error: i <= 2)));
        }

        spans.Add(Span(id, "GET /fast", SpanKind.Client, 99_999)); // not a request
        await store.WriteAsync([TelemetryBatch.OfSpans(spans)], default);

        var all = await store.GetRedAsync("a", new RedQuery("shop", Window, TimeSpan.FromMinutes(1), ByEndpoint: false), default);

        Assert.Equal(2, all.Count);
        var durations = Enumerable.Range(1, 90).Select(i => (double)i).Concat(Enumerable.Range(1, 10).Select(i => 1000.0 + i)).Order().ToList();
        foreach (var point in all)
        {
            Assert.Equal("", point.Endpoint);
            Assert.Equal(100, point.Requests);
            Assert.Equal(2, point.Errors);
            Assert.Equal(durations[49] + ((durations[50] - durations[49]) * 0.5), point.P50Ms, 6);
            Assert.Equal(durations[89] + ((durations[90] - durations[89]) * 0.1), point.P90Ms, 6);
        }

        Assert.Equal(4, (await store.GetRedAsync("a", new RedQuery("shop", Window, TimeSpan.FromMinutes(1)), default)).Count);
    }

    [Fact]
    public async Task External_calls_group_client_spans_by_peer_then_url_host_then_name_without_database_statements()
    {
        await using var store = Open();
        ulong id = 1;
        var spans = new List<SpanRecord>();
        // 20 calls to payments (by address) of 1..20 ms, 2 of them failing; 3 by URL to catalog; one with neither.
        spans.AddRange(Enumerable.Range(1, 20).Select(i => Span(id++, "POST", SpanKind.Client, i, address: "payments.internal", error: i > 18)));
        spans.AddRange(Enumerable.Range(1, 3).Select(i => Span(id++, "GET", SpanKind.Client, 100, url: "https://catalog.example:8443/items?id=" + i)));
        spans.Add(Span(id++, "grpc.Inventory/Reserve", SpanKind.Client, 7));
        // Not calls: a database client span, a server span, another service's call, a call outside the window.
        spans.Add(Span(id++, "SELECT", SpanKind.Client, 500, address: "db.internal", dbSystem: "postgresql"));
        spans.Add(Span(id++, "GET /", SpanKind.Server, 500, address: "payments.internal"));
        spans.Add(Span(id++, "POST", SpanKind.Client, 500, service: "other", address: "payments.internal"));
        spans.Add(Span(id++, "POST", SpanKind.Client, 500, atMs: 700_000, address: "payments.internal"));
        await store.WriteAsync([TelemetryBatch.OfSpans(spans)], default);

        var calls = await store.GetExternalCallsAsync("a", "shop", Window, 10, default);

        Assert.Equal(["payments.internal", "catalog.example", "grpc.Inventory/Reserve"], calls.Select(c => c.Target));
        var payments = calls[0];
        Assert.Equal(20, payments.Count);
        Assert.Equal(2, payments.Errors);
        Assert.Equal(1 + (19 * 0.95), payments.P95Ms, 6); // quantile_cont over 1..20
        Assert.Equal(20, payments.MaxMs, 6);
        Assert.Equal(3, calls[1].Count);
        Assert.Single(await store.GetExternalCallsAsync("a", "shop", Window, 1, default));
        Assert.Empty(await store.GetExternalCallsAsync("b", "shop", Window, 10, default));
    }

    [Fact]
    public async Task Error_spans_group_by_operation_and_exception_type_with_the_newest_message_and_trace()
    {
        await using var store = Open();
        await store.WriteAsync([TelemetryBatch.OfSpans([
            Span(1, "GET /cart", SpanKind.Server, 5, atMs: 1_000, exception: "TimeoutException", message: "first"),
            Span(2, "GET /cart", SpanKind.Server, 5, atMs: 3_000, exception: "TimeoutException", message: "newest"),
            Span(3, "GET /cart", SpanKind.Server, 5, atMs: 2_000, exception: "TimeoutException", message: "middle"),
            Span(4, "GET /cart", SpanKind.Server, 5, atMs: 1_000, error: true),
            Span(5, "GET /cart", SpanKind.Server, 5, atMs: 1_000),
            Span(6, "POST", SpanKind.Client, 5, atMs: 1_000, error: true, exception: "HttpRequestException"),
        ])], default);

        var errors = await store.GetErrorSpansAsync("a", "shop", Window, 10, default);

        Assert.Equal(3, errors.Count);
        Assert.Equal(("GET /cart", "TimeoutException", 3L, "newest"), (errors[0].Operation, errors[0].ExceptionType, errors[0].Count, errors[0].Message));
        Assert.Equal(new TraceId(2), errors[0].SampleTraceId);
        Assert.Equal(TimeRange.FromUnixNanoToTime(T0 + (3_000 * Ms)), errors[0].LastSeen);
        Assert.Contains(errors, e => e is { Operation: "GET /cart", ExceptionType: null, Count: 1 });
        Assert.Contains(errors, e => e is { Operation: "POST", ExceptionType: "HttpRequestException", Count: 1 });
    }

    [Fact]
    public async Task A_metrics_group_by_keys_are_its_point_keys_then_its_resource_keys()
    {
        await using var store = Open();
        MetricPoint Point(string name, string service, params (string Key, string Value)[] attributes) => new()
        {
            TenantId = "a", ServiceName = service, ServiceInstanceId = "pod-1", Name = name, Kind = MetricKind.Gauge, Value = 1,
            TimeUnixNano = T0 + (1_000 * Ms), StartTimeUnixNano = T0,
            Attributes = [.. attributes.Select(a => new TelemetryAttribute(a.Key, a.Value))],
            ResourceAttributes = [new("service.name", service), new("service.instance.id", "pod-1"), new("route", "from-the-resource")],
        };
        await store.WriteAsync([TelemetryBatch.OfMetrics([
            Point("queue.depth", "shop", ("queue", "q1")),
            Point("queue.depth", "shop", ("queue", "q2"), ("region", "eu")),
            Point("queue.depth", "billing", ("tier", "gold")),
            Point("other.metric", "shop", ("unrelated", "x")),
        ])], default);

        Assert.Equal(["queue", "region", "tier", "route", "service.instance.id", "service.name"],
            await store.GetMetricAttributeKeysAsync("a", "queue.depth", null, Window, 50, default));
        Assert.Equal(["queue", "region", "route", "service.instance.id", "service.name"],
            await store.GetMetricAttributeKeysAsync("a", "queue.depth", "shop", Window, 50, default));
        Assert.Equal(["queue", "region"], await store.GetMetricAttributeKeysAsync("a", "queue.depth", "shop", Window, 2, default));
        Assert.Empty(await store.GetMetricAttributeKeysAsync("a", "no.such.metric", null, Window, 50, default));
    }
}
