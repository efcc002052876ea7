using System.Security.Cryptography;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Otlp.Proto.Common;
using Argus.Otlp.Proto.Resource;
using Argus.Otlp.Proto.Trace;
using ProtoSpan = Argus.Otlp.Proto.Trace.Span;
using Google.Protobuf;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// Realistic OTLP trace requests: a handful of services, each transaction a server span with database and HTTP
/// client children, 10 to 20 attributes a span, SQL statements with varying literals, unique ids throughout.
/// </summary>
internal static class SpanPayloads
{
    private static readonly string[] Services = ["shop-frontend", "order-service", "payment-service", "inventory-service", "user-service"];
    private static readonly string[] Routes = ["/api/orders/{id}", "/api/orders", "/api/cart/{id}", "/api/users/{id}/profile", "/api/inventory/{sku}", "/api/payments"];
    private static readonly string[] Tables = ["orders", "order_lines", "customers", "inventory", "payments", "carts"];

    public static List<byte[]> Create(int requests, int spansPerRequest, DateTimeOffset start, int seed = 42)
    {
        var random = new Random(seed);
        var result = new List<byte[]>(requests);
        var time = start;
        for (var r = 0; r < requests; r++)
        {
            var service = Services[r % Services.Length];
            var resourceSpans = new ResourceSpans
            {
                Resource = new Resource
                {
                    Attributes =
                    {
                        Str("service.name", service),
                        Str("service.instance.id", $"{service}-7d9f8c-{r % 3}"),
                        Str("service.version", "1.4.2"),
                        Str("deployment.environment.name", "production"),
                        Str("host.name", $"node-{r % 7}"),
                        Str("telemetry.sdk.language", "dotnet"),
                        Str("telemetry.sdk.name", "opentelemetry"),
                        Str("telemetry.sdk.version", "1.20.1"),
                    },
                },
            };
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Argus.Bench", Version = "1.0.0" } };
            resourceSpans.ScopeSpans.Add(scope);

            var produced = 0;
            while (produced < spansPerRequest)
            {
                var traceId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16));
                var rootId = RandomNumberGenerator.GetBytes(8);
                var route = Routes[random.Next(Routes.Length)];
                var method = route.EndsWith('s') ? "POST" : "GET";
                var rootStart = time.AddMilliseconds(random.NextDouble() * 10);
                var children = Math.Min(spansPerRequest - produced - 1, random.Next(2, 6));
                var rootDuration = 5 + random.NextDouble() * 200;
                var root = NewSpan(traceId, rootId, null, $"{method} {route}", ProtoSpan.Types.SpanKind.Server, rootStart, rootDuration,
                    Str("http.request.method", method),
                    Str("http.route", route),
                    Str("url.path", route.Replace("{id}", random.Next(1, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
                    Str("url.scheme", "https"),
                    Int("http.response.status_code", random.NextDouble() < 0.02 ? 500 : 200),
                    Str("server.address", "shop.example.com"),
                    Int("server.port", 443),
                    Str("network.protocol.version", "1.1"),
                    Str("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
                    Str("client.address", $"203.0.113.{random.Next(1, 254)}"),
                    Str("enduser.id", $"user-{random.Next(1, 5000)}"),
                    Str("thread.name", $"worker-{random.Next(1, 32)}"));
                scope.Spans.Add(root);
                produced++;
                var cursor = rootStart.AddMilliseconds(1);
                for (var c = 0; c < children; c++)
                {
                    var childDuration = random.NextDouble() * rootDuration / (children + 1);
                    if (random.NextDouble() < 0.75)
                    {
                        var table = Tables[random.Next(Tables.Length)];
                        var statement = random.Next(3) switch
                        {
                            0 => $"SELECT id, status, total, created_at FROM {table} WHERE id = {random.Next(1, 1_000_000)}",
                            1 => $"UPDATE {table} SET status = 'S{random.Next(1, 9)}', updated_at = now() WHERE id = {random.Next(1, 1_000_000)}",
                            _ => $"SELECT * FROM {table} t JOIN customers c ON c.id = t.customer_id WHERE c.region = 'R{random.Next(1, 20)}' LIMIT 50",
                        };
                        scope.Spans.Add(NewSpan(traceId, RandomNumberGenerator.GetBytes(8), rootId, $"{statement[..6].Trim()} shop.{table}", ProtoSpan.Types.SpanKind.Client, cursor, childDuration,
                            Str("db.system.name", "postgresql"),
                            Str("db.namespace", "shop"),
                            Str("db.operation.name", statement[..6].Trim()),
                            Str("db.collection.name", table),
                            Str("db.query.text", statement),
                            Str("server.address", "orders-db.internal"),
                            Int("server.port", 5432),
                            Int("db.response.returned_rows", random.Next(0, 50)),
                            Str("db.client.connection.pool.name", "shop-pool"),
                            Str("thread.name", $"worker-{random.Next(1, 32)}")));
                    }
                    else
                    {
                        scope.Spans.Add(NewSpan(traceId, RandomNumberGenerator.GetBytes(8), rootId, "POST", ProtoSpan.Types.SpanKind.Client, cursor, childDuration,
                            Str("http.request.method", "POST"),
                            Str("server.address", "api.payments.example"),
                            Int("server.port", 443),
                            Str("url.full", $"https://api.payments.example/v1/charges/{random.Next(1, 1_000_000)}"),
                            Int("http.response.status_code", 201),
                            Str("network.protocol.version", "2"),
                            Str("http.request.header.x-request-id", Guid.NewGuid().ToString()),
                            Int("http.request.body.size", random.Next(100, 2000)),
                            Int("http.response.body.size", random.Next(100, 2000)),
                            Str("thread.name", $"worker-{random.Next(1, 32)}")));
                    }

                    cursor = cursor.AddMilliseconds(childDuration + 0.1);
                    produced++;
                }
            }

            time = time.AddMilliseconds(20);
            result.Add(new ExportTraceServiceRequest { ResourceSpans = { resourceSpans } }.ToByteArray());
        }

        return result;
    }

    private static ProtoSpan NewSpan(ByteString traceId, byte[] spanId, byte[]? parentId, string name, ProtoSpan.Types.SpanKind kind, DateTimeOffset start, double durationMs, params KeyValue[] attributes)
    {
        var startNs = (ulong)((start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);
        var span = new ProtoSpan
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom(spanId),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = startNs,
            EndTimeUnixNano = startNs + (ulong)(durationMs * 1_000_000),
            Status = new Status { Code = Status.Types.StatusCode.Ok },
        };
        if (parentId is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(parentId);
        }

        span.Attributes.Add(attributes);
        return span;
    }

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
