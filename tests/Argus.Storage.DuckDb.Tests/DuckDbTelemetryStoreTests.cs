using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb.Tests;

public sealed class DuckDbTelemetryStoreTests : IDisposable
{
    // A whole multiple of two minutes since the epoch: buckets are aligned to the step, so steps start at T0.
    private const long T0 = 1_749_999_960_000_000_000;
    private static readonly TimeRange All = new(TimeRange.FromUnixNanoToTime(T0 - 3_600_000_000_000), TimeRange.FromUnixNanoToTime(T0 + 86_400_000_000_000));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "argus-duckdb-" + Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_directory, "telemetry.duckdb");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private DuckDbTelemetryStore Open() => DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = DbPath });

    private static SpanRecord Span(string tenant, TraceId trace, ulong id, string service, string name, long startOffsetMs, double durationMs,
        SpanKind kind = SpanKind.Server, ulong parent = 0, SpanStatusCode status = SpanStatusCode.Unset, string? statement = null, ulong fingerprint = 0) => new()
    {
        TenantId = tenant, TraceId = trace, SpanId = new SpanId(id), ParentSpanId = new SpanId(parent), ServiceName = service, Name = name, Kind = kind,
        StartTimeUnixNano = T0 + (startOffsetMs * 1_000_000), DurationNano = (long)(durationMs * 1_000_000), StatusCode = status,
        DbStatement = statement, DbFingerprint = fingerprint, DbSystem = statement is null ? null : "postgresql", DbName = statement is null ? null : "shop",
    };

    // The same definition as DuckDB's quantile_cont: linear interpolation at position (n - 1) * q of the sorted values.
    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var position = (sorted.Count - 1) * q;
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    [Fact]
    public async Task Red_percentiles_and_counts_match_independent_computation()
    {
        await using var store = Open();
        var random = new Random(7);
        var spans = new List<SpanRecord>();
        var expected = new Dictionary<(int Bucket, string Endpoint), List<double>>();
        ulong id = 1;
        foreach (var endpoint in new[] { "GET /a", "POST /b" })
        {
            for (var i = 0; i < 500; i++)
            {
                var offsetMs = random.Next(0, 120_000); // two one-minute steps
                var durationMs = Math.Round(random.NextDouble() * 300, 3);
                var error = i % 10 == 0;
                spans.Add(Span("a", new TraceId(id), id, "api", endpoint, offsetMs, durationMs, status: error ? SpanStatusCode.Error : SpanStatusCode.Ok));
                id++;
                var key = (offsetMs / 60_000, endpoint);
                (expected.TryGetValue(key, out var list) ? list : expected[key] = []).Add(durationMs);
            }
        }

        // Noise that RED must ignore: client spans, another service.
        spans.Add(Span("a", new TraceId(9999), 9999, "api", "GET /a", 10, 5000, SpanKind.Client));
        spans.Add(Span("a", new TraceId(9998), 9998, "other", "GET /a", 10, 5000));
        await store.WriteAsync([TelemetryBatch.OfSpans(spans)], default);

        var range = new TimeRange(TimeRange.FromUnixNanoToTime(T0), TimeRange.FromUnixNanoToTime(T0 + 120_000_000_000));
        var points = await store.GetRedAsync("a", new RedQuery("api", range, TimeSpan.FromMinutes(1)), default);

        Assert.Equal(4, points.Count);
        foreach (var point in points)
        {
            var bucket = (int)((point.Time - range.From).TotalMinutes);
            var durations = expected[(bucket, point.Endpoint)];
            Assert.Equal(durations.Count, point.Requests);
            Assert.Equal(spans.Count(s => s.ServiceName == "api" && s.Kind == SpanKind.Server && s.Name == point.Endpoint && s.IsError
                && (s.StartTimeUnixNano - T0) / 60_000_000_000 == bucket), point.Errors);
            Assert.Equal(Quantile(durations, 0.50), point.P50Ms, 6);
            Assert.Equal(Quantile(durations, 0.90), point.P90Ms, 6);
            Assert.Equal(Quantile(durations, 0.95), point.P95Ms, 6);
            Assert.Equal(Quantile(durations, 0.99), point.P99Ms, 6);
        }

        // A range that starts mid-minute still buckets on whole minutes: the first bucket starts before `from`.
        var shifted = new TimeRange(range.From.AddSeconds(30), range.To);
        var aligned = await store.GetRedAsync("a", new RedQuery("api", shifted, TimeSpan.FromMinutes(1)), default);
        Assert.Equal(range.From, aligned.Min(p => p.Time));
        Assert.All(aligned, p => Assert.Equal(0, p.Time.ToUnixTimeMilliseconds() % 60_000));

        var onlyB = await store.GetRedAsync("a", new RedQuery("api", range, TimeSpan.FromMinutes(2), "POST /b"), default);
        var single = Assert.Single(onlyB);
        Assert.Equal(500, single.Requests);
        Assert.Equal(Quantile(expected[(0, "POST /b")].Concat(expected[(1, "POST /b")]).ToList(), 0.99), single.P99Ms, 6);
    }

    [Fact]
    public async Task Sql_statements_group_by_fingerprint_and_order()
    {
        await using var store = Open();
        var spans = new List<SpanRecord>();
        ulong id = 1;
        void Add(ulong fp, string sql, params double[] durations)
        {
            foreach (var d in durations)
            {
                spans.Add(Span("a", new TraceId(id), id, "api", "SELECT", (long)id, d, SpanKind.Client, statement: sql, fingerprint: fp,
                    status: d > 90 ? SpanStatusCode.Error : SpanStatusCode.Unset));
                id++;
            }
        }

        Add(1, "SELECT * FROM a WHERE id = 1", 10, 20, 30);      // total 60, avg 20, max 30, n 3
        Add(2, "SELECT * FROM b", 95);                             // total 95, avg 95, max 95, n 1, 1 error
        Add(3, "UPDATE c SET x = 1", 5, 5, 5, 5, 5, 5, 5, 5);      // total 40, avg 5, max 5, n 8
        spans.Add(Span("a", new TraceId(500), 500, "api", "GET /", 1, 1000)); // not a DB span
        await store.WriteAsync([TelemetryBatch.OfSpans(spans)], default);

        async Task<ulong[]> Order(SqlOrder order) => (await store.GetSqlStatementsAsync("a", new SqlQuery(All, OrderBy: order), default)).Select(s => s.Fingerprint).ToArray();
        Assert.Equal([2UL, 1, 3], await Order(SqlOrder.Total));
        Assert.Equal([2UL, 1, 3], await Order(SqlOrder.Average));
        Assert.Equal([3UL, 1, 2], await Order(SqlOrder.Count));
        Assert.Equal([2UL, 1, 3], await Order(SqlOrder.Max));

        var first = (await store.GetSqlStatementsAsync("a", new SqlQuery(All, "api", SqlOrder.Count, Limit: 1), default)).Single();
        Assert.Equal(new SqlStatementStats(3, "UPDATE c SET x = 1", "postgresql", "shop", 8, 40, 5, 5, 0), first with { Examples = [] });
        var b = (await store.GetSqlStatementsAsync("a", new SqlQuery(All), default)).Single(s => s.Fingerprint == 2);
        Assert.Equal(1, b.ErrorCount);
    }

    [Fact]
    public async Task Sql_statements_carry_their_slowest_statements_traces_one_entry_a_trace()
    {
        await using var store = Open();
        // An N+1 loop: trace 1 runs the statement twelve times (1..12 ms); traces 2 and 3 once each (7 ms, 30 ms);
        // a span without a trace is never an example.
        var spans = Enumerable.Range(1, 12)
            .Select(i => Span("a", new TraceId(1), (ulong)i, "api", "SELECT", i, i, SpanKind.Client, statement: "SELECT 1", fingerprint: 9))
            .Append(Span("a", new TraceId(2), 100, "api", "SELECT", 1, 7, SpanKind.Client, statement: "SELECT 1", fingerprint: 9))
            .Append(Span("a", new TraceId(3), 101, "api", "SELECT", 1, 30, SpanKind.Client, statement: "SELECT 1", fingerprint: 9))
            .Append(Span("a", new TraceId(UInt128.Zero), 102, "api", "SELECT", 1, 99, SpanKind.Client, statement: "SELECT 1", fingerprint: 9))
            .ToList();
        await store.WriteAsync([TelemetryBatch.OfSpans(spans)], default);

        var stats = Assert.Single(await store.GetSqlStatementsAsync("a", new SqlQuery(All), default));

        Assert.Equal(15, stats.Count);
        Assert.Equal([new SqlExampleTrace(new TraceId(3), 30), new SqlExampleTrace(new TraceId(1), 12)], stats.Examples.Take(2));
        // The ten slowest statements with a trace are trace 3's 30 ms, trace 1's 12..6 ms and trace 2's 7 ms: the third example.
        Assert.Equal(new SqlExampleTrace(new TraceId(2), 7), stats.Examples[2]);
        Assert.Equal(3, stats.Examples.Count);
        Assert.Empty(await store.GetSqlStatementsAsync("b", new SqlQuery(All), default));

        // A group whose statements have no trace has no examples.
        await store.WriteAsync([TelemetryBatch.OfSpans([Span("a", new TraceId(UInt128.Zero), 200, "api", "SELECT", 1, 5, SpanKind.Client, statement: "SELECT 2", fingerprint: 10)])], default);
        Assert.Empty((await store.GetSqlStatementsAsync("a", new SqlQuery(All), default)).Single(g => g.Fingerprint == 10).Examples);
    }

    [Fact]
    public async Task Issue_series_for_several_issues_in_one_read_and_an_issues_service_versions()
    {
        await using var store = Open();
        LogRecord Log(ulong issue, long offsetMinutes, string version) => new()
        {
            TenantId = "a", ServiceName = "api", Body = "boom", SeverityNumber = 17, IssueId = issue,
            TimeUnixNano = T0 + (offsetMinutes * 60_000_000_000),
            ResourceAttributes = [new("service.name", "api"), new("service.version", version)],
        };
        await store.WriteAsync([TelemetryBatch.OfLogs([Log(7, 0, "1.0.0"), Log(7, 1, "1.0.0"), Log(7, 4, "1.1.0"), Log(8, 4, "1.1.0"), Log(9, 4, "1.1.0")])], default);
        await store.WriteAsync([TelemetryBatch.OfSpans([Span("a", new TraceId(5), 1, "api", "GET /", 5 * 60_000, 1) with
        {
            IssueId = 7, ResourceAttributes = [new("service.name", "api"), new("service.version", "1.1.0")],
        }])], default);

        // Steps of 2 minutes from T0 (a whole multiple of 2 minutes): minutes 0 and 1 in the first, 4 and 5 in the third.
        var step = TimeSpan.FromMinutes(2);
        var series = await store.GetIssueSeriesAsync("a", [7UL, 8UL], All, step, default);
        Assert.Equal([7UL, 8UL], series.Keys.Order());
        Assert.Equal([(T0, 2L), (T0 + 240_000_000_000, 2L)], series[7].Select(p => (TimeRange.ToUnixNano(p.Time), p.Count)));
        Assert.Equal([(T0 + 240_000_000_000, 1L)], series[8].Select(p => (TimeRange.ToUnixNano(p.Time), p.Count)));
        Assert.Equal(series[7], await store.GetIssueSeriesAsync("a", 7, All, step, default));
        Assert.Empty(await store.GetIssueSeriesAsync("b", [7UL], All, step, default));

        var versions = await store.GetIssueVersionsAsync("a", 7, All, default);
        Assert.Equal(
            [new IssueVersionCount("api", "1.0.0", 2, TimeRange.FromUnixNanoToTime(T0), TimeRange.FromUnixNanoToTime(T0 + 60_000_000_000)),
             new IssueVersionCount("api", "1.1.0", 2, TimeRange.FromUnixNanoToTime(T0 + 240_000_000_000), TimeRange.FromUnixNanoToTime(T0 + 300_000_000_000))],
            versions.OrderBy(v => v.Version));
        Assert.Empty(await store.GetIssueVersionsAsync("b", 7, All, default));
    }

    [Fact]
    public async Task Spans_logs_and_metrics_round_trip()
    {
        var trace = new TraceId(new UInt128(0xFEDCBA9876543210, 0x0123456789ABCDEF));
        var resource = new List<TelemetryAttribute> { new("service.name", "api"), new("host.name", "h1") };
        var root = Span("a", trace, 1, "api", "GET /orders/{id}", 0, 12.5) with
        {
            ServiceInstanceId = "api-1", DeploymentEnvironment = "prod", ScopeName = "aspnet", StatusCode = SpanStatusCode.Error, StatusMessage = "boom",
            HttpMethod = "GET", HttpRoute = "/orders/{id}", HttpStatusCode = 500, Url = "http://api/orders/1", ServerAddress = "api", ServerPort = 8080,
            ExceptionType = "System.Exception", ExceptionMessage = "boom", ResourceAttributes = resource,
            Attributes = [new("http.request.method", "GET"), new("http.route", "/orders/{id}"), new("http.response.status_code", "500"), new("url.full", "http://api/orders/1"),
                new("server.address", "api"), new("server.port", "8080"), new("http.method", "GET"), new("custom", "a\u001Fb\u001Bc"), new("", "empty key"), new("k", "")],
            Events = [new SpanEvent("exception", T0 + 5, [new("exception.type", "System.Exception"), new("exception.stacktrace", "at X\n at Y \"quoted\"")])],
        };
        var child = Span("a", trace, 2, "api", "SELECT shop.orders", 1, 3, SpanKind.Client, parent: 1, statement: "SELECT 1", fingerprint: 77) with
        {
            DbOperation = "SELECT", ResourceAttributes = resource, Attributes = [new("db.query.text", "SELECT 1"), new("db.system.name", "postgresql")],
        };
        var log = new LogRecord
        {
            TenantId = "a", TimeUnixNano = T0 + 7, ObservedTimeUnixNano = T0 + 8, SeverityNumber = 17, SeverityText = "Error", Body = "Order 1 failed",
            ServiceName = "api", ServiceInstanceId = "api-1", DeploymentEnvironment = "prod", ScopeName = "Orders", TraceId = trace, SpanId = new SpanId(1),
            EventName = "order.failed", ExceptionType = "System.Exception", ExceptionMessage = "boom", ExceptionStacktrace = "at X",
            Attributes = [new("order.id", "1")], ResourceAttributes = resource,
        };
        var metric = new MetricPoint
        {
            TenantId = "a", ServiceName = "api", Name = "http.server.request.duration", Unit = "s", Kind = MetricKind.Histogram, AggregationTemporality = 2,
            StartTimeUnixNano = T0, TimeUnixNano = T0 + 60, Count = 3, Sum = 1.5, Min = 0.1, Max = 1, ExplicitBounds = [0.1, 0.5, 1], BucketCounts = [1, 1, 1, 0],
            Attributes = [new("http.route", "/orders/{id}")], ResourceAttributes = resource,
        };
        await using (var store = Open())
        {
            await store.WriteAsync([TelemetryBatch.OfSpans([child, root]), TelemetryBatch.OfLogs([log]), TelemetryBatch.OfMetrics([metric])], default);
        }

        // Reopened: the data survived the dispose.
        await using var reopened = Open();
        var spans = await reopened.GetTraceAsync("a", trace, default);
        Assert.Equal(2, spans.Count);
        AssertSpan(root, spans[0]);
        AssertSpan(child, spans[1]);

        // Bounded by time: the same spans when the range holds their starts, none when it does not.
        var around = new TimeRange(TimeRange.FromUnixNanoToTime(T0 - 1_000_000_000), TimeRange.FromUnixNanoToTime(T0 + 1_000_000_000));
        Assert.Equal(2, (await reopened.GetTraceAsync("a", trace, around, default)).Count);
        var later = new TimeRange(TimeRange.FromUnixNanoToTime(T0 + 1_000_000_000), TimeRange.FromUnixNanoToTime(T0 + 2_000_000_000));
        Assert.Empty(await reopened.GetTraceAsync("a", trace, later, default));

        var logs = await reopened.SearchLogsAsync("a", new LogQuery(All, TraceId: trace), default);
        var readLog = Assert.Single(logs);
        Assert.Equal(log with { Attributes = [], ResourceAttributes = [] }, readLog with { Attributes = [], ResourceAttributes = [] });
        Assert.Equal(log.Attributes, readLog.Attributes);
        Assert.Equal(resource, readLog.ResourceAttributes);

        var metrics = await reopened.GetMetricsAsync("a", null, All, default);
        Assert.Equal(new MetricSummary("http.server.request.duration", MetricKind.Histogram, "s", "api", 1), Assert.Single(metrics));

        var services = await reopened.GetServicesAsync("a", All, default);
        Assert.Equal(new ServiceSummary("api", 2, 1, 1), Assert.Single(services));
    }

    private static void AssertSpan(SpanRecord expected, SpanRecord actual)
    {
        Assert.Equal(expected with { Attributes = [], Events = [], ResourceAttributes = [] }, actual with { Attributes = [], Events = [], ResourceAttributes = [] });
        Assert.Equal(expected.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), actual.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal));
        Assert.Equal(expected.ResourceAttributes, actual.ResourceAttributes);
        Assert.Equal(expected.Events.Count, actual.Events.Count);
        for (var i = 0; i < expected.Events.Count; i++)
        {
            Assert.Equal(expected.Events[i].Name, actual.Events[i].Name);
            Assert.Equal(expected.Events[i].TimeUnixNano, actual.Events[i].TimeUnixNano);
            Assert.Equal(expected.Events[i].Attributes, actual.Events[i].Attributes);
        }
    }

    [Fact]
    public async Task Trace_search_returns_one_row_per_trace_newest_first()
    {
        await using var store = Open();
        var t1 = new TraceId(11);
        var t2 = new TraceId(22);
        await store.WriteAsync([TelemetryBatch.OfSpans(
        [
            Span("a", t1, 1, "web", "GET /", 0, 100),
            Span("a", t1, 2, "db", "SELECT", 10, 50, SpanKind.Client, parent: 1, status: SpanStatusCode.Error),
            Span("a", t2, 3, "web", "GET /x", 1000, 10, parent: 99), // no root: the earliest span describes it
            Span("a", t2, 4, "worker", "job", 1005, 30, SpanKind.Internal, parent: 3),
        ])], default);

        var all = await store.SearchTracesAsync("a", new TraceQuery(All), default);
        Assert.Equal([t2, t1], all.Select(t => t.TraceId));
        Assert.Equal(new TraceSummary(t2, "web", "GET /x", TimeRange.FromUnixNanoToTime(T0 + 1_000_000_000), 35, 2, 0), all[0]);
        Assert.Equal(new TraceSummary(t1, "web", "GET /", TimeRange.FromUnixNanoToTime(T0), 100, 2, 1), all[1]);

        Assert.Equal([t1], (await store.SearchTracesAsync("a", new TraceQuery(All, Service: "db"), default)).Select(t => t.TraceId));
        Assert.Equal([t1], (await store.SearchTracesAsync("a", new TraceQuery(All, Status: SpanStatusCode.Error), default)).Select(t => t.TraceId));
        Assert.Equal([t2], (await store.SearchTracesAsync("a", new TraceQuery(All, Operation: "job"), default)).Select(t => t.TraceId));
        Assert.Equal([t1], (await store.SearchTracesAsync("a", new TraceQuery(All, MinDurationMs: 40), default)).Select(t => t.TraceId));
        Assert.Single(await store.SearchTracesAsync("a", new TraceQuery(All, Limit: 1), default));
    }

    [Fact]
    public async Task Trace_search_by_attributes_and_max_duration_matches_one_span_with_every_pair()
    {
        await using var store = Open();
        var (gold, silver, promoted, resource) = (new TraceId(31), new TraceId(32), new TraceId(33), new TraceId(34));
        TelemetryAttribute A(string key, string value) => new(key, value);
        await store.WriteAsync([TelemetryBatch.OfSpans(
        [
            Span("a", gold, 1, "web", "GET /", 0, 100) with { Attributes = [A("customer.tier", "gold"), A("region", "eu"), A("odd\u001Fkey", "v\u001Bw")] },
            Span("a", gold, 2, "db", "SELECT", 10, 50, SpanKind.Client, parent: 1) with { Attributes = [A("region", "us")] },
            Span("a", silver, 3, "web", "GET /", 200, 20) with { Attributes = [A("customer.tier", "silver"), A("region", "eu"), A("empty", "")] },
            // server.address is promoted to a column (and dropped from the attribute strings) when written.
            Span("a", promoted, 4, "web", "GET /", 300, 30, SpanKind.Client) with { ServerAddress = "db.internal", Attributes = [A("server.address", "db.internal")] },
            // Only the column, no attribute: a search for the key must not find it.
            Span("a", promoted, 5, "web", "GET /", 310, 5, SpanKind.Client) with { ServerAddress = "cache.internal" },
            Span("a", resource, 6, "batch", "run", 400, 70) with { ResourceAttributes = [A("service.name", "batch"), A("service.version", "2.1")] },
        ])], default);

        async Task<TraceId[]> Find(params TelemetryAttribute[] attributes) =>
            [.. (await store.SearchTracesAsync("a", new TraceQuery(All, Attributes: attributes), default)).Select(t => t.TraceId)];

        Assert.Equal([gold], await Find(A("customer.tier", "gold")));
        Assert.Equal([silver, gold], await Find(A("region", "eu")));
        Assert.Equal([gold], await Find(A("region", "eu"), A("customer.tier", "gold")));
        // Both pairs must be on one span: the gold root is in eu, its child in us.
        Assert.Empty(await Find(A("region", "us"), A("customer.tier", "gold")));
        Assert.Empty(await Find(A("customer.tier", "GOLD")));
        Assert.Empty(await Find(A("customer", "gold")));
        Assert.Equal([gold], await Find(A("odd\u001Fkey", "v\u001Bw")));
        Assert.Equal([silver], await Find(A("empty", "")));
        Assert.Equal([promoted], await Find(A("server.address", "db.internal")));
        Assert.Empty(await Find(A("server.address", "cache.internal")));
        Assert.Equal([resource], await Find(A("service.version", "2.1")));
        Assert.Empty(await Find(A("service.version", "2.1"), A("region", "eu")));

        Assert.Equal([promoted, silver], (await store.SearchTracesAsync("a", new TraceQuery(All, MinDurationMs: 20, MaxDurationMs: 30), default)).Select(t => t.TraceId));
        Assert.Equal([silver], (await store.SearchTracesAsync("a", new TraceQuery(All, MaxDurationMs: 25, Attributes: [A("region", "eu")]), default)).Select(t => t.TraceId));
    }

    [Fact]
    public async Task Log_search_and_level_counts()
    {
        await using var store = Open();
        LogRecord Log(int offsetSec, int severity, string body, string service = "api") => new()
        {
            TenantId = "a", TimeUnixNano = T0 + (offsetSec * 1_000_000_000L), SeverityNumber = severity, Body = body, ServiceName = service,
        };
        await store.WriteAsync([TelemetryBatch.OfLogs(
        [
            Log(0, 9, "Started"), Log(10, 13, "Slow REQUEST 100%_done"), Log(20, 17, "request failed"), Log(70, 17, "request failed again"),
            Log(75, 21, "fatal"), Log(80, 0, "no level"), Log(90, 10, "other service", "worker"),
        ])], default);

        var text = await store.SearchLogsAsync("a", new LogQuery(All, Text: "request"), default);
        Assert.Equal(["request failed again", "request failed", "Slow REQUEST 100%_done"], text.Select(l => l.Body));
        Assert.Equal(["Slow REQUEST 100%_done"], (await store.SearchLogsAsync("a", new LogQuery(All, Text: "100%_"), default)).Select(l => l.Body));
        Assert.Empty(await store.SearchLogsAsync("a", new LogQuery(All, Text: "%"+"x"), default));
        Assert.Equal(["fatal", "request failed again", "request failed"], (await store.SearchLogsAsync("a", new LogQuery(All, MinSeverity: 17), default)).Select(l => l.Body));
        Assert.Equal(["other service"], (await store.SearchLogsAsync("a", new LogQuery(All, Service: "worker"), default)).Select(l => l.Body));
        Assert.Equal(2, (await store.SearchLogsAsync("a", new LogQuery(All, Limit: 2), default)).Count);

        // A span's logs: its trace and its span id (the same span id in another trace is another span).
        var (trace, other) = (new TraceId(41), new TraceId(42));
        await store.WriteAsync([TelemetryBatch.OfLogs(
        [
            Log(1, 9, "in span 7", "spans") with { TraceId = trace, SpanId = new SpanId(7) },
            Log(2, 9, "in span 8", "spans") with { TraceId = trace, SpanId = new SpanId(8) },
            Log(3, 9, "span 7 of another trace", "spans") with { TraceId = other, SpanId = new SpanId(7) },
        ])], default);
        Assert.Equal(["in span 7"], (await store.SearchLogsAsync("a", new LogQuery(All, TraceId: trace, SpanId: new SpanId(7)), default)).Select(l => l.Body));
        Assert.Equal(2, (await store.SearchLogsAsync("a", new LogQuery(All, SpanId: new SpanId(7)), default)).Count);

        var range = new TimeRange(TimeRange.FromUnixNanoToTime(T0), TimeRange.FromUnixNanoToTime(T0 + 120_000_000_000));
        var counts = await store.GetLogLevelCountsAsync("a", new LogLevelQuery(range, TimeSpan.FromMinutes(1), "api"), default);
        var m0 = TimeRange.FromUnixNanoToTime(T0);
        var m1 = m0.AddMinutes(1);
        Assert.Equal(
            [new(m0, "ERROR", 1), new(m0, "INFO", 1), new(m0, "WARN", 1), new(m1, "ERROR", 1), new(m1, "FATAL", 1), new(m1, "UNSPECIFIED", 1)],
            counts);
    }

    [Fact]
    public async Task Tenant_b_sees_none_of_tenant_a()
    {
        await using var store = Open();
        var spans = new SyntheticSpans(3, "a", T0).Next(2000);
        var trace = spans[0].TraceId;
        await store.WriteAsync(
        [
            TelemetryBatch.OfSpans(spans),
            TelemetryBatch.OfLogs([new LogRecord { TenantId = "a", TimeUnixNano = T0, Body = "secret", ServiceName = "api", TraceId = trace, SeverityNumber = 17 }]),
            TelemetryBatch.OfMetrics([new MetricPoint { TenantId = "a", ServiceName = "api", Name = "m", TimeUnixNano = T0, Kind = MetricKind.Gauge, Value = 1 }]),
        ], default);

        Assert.NotEmpty(await store.GetServicesAsync("a", All, default));
        Assert.NotEmpty(await store.GetTraceAsync("a", trace, default));
        Assert.Empty(await store.GetServicesAsync("b", All, default));
        Assert.Empty(await store.GetRedAsync("b", new RedQuery(spans[0].ServiceName, All, TimeSpan.FromMinutes(1)), default));
        Assert.Empty(await store.GetTraceAsync("b", trace, default));
        Assert.Empty(await store.SearchTracesAsync("b", new TraceQuery(All), default));
        Assert.Empty(await store.GetSqlStatementsAsync("b", new SqlQuery(All), default));
        Assert.Empty(await store.SearchLogsAsync("b", new LogQuery(All), default));
        Assert.Empty(await store.SearchLogsAsync("b", new LogQuery(All, TraceId: trace), default));
        Assert.Empty(await store.GetLogLevelCountsAsync("b", new LogLevelQuery(All, TimeSpan.FromHours(1)), default));
        Assert.Empty(await store.GetMetricsAsync("b", null, All, default));
    }

    [Fact]
    public async Task Retention_by_age_deletes_older_data()
    {
        await using var store = Open();
        await store.WriteAsync(
        [
            TelemetryBatch.OfSpans([Span("a", new TraceId(1), 1, "api", "old", 0, 1), Span("a", new TraceId(2), 2, "api", "new", 3_600_000, 1)]),
            TelemetryBatch.OfLogs([new LogRecord { TenantId = "a", TimeUnixNano = T0, Body = "old", ServiceName = "api" }]),
            TelemetryBatch.OfMetrics([new MetricPoint { TenantId = "a", ServiceName = "api", Name = "m", TimeUnixNano = T0, Kind = MetricKind.Gauge, Value = 1 }]),
        ], default);

        var result = await store.ApplyRetentionAsync(TimeRange.FromUnixNanoToTime(T0 + 60_000_000_000), 0, default);

        Assert.Equal((1L, 1L, 1L), (result.SpansDeleted, result.LogsDeleted, result.MetricPointsDeleted));
        Assert.Equal(store.GetStorageBytes(), result.BytesAfter);
        Assert.Equal(["new"], (await store.SearchTracesAsync("a", new TraceQuery(All), default)).Select(t => t.RootName));
    }

    [Fact]
    public async Task Retention_by_size_deletes_oldest_until_under_the_limit()
    {
        await using var store = Open();
        var generator = new SyntheticSpans(5, "a", T0);
        for (var i = 0; i < 10; i++)
        {
            await store.WriteAsync([TelemetryBatch.OfSpans(generator.Next(20_000))], default);
        }

        await store.ApplyRetentionAsync(DateTimeOffset.UnixEpoch, 0, default);
        var before = store.GetUsedBytes();
        var newest = (await store.SearchTracesAsync("a", new TraceQuery(All, Limit: 1), default))[0].TraceId;

        var result = await store.ApplyRetentionAsync(DateTimeOffset.UnixEpoch, before / 2, default);

        Assert.True(result.SpansDeleted > 0);
        Assert.True(store.GetUsedBytes() <= before / 2, $"used {store.GetUsedBytes()} of limit {before / 2}");

        // Oldest first: whatever is left is the newest data. (Space is freed per row group of 122,880 rows, so a store
        // this small may have to give up everything to get under the limit.)
        var left = await store.SearchTracesAsync("a", new TraceQuery(All, Limit: 10_000), default);
        Assert.True(left.Count == 0 || left.Any(t => t.TraceId == newest));
    }

    [Fact]
    public async Task Reads_run_while_writes_are_in_progress()
    {
        await using var store = Open();
        var generator = new SyntheticSpans(9, "a", T0);
        await store.WriteAsync([TelemetryBatch.OfSpans(generator.Next(1000))], default);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await store.WriteAsync([TelemetryBatch.OfSpans(generator.Next(2000))], default);
            }
        });
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            long last = 0;
            var reads = 0;
            while (!writer.IsCompleted || reads < 5)
            {
                var count = (await store.GetServicesAsync("a", All, default)).Sum(s => s.SpanCount);
                Assert.True(count >= last, "a reader never sees fewer spans than before");
                last = count;
                await store.SearchTracesAsync("a", new TraceQuery(All), default);
                reads++;
            }

            return reads;
        })).ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads >= 5));
        var total = (await store.GetServicesAsync("a", All, default)).Sum(s => s.SpanCount);
        Assert.True(total >= 61_000);
    }

    [Fact]
    public async Task Red_of_all_services_is_each_services_own_red()
    {
        await using var store = Open();
        var random = new Random(11);
        var spans = new List<SpanRecord>();
        ulong id = 1;
        foreach (var service in new[] { "web", "api", "worker" })
        {
            foreach (var endpoint in new[] { "GET /a", "POST /b", "GET /c" })
            {
                for (var i = 0; i < 200; i++, id++)
                {
                    var kind = i % 7 == 0 ? SpanKind.Client : SpanKind.Server;
                    spans.Add(Span("a", new TraceId(id), id, service, endpoint, random.Next(0, 7_200_000), Math.Round(random.NextDouble() * 400, 3), kind,
                        status: i % 9 == 0 ? SpanStatusCode.Error : SpanStatusCode.Ok));
                }
            }
        }

        spans.Add(Span("a", new TraceId(id), id, "client-only", "GET /x", 10, 5, SpanKind.Client));
        spans.Add(Span("b", new TraceId(id + 1), id + 1, "other-tenant", "GET /a", 10, 5));
        await store.WriteAsync([TelemetryBatch.OfSpans(spans)], default);

        var range = new TimeRange(TimeRange.FromUnixNanoToTime(T0 + 90_000_000_000), TimeRange.FromUnixNanoToTime(T0 + 6_000_000_000_000));
        var services = (await store.GetServicesAsync("a", range, default)).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
        TimeSpan[][] stepSets = [[TimeSpan.FromMinutes(4)], [range.Duration], [range.Duration, TimeSpan.FromMinutes(4)], [TimeSpan.FromHours(3), range.Duration, TimeSpan.FromHours(3)]];
        foreach (var steps in stepSets)
        {
            var all = await store.GetServicesRedAsync("a", range, steps, default);
            var expected = new List<ServiceRedPoint>();
            foreach (var step in steps.Distinct())
            {
                foreach (var service in services)
                {
                    expected.AddRange((await store.GetRedAsync("a", new RedQuery(service, range, step), default)).Select(p => new ServiceRedPoint(service, step, p)));
                }
            }

            Assert.NotEmpty(all);
            Assert.Equal(expected, all);
            Assert.DoesNotContain(all, p => p.Service is "client-only" or "other-tenant");
        }

        Assert.Empty(await store.GetServicesRedAsync("c", range, [TimeSpan.FromMinutes(1)], default));
        Assert.Empty(await store.GetServicesRedAsync("a", range, [], default));
    }

    [Fact]
    public async Task Newest_first_searches_read_the_range_from_its_end_and_answer_as_one_read_would()
    {
        // Spread over a day, so that a search reads several stretches from the range's end (5 min, 20 min, 80 min, ...).
        await using var store = Open();
        var random = new Random(5);
        var spans = new List<SpanRecord>();
        var logs = new List<LogRecord>();
        for (ulong t = 1; t <= 400; t++)
        {
            // Hours apart at first, seconds apart near the end: each stretch holds some traces, the later ones more.
            var startMs = (long)(86_000_000 * Math.Sqrt(random.NextDouble()));
            spans.Add(Span("a", new TraceId(t), t * 10, t % 3 == 0 ? "db" : "web", "GET /", startMs, 20 + (t % 50)));

            // A few traces whose child starts 30 minutes after the root: the child decides when the trace was last seen.
            spans.Add(Span("a", new TraceId(t), (t * 10) + 1, "db", "SELECT", startMs + (t % 5 == 0 ? 1_800_000 : 3), 5, SpanKind.Client, parent: t * 10));
            logs.Add(new LogRecord { TenantId = "a", TimeUnixNano = T0 + (startMs * 1_000_000), SeverityNumber = (int)(t % 24) + 1, Body = $"log {t}", ServiceName = "web" });
        }

        await store.WriteAsync([TelemetryBatch.OfSpans(spans), TelemetryBatch.OfLogs(logs)], default);
        var range = new TimeRange(TimeRange.FromUnixNanoToTime(T0 + 60_000_000_000), TimeRange.FromUnixNanoToTime(T0 + 86_000_000_000_000));
        bool In(long ns) => ns >= range.FromUnixNano && ns < range.ToUnixNano();

        foreach (var (limit, service) in new[] { (1, (string?)null), (7, null), (50, null), (120, null), (10_000, null), (30, "db") })
        {
            var expected = spans
                .Where(s => In(s.StartTimeUnixNano) && (service is null || s.ServiceName == service))
                .GroupBy(s => s.TraceId)
                .OrderByDescending(g => g.Max(s => s.StartTimeUnixNano))
                .Take(limit)
                .Select(g => spans.Where(s => s.TraceId == g.Key).ToList())
                .OrderByDescending(g => g.Min(s => s.StartTimeUnixNano))
                .Select(g => new TraceSummary(g[0].TraceId, g[0].ServiceName, g[0].Name, TimeRange.FromUnixNanoToTime(g.Min(s => s.StartTimeUnixNano)),
                    (g.Max(s => s.StartTimeUnixNano + s.DurationNano) - g.Min(s => s.StartTimeUnixNano)) / 1e6, g.Count, 0))
                .ToList();
            Assert.Equal(expected, await store.SearchTracesAsync("a", new TraceQuery(range, service, Limit: limit), default));
        }

        foreach (var (limit, severity) in new[] { (1, 0), (9, 0), (100, 0), (150, 0), (10_000, 0), (40, 17) })
        {
            var expected = logs.Where(l => In(l.TimeUnixNano) && l.SeverityNumber >= severity).OrderByDescending(l => l.TimeUnixNano).Take(limit).Select(l => l.Body);
            Assert.Equal(expected, (await store.SearchLogsAsync("a", new LogQuery(range, MinSeverity: severity, Limit: limit), default)).Select(l => l.Body));
        }

        var empty = new TimeRange(range.To, range.To);
        Assert.Empty(await store.SearchTracesAsync("a", new TraceQuery(empty), default));
        Assert.Empty(await store.SearchLogsAsync("a", new LogQuery(empty), default));
    }

    [Fact]
    public void Options_are_validated_with_an_actionable_message()
    {
        var error = Assert.Throws<ArgumentException>(() => DuckDbTelemetryStore.Open(new DuckDbStoreOptions()));
        Assert.Contains("DatabasePath", error.Message, StringComparison.Ordinal);
    }
}
