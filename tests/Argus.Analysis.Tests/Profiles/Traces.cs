using Argus.Core.Telemetry;

namespace Argus.Analysis.Tests.Profiles;

/// <summary>Builds the spans of one trace with times in milliseconds from a fixed start.</summary>
internal sealed class TraceBuilder(string service = "test-api", string instance = "prod-test-api-pod-6945c568-2ghw8")
{
    /// <summary>2025-06-17 05:03:10 UTC (14:03:10 in Seoul).</summary>
    public static readonly DateTimeOffset Start = new(2025, 6, 17, 5, 3, 10, TimeSpan.Zero);

    private static readonly TraceId Trace = new(new UInt128(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736));
    private ulong _nextId = 0x1000;

    public List<SpanRecord> Spans { get; } = [];

    public SpanRecord Add(
        SpanRecord? parent, string name, double startMs, double durationMs, SpanKind kind = SpanKind.Internal,
        Func<SpanRecord, SpanRecord>? with = null, string? serviceName = null)
    {
        var span = new SpanRecord
        {
            TenantId = "t1",
            TraceId = Trace,
            SpanId = new SpanId(_nextId++),
            ParentSpanId = parent?.SpanId ?? SpanId.Empty,
            ServiceName = serviceName ?? service,
            ServiceInstanceId = instance,
            DeploymentEnvironment = "production",
            Name = name,
            Kind = kind,
            StartTimeUnixNano = (Start.ToUnixTimeMilliseconds() * 1_000_000) + (long)(startMs * 1_000_000),
            DurationNano = (long)(durationMs * 1_000_000),
        };
        span = with?.Invoke(span) ?? span;
        Spans.Add(span);
        return span;
    }

    public SpanRecord Root(string method, string route, double durationMs, int status = 200) =>
        Add(null, $"{method} {route}", 0, durationMs, SpanKind.Server, s => s with
        {
            HttpMethod = method,
            HttpRoute = route,
            HttpStatusCode = status,
            StatusCode = status >= 500 ? SpanStatusCode.Error : SpanStatusCode.Unset,
        });

    public SpanRecord Sql(SpanRecord parent, double startMs, double durationMs, string statement, long? rows = null) =>
        Add(parent, statement.Split(' ')[0], startMs, durationMs, SpanKind.Client, s => s with
        {
            DbSystem = "postgresql",
            DbName = "shop",
            DbStatement = statement,
            Attributes = rows is { } r ? [new TelemetryAttribute("db.response.returned_rows", r.ToString(System.Globalization.CultureInfo.InvariantCulture))] : [],
        });

    public SpanRecord Http(SpanRecord parent, double startMs, double durationMs, string method, string url, string host, int port, int status) =>
        Add(parent, method, startMs, durationMs, SpanKind.Client, s => s with
        {
            HttpMethod = method,
            Url = url,
            ServerAddress = host,
            ServerPort = port,
            HttpStatusCode = status,
            StatusCode = status >= 400 ? SpanStatusCode.Error : SpanStatusCode.Unset,
        });

    public static SpanEvent ExceptionEvent(string type, string message, string stackTrace) =>
        new("exception", 0,
        [
            new TelemetryAttribute("exception.type", type),
            new TelemetryAttribute("exception.message", message),
            new TelemetryAttribute("exception.stacktrace", stackTrace),
        ]);
}

/// <summary>One trace per incident kind, with known answers.</summary>
internal static class Traces
{
    public const string JavaTrace = """
        java.lang.IllegalStateException: Cart 77 is locked
        	at com.shop.cart.CartService.lambda$checkout$0(CartService.java:120)
        	at java.base/java.util.Optional.map(Optional.java:260)
        	at com.shop.cart.CartService$$EnhancerBySpringCGLIB$$a1b2c3.checkout(<generated>)
        	at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
        	at com.shop.api.CartController.checkout(CartController.java:55)
        Caused by: java.sql.SQLException: lock timeout after 5000 ms
        	at com.shop.db.Locks.acquire(Locks.java:44)
        	... 12 more
        """;

    public const string DotNetTrace = """
        System.InvalidOperationException: Order 1234 is already shipped
           at Shop.Orders.OrderService.<ShipAsync>d__12.MoveNext() in /src/Shop/Orders/OrderService.cs:line 87
        --- End of stack trace from previous location ---
           at System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)
           at Shop.Api.OrdersEndpoint.Ship(Int32 id) in /src/Shop/Api/OrdersEndpoint.cs:line 21
           at Microsoft.AspNetCore.Http.RequestDelegateFactory.ExecuteTaskResult[T](Task`1 task, HttpContext httpContext)
        """;

