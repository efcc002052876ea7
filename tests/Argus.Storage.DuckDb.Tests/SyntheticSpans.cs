using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb.Tests;

/// <summary>
/// Realistic spans for size and speed measurements: HTTP server roots with database, HTTP client and internal children,
/// 10-15 attributes each, SQL with varying literals, 11 resource attributes per process, 2% errors with exception events.
/// </summary>
internal sealed class SyntheticSpans(int seed, string tenant = "t1", long startUnixNano = 1_750_000_000_000_000_000)
{
    private static readonly string[] Services = ["frontend", "checkout", "cart", "payment", "catalog", "users", "shipping", "email"];
    private static readonly string[] Routes = ["/api/orders/{id}", "/api/orders", "/api/cart/{id}/items", "/api/products/{sku}", "/api/users/{id}", "/health"];
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "okhttp/4.12.0", "python-requests/2.32.3", "Go-http-client/1.1",
    ];

    private static readonly string[] Statements =
    [
        "SELECT o.id, o.status, o.total FROM orders o WHERE o.customer_id = {0} AND o.status = 'open' ORDER BY o.created_at DESC LIMIT 20",
        "SELECT * FROM products WHERE sku = 'SKU-{0}'",
        "UPDATE inventory SET quantity = quantity - {1} WHERE product_id = {0}",
        "INSERT INTO order_items (order_id, product_id, quantity, price) VALUES ({0}, {1}, 1, 19.99)",
        "SELECT c.id, c.email, c.name FROM customers c JOIN addresses a ON a.customer_id = c.id WHERE c.id = {0}",
        "DELETE FROM cart_items WHERE cart_id = {0} AND product_id = {1}",
        "SELECT count(*) FROM sessions WHERE user_id = {0} AND expires_at > now()",
        "SELECT p.id, p.name, p.price FROM products p WHERE p.category_id IN ({0}, {1}) LIMIT 50",
    ];

    private readonly Random _random = new(seed);
    private readonly Dictionary<(string, int), IReadOnlyList<TelemetryAttribute>> _resources = [];
    private long _now = startUnixNano;

    /// <summary>Fingerprints that the generator gives each statement template (stand-ins for the SQL normaliser).</summary>
    public static ulong FingerprintOf(int template) => 0x9E3779B97F4A7C15UL * (ulong)(template + 1);

    /// <summary>The next <paramref name="count"/> spans, whole traces at a time (so slightly more may come back).</summary>
    public List<SpanRecord> Next(int count)
    {
        var spans = new List<SpanRecord>(count + 8);
        while (spans.Count < count)
        {
            AddTrace(spans);
        }

        return spans;
    }

    private IReadOnlyList<TelemetryAttribute> Resource(string service, int instance)
    {
        if (!_resources.TryGetValue((service, instance), out var resource))
        {
            resource =
            [
                new("service.name", service), new("service.version", "1.4.2"), new("service.instance.id", $"{service}-{instance}-7f9c6d"),
                new("deployment.environment.name", "production"), new("host.name", $"node-{instance}.eu-west-1.compute.internal"),
                new("os.type", "linux"), new("process.runtime.name", ".NET"), new("process.runtime.version", "10.0.1"),
                new("telemetry.sdk.name", "opentelemetry"), new("telemetry.sdk.language", "dotnet"), new("telemetry.sdk.version", "1.12.0"),
            ];
            _resources[(service, instance)] = resource;
        }

        return resource;
    }

    private void AddTrace(List<SpanRecord> spans)
    {
        _now += _random.Next(5_000_000, 30_000_000); // 5-30 ms between requests
        var traceId = new TraceId(new UInt128((ulong)_random.NextInt64(), (ulong)_random.NextInt64()));
        var service = Services[_random.Next(Services.Length)];
        var instance = _random.Next(2);
        var resource = Resource(service, instance);
        var routeIndex = _random.Next(Routes.Length);
        var route = Routes[routeIndex];
        var method = Methods[routeIndex];
        var id = _random.Next(1, 100_000);
        var error = _random.NextDouble() < 0.02;
        var status = error ? 500 : 200;
        var rootId = new SpanId((ulong)_random.NextInt64(1, long.MaxValue));
        var rootDuration = (long)(Math.Exp(_random.NextDouble() * 3 + 1) * 1_000_000);
        var url = $"http://{service}:8080{route.Replace("{id}", id.ToString(), StringComparison.Ordinal).Replace("{sku}", "SKU-" + id, StringComparison.Ordinal)}";
        spans.Add(new SpanRecord
        {
            TenantId = tenant, TraceId = traceId, SpanId = rootId, ServiceName = service, ServiceInstanceId = $"{service}-{instance}-7f9c6d",
            DeploymentEnvironment = "production", ScopeName = "Microsoft.AspNetCore", Name = $"{method} {route}", Kind = SpanKind.Server,
            StartTimeUnixNano = _now, DurationNano = rootDuration, StatusCode = error ? SpanStatusCode.Error : SpanStatusCode.Unset,
            HttpMethod = method, HttpRoute = route, HttpStatusCode = status, Url = url, ServerAddress = service, ServerPort = 8080,
            ExceptionType = error ? "System.InvalidOperationException" : null, ExceptionMessage = error ? "Sequence contains no elements" : null,
            ResourceAttributes = resource,
            Attributes =
            [
                new("http.request.method", method), new("http.route", route), new("url.full", url), new("url.scheme", "http"),
                new("http.response.status_code", status.ToString()), new("server.address", service), new("server.port", "8080"),
                new("network.protocol.version", "1.1"), new("user_agent.original", Agents[_random.Next(Agents.Length)]),
                new("client.address", $"10.0.{_random.Next(4)}.{_random.Next(1, 250)}"), new("network.peer.port", _random.Next(30000, 60000).ToString()),
                new("thread.id", _random.Next(1, 64).ToString()), new("aspnetcore.routing.matched", "true"),
            ],
            Events = error
                ? [new SpanEvent("exception", _now + rootDuration - 1000, [new("exception.type", "System.InvalidOperationException"), new("exception.message", "Sequence contains no elements"), new("exception.stacktrace", "at Orders.Api.Handle()\n   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke()")])]
                : [],
        });

        var children = _random.Next(2, 6);
        var offset = 100_000L;
        for (var c = 0; c < children; c++)
        {
            var childStart = _now + offset;
            var childDuration = Math.Max(10_000, (long)(rootDuration / (children + 1) * _random.NextDouble()));
            offset += childDuration;
            var kindPick = _random.Next(10);
            var common = (traceId, rootId, service, instance, resource, childStart, childDuration);
            spans.Add(kindPick < 7 ? DbSpan(common) : kindPick < 9 ? InternalSpan(common) : ClientSpan(common));
        }
    }

    private SpanRecord DbSpan((TraceId Trace, SpanId Parent, string Service, int Instance, IReadOnlyList<TelemetryAttribute> Resource, long Start, long Duration) c)
    {
        var template = _random.Next(Statements.Length);
        var statement = string.Format(System.Globalization.CultureInfo.InvariantCulture, Statements[template], _random.Next(1, 1_000_000), _random.Next(1, 10));
        var operation = statement[..statement.IndexOf(' ', StringComparison.Ordinal)];
        var table = statement.Split(' ').SkipWhile(w => w is not ("FROM" or "INTO" or "UPDATE")).Skip(1).FirstOrDefault() ?? "inventory";
        if (operation == "UPDATE")
        {
            table = "inventory";
        }

        return new SpanRecord
        {
            TenantId = tenant, TraceId = c.Trace, SpanId = new SpanId((ulong)_random.NextInt64(1, long.MaxValue)), ParentSpanId = c.Parent,
            ServiceName = c.Service, ServiceInstanceId = $"{c.Service}-{c.Instance}-7f9c6d", DeploymentEnvironment = "production",
            ScopeName = "Npgsql", Name = $"{operation} shop.{table}", Kind = SpanKind.Client, StartTimeUnixNano = c.Start, DurationNano = c.Duration,
            DbSystem = "postgresql", DbStatement = statement, DbOperation = operation, DbName = "shop", DbFingerprint = FingerprintOf(template),
            ServerAddress = "db.internal", ServerPort = 5432, ResourceAttributes = c.Resource,
            Attributes =
            [
                new("db.system.name", "postgresql"), new("db.query.text", statement), new("db.namespace", "shop"), new("db.operation.name", operation),
                new("db.collection.name", table), new("server.address", "db.internal"), new("server.port", "5432"),
                new("network.peer.address", "10.0.8.15"), new("network.peer.port", "5432"), new("thread.id", _random.Next(1, 64).ToString()),
                new("db.npgsql.connection_id", _random.Next(1, 20).ToString()),
            ],
        };
    }

    private SpanRecord InternalSpan((TraceId Trace, SpanId Parent, string Service, int Instance, IReadOnlyList<TelemetryAttribute> Resource, long Start, long Duration) c) => new()
    {
        TenantId = tenant, TraceId = c.Trace, SpanId = new SpanId((ulong)_random.NextInt64(1, long.MaxValue)), ParentSpanId = c.Parent,
        ServiceName = c.Service, ServiceInstanceId = $"{c.Service}-{c.Instance}-7f9c6d", DeploymentEnvironment = "production",
        ScopeName = "Shop.Application", Name = "PricingService.Calculate", Kind = SpanKind.Internal, StartTimeUnixNano = c.Start, DurationNano = c.Duration,
        ResourceAttributes = c.Resource,
        Attributes =
        [
            new("code.function.name", "Calculate"), new("code.namespace", "Shop.Application.Pricing"), new("code.file.path", "/src/Shop.Application/Pricing/PricingService.cs"),
            new("code.line.number", "42"), new("thread.id", _random.Next(1, 64).ToString()), new("app.cache.hit", _random.Next(2) == 0 ? "true" : "false"),
            new("app.items.count", _random.Next(1, 30).ToString()), new("app.currency", "EUR"), new("app.discount.applied", "false"), new("app.region", "eu-west-1"),
        ],
    };

    private SpanRecord ClientSpan((TraceId Trace, SpanId Parent, string Service, int Instance, IReadOnlyList<TelemetryAttribute> Resource, long Start, long Duration) c)
    {
        var url = $"http://payment:8080/api/payments/{_random.Next(1, 1_000_000)}";
        return new SpanRecord
        {
            TenantId = tenant, TraceId = c.Trace, SpanId = new SpanId((ulong)_random.NextInt64(1, long.MaxValue)), ParentSpanId = c.Parent,
            ServiceName = c.Service, ServiceInstanceId = $"{c.Service}-{c.Instance}-7f9c6d", DeploymentEnvironment = "production",
            ScopeName = "System.Net.Http", Name = "GET", Kind = SpanKind.Client, StartTimeUnixNano = c.Start, DurationNano = c.Duration,
            HttpMethod = "GET", HttpStatusCode = 200, Url = url, ServerAddress = "payment", ServerPort = 8080, ResourceAttributes = c.Resource,
            Attributes =
            [
                new("http.request.method", "GET"), new("url.full", url), new("http.response.status_code", "200"), new("server.address", "payment"),
                new("server.port", "8080"), new("network.protocol.version", "1.1"), new("network.peer.address", "10.0.3.7"), new("thread.id", _random.Next(1, 64).ToString()),
                new("http.request.resend_count", "0"), new("url.scheme", "http"),
            ],
        };
    }
}
