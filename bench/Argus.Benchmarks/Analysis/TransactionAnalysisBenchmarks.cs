using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Reports;
using Argus.Core.Telemetry;
using BenchmarkDotNet.Attributes;

namespace Argus.Benchmarks.Analysis;

/// <summary>
/// The built-in analyst's cost per alert: profile a 200-span transaction, find its problems and write the report
/// (English and Korean), on one core. The trace has 120 SQL calls (100 of them one repeated statement, one slow
/// SELECT), 30 HTTP calls to three hosts, a connection wait, a Java exception and internal spans.
/// Run: <c>dotnet run -c Release -- --filter *TransactionAnalysis*</c>.
/// </summary>
[MemoryDiagnoser]
public class TransactionAnalysisBenchmarks
{
    private const string JavaTrace = """
        java.lang.IllegalStateException: Cart 77 is locked
        	at com.shop.cart.CartService.lambda$checkout$0(CartService.java:120)
        	at java.base/java.util.Optional.map(Optional.java:260)
        	at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
        	at com.shop.api.CartController.checkout(CartController.java:55)
        Caused by: java.sql.SQLException: lock timeout after 5000 ms
        	at com.shop.db.Locks.acquire(Locks.java:44)
        """;

    private readonly AlertSubject _alert = new(
        "SlowSQL", AlertKinds.SlowSql, "test-api", "production", "SQL Response time >= 8000 ms",
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(10), 1, [new AlertInstanceCount("pod-1", 1)]);

    private List<SpanRecord> _spans = [];
    private TransactionProfile _profile = null!;
    private IReadOnlyList<Finding> _findings = [];

    [GlobalSetup]
    public void Setup()
    {
        _spans = Trace(200);
        _profile = TransactionProfileBuilder.Build(_spans);
        _findings = ProfileAnalyzer.Analyze(_profile);
        Console.WriteLine($"// {_spans.Count} spans, {_profile.Totals.SqlCount} SQL, {_findings.Count} findings");
    }

    /// <summary>The whole path the built-in analyst runs for one alert.</summary>
    [Benchmark(Baseline = true)]
    public int BuildAnalyzeWrite()
    {
        var profile = TransactionProfileBuilder.Build(_spans);
        var findings = ProfileAnalyzer.Analyze(profile);
        var report = IncidentReportWriter.Write(_alert, profile, findings, "en");
        return IncidentReportFormat.Render(report, "en").Length;
    }

    [Benchmark]
    public int Build() => TransactionProfileBuilder.Build(_spans).Steps.Count;

    [Benchmark]
    public int Analyze() => ProfileAnalyzer.Analyze(_profile).Count;

    [Benchmark]
    public int WriteKorean() => IncidentReportFormat.Render(IncidentReportWriter.Write(_alert, _profile, _findings, "ko"), "ko").Length;

    private static List<SpanRecord> Trace(int count)
    {
        var trace = new TraceId(new UInt128(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736));
        var spans = new List<SpanRecord>(count);
        ulong id = 1;
        SpanRecord Add(SpanRecord? parent, string name, double startMs, double ms, SpanKind kind, Func<SpanRecord, SpanRecord>? with = null)
        {
            var span = new SpanRecord
            {
                TenantId = "t1",
                TraceId = trace,
                SpanId = new SpanId(id++),
                ParentSpanId = parent?.SpanId ?? SpanId.Empty,
                ServiceName = "test-api",
                ServiceInstanceId = "pod-1",
                DeploymentEnvironment = "production",
                Name = name,
                Kind = kind,
                StartTimeUnixNano = (long)(startMs * 1_000_000),
                DurationNano = (long)(ms * 1_000_000),
            };
            span = with?.Invoke(span) ?? span;
            spans.Add(span);
            return span;
        }

        var root = Add(null, "GET /orders/{id}", 0, 12_000, SpanKind.Server, s => s with { HttpMethod = "GET", HttpRoute = "/orders/{id}", HttpStatusCode = 200 });
        Add(root, "HikariPool.getConnection", 1, 400, SpanKind.Internal);
        var service = Add(root, "OrderService.load", 402, 11_000, SpanKind.Internal);
        Add(service, "SELECT", 403, 6_000, SpanKind.Client, s => s with
        {
            DbSystem = "postgresql", DbName = "shop",
            DbStatement = "SELECT o.id, i.sku FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 42",
        });
        for (var i = 0; i < 100; i++)
        {
            Add(service, "SELECT", 6_500 + (i * 20), 15, SpanKind.Client, s => s with
            {
                DbSystem = "postgresql", DbName = "shop", DbStatement = $"SELECT sku, qty FROM order_items WHERE order_id = {1000 + i}",
                Attributes = [new TelemetryAttribute("db.response.returned_rows", "1")],
            });
        }

        for (var i = 0; i < 19; i++)
        {
            Add(service, "UPDATE", 8_600 + (i * 10), 5, SpanKind.Client, s => s with
            {
                DbSystem = "postgresql", DbName = "shop", DbStatement = $"UPDATE stock_{i % 4} SET qty = qty - 1 WHERE sku = 'A{i}'",
            });
        }

        for (var i = 0; i < 30; i++)
        {
            var host = $"api{i % 3}.example.com";
            Add(service, "POST", 8_800 + (i * 50), 40, SpanKind.Client, s => s with
            {
                HttpMethod = "POST", Url = $"https://{host}/v1/items/{i}?token=x", ServerAddress = host, ServerPort = 443, HttpStatusCode = 200,
            });
        }

        Add(service, "CartService.checkout", 10_400, 30, SpanKind.Internal, s => s with
        {
            StatusCode = SpanStatusCode.Error,
            ExceptionType = "java.lang.IllegalStateException",
            Events = [new SpanEvent("exception", 0, [new("exception.type", "java.lang.IllegalStateException"), new("exception.message", "Cart 77 is locked"), new("exception.stacktrace", JavaTrace)])],
        });
        while (spans.Count < count)
        {
            Add(service, $"render.part{spans.Count}", 10_500 + spans.Count, 1, SpanKind.Internal);
        }

        return spans;
    }
}