    /// <summary>9,000 ms request; step 4 (a SELECT joining orders and order_items) takes 8,120 ms.</summary>
    public static List<SpanRecord> SlowSql()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/orders/{id}", 9_000);
        t.Sql(root, 5, 20, "SELECT id, name FROM users WHERE id = 7");
        var load = t.Add(root, "OrderService.load", 30, 8_300);
        t.Sql(load, 40, 8_120, "SELECT o.id, i.sku FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 42", rows: 120);
        t.Sql(root, 8_400, 30, "UPDATE audit SET seen = now() WHERE user_id = 7");
        return t.Spans;
    }

    /// <summary>3,000 ms request; one list query, then 300 single-row SELECTs on order_items of 5 ms each (steps 3 to 302).</summary>
    public static List<SpanRecord> NPlusOne()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/orders", 3_000);
        t.Sql(root, 1, 40, "SELECT id FROM orders WHERE customer_id = 42", rows: 300);
        for (var i = 0; i < 300; i++)
        {
            t.Sql(root, 50 + (i * 6), 5, $"SELECT sku, qty FROM order_items WHERE order_id = {1000 + i}", rows: 1);
        }

        return t.Spans;
    }

    /// <summary>2,000 ms request; step 2 waits 1,500 ms for a Hikari connection, then a 50 ms query.</summary>
    public static List<SpanRecord> ConnectionWait()
    {
        var t = new TraceBuilder();
        var root = t.Root("POST", "/checkout", 2_000);
        t.Add(root, "HikariPool.getConnection", 10, 1_500, with: s => s with
        {
            Attributes = [new TelemetryAttribute("db.client.connection.pool.name", "HikariPool-1")],
        });
        t.Sql(root, 1_520, 50, "INSERT INTO payments (order_id, amount) VALUES (1, 9.5)");
        return t.Spans;
    }

    /// <summary>5,000 ms request; three calls of 1,200 ms to payments.example.com:443 (steps 2, 3, 4; the third 504), one fast call elsewhere.</summary>
    public static List<SpanRecord> SlowExternal()
    {
        var t = new TraceBuilder();
        var root = t.Root("POST", "/pay", 5_000);
        t.Http(root, 10, 1_200, "POST", "https://payments.example.com/v1/charge?token=secret-123", "payments.example.com", 443, 200);
        t.Http(root, 1_220, 1_200, "POST", "https://payments.example.com/v1/charge?token=secret-123", "payments.example.com", 443, 200);
        t.Http(root, 2_430, 1_250, "POST", "https://payments.example.com/v1/charge?token=secret-123", "payments.example.com", 443, 504);
        t.Add(root, "GET", 3_700, 20, SpanKind.Client, s => s with { HttpMethod = "GET", Url = "http://stock.internal:8080/items/5", HttpStatusCode = 200 });
        return t.Spans;
    }

    /// <summary>A failed 800 ms request: a Java exception event on step 2, and a .NET exception logged at ERROR on step 3 by another service.</summary>
    public static (List<SpanRecord> Spans, List<LogRecord> Logs) Exceptions()
    {
        var t = new TraceBuilder();
        var root = t.Root("POST", "/cart/checkout", 800, status: 500);
        t.Add(root, "CartService.checkout", 10, 600, with: s => s with
        {
            StatusCode = SpanStatusCode.Error,
            ExceptionType = "java.lang.IllegalStateException",
            ExceptionMessage = "Cart 77 is locked",
            Events = [TraceBuilder.ExceptionEvent("java.lang.IllegalStateException", "Cart 77 is locked", JavaTrace)],
        });
        var ship = t.Add(root, "OrderService.ship", 620, 100, serviceName: "order-service");
        var logs = new List<LogRecord>
        {
            new()
            {
                TenantId = "t1",
                TimeUnixNano = ship.StartTimeUnixNano + 50_000_000,
                SeverityNumber = 17,
                SeverityText = "ERROR",
                Body = "Shipping failed",
                ServiceName = "order-service",
                TraceId = ship.TraceId,
                SpanId = ship.SpanId,
                ExceptionType = "System.InvalidOperationException",
                ExceptionMessage = "Order 1234 is already shipped",
                ExceptionStacktrace = DotNetTrace,
            },
            new()
            {
                TenantId = "t1",
                TimeUnixNano = ship.StartTimeUnixNano + 60_000_000,
                SeverityNumber = 9,
                Body = "an INFO line with an exception is not an error",
                ServiceName = "order-service",
                TraceId = ship.TraceId,
                SpanId = ship.SpanId,
                ExceptionType = "System.TimeoutException",
            },
        };
        return (t.Spans, logs);
    }

    /// <summary>A quick 200 ms request with a 10 ms query: nothing to report.</summary>
    public static List<SpanRecord> Healthy()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/health", 200);
        t.Sql(root, 5, 10, "SELECT 1");
        t.Add(root, "render", 20, 60);
        return t.Spans;
    }
}
