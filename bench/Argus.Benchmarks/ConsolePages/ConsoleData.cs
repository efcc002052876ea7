using System.Globalization;
using Argus.Analysis.Sql;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Benchmarks.ConsolePages;

/// <summary>
/// The telemetry of a dozen services over a day, as a console user would have it: traces that enter at a gateway and fan
/// out over HTTP to other services, each of which runs SQL (statements with literals, so they fingerprint into a few
/// dozen groups); about 1.5 % of requests fail with an exception (a stack trace in the span's exception event); two log
/// records per request linked to its trace and span (errors with their exception); and metrics every 30 s per instance:
/// a memory gauge by kind, a request counter by route and status, a request-duration histogram by route.
/// Generated from a seed, so every build of the same size is the same data.
/// </summary>
internal sealed class ConsoleData(DateTimeOffset start, DateTimeOffset end, int seed = 7)
{
    public const string Tenant = "default";

    private static readonly string[] Services =
    [
        "web-gateway", "order-service", "payment-service", "inventory-service", "user-service", "cart-service",
        "shipping-service", "catalog-service", "search-service", "notification-service", "pricing-service", "review-service",
    ];

    private static readonly string[] Verbs = ["GET", "GET", "GET", "POST", "PUT"];
    private static readonly string[] Resources = ["items", "orders", "accounts", "carts", "quotes"];
    private static readonly string[] Tables = ["orders", "order_lines", "customers", "inventory", "payments", "carts", "products", "prices", "reviews", "shipments"];
    private static readonly string[] Errors =
    [
        "System.TimeoutException|The operation has timed out after 30000 ms.",
        "Npgsql.PostgresException|40P01: deadlock detected",
        "System.InvalidOperationException|Sequence contains no elements",
        "System.Net.Http.HttpRequestException|Connection refused (payments.internal:443)",
    ];

    private readonly Random _random = new(seed);
    private readonly Dictionary<string, IReadOnlyList<TelemetryAttribute>> _resources = [];
    private readonly Dictionary<string, ulong> _fingerprints = [];

    /// <summary>Routes of a service: five per service, the same set for every build.</summary>
    public static string Route(int service, int route) => $"/api/{Resources[route]}/{{id}}{(service % 2 == 0 ? "" : "/details")}";

    public static string ServiceName(int service) => Services[service];

    public static int ServiceCount => Services.Length;

    /// <summary>
    /// Batches of about <paramref name="spansPerBatch"/> spans (with their logs) that add up to <paramref name="spans"/>,
    /// in time order over the day; the trace of <paramref name="bigTraceSpans"/> spans each is placed at the given times.
    /// </summary>
    public IEnumerable<TelemetryBatch> Traces(long spans, int spansPerBatch, IReadOnlyList<(TraceId Id, int Spans, DateTimeOffset At)> bigTraces)
    {
        var big = bigTraces.Sum(b => (long)b.Spans);
        var regular = Math.Max(0, spans - big);
        const double MeanSpansPerTrace = 10.0;
        var traces = (long)(regular / MeanSpansPerTrace);
        var span = (end - start).Ticks / (double)Math.Max(1, traces);
        var pendingBig = bigTraces.OrderBy(b => b.At).ToList();
        var batchSpans = new List<SpanRecord>(spansPerBatch + 2_000);
        var batchLogs = new List<LogRecord>(spansPerBatch / 4);
        long written = 0;
        for (long t = 0; written < regular; t++)
        {
            var at = start.AddTicks((long)(t * span) + _random.Next(0, (int)Math.Max(1, span)));
            if (pendingBig.Count > 0 && at >= pendingBig[0].At)
            {
                var b = pendingBig[0];
                pendingBig.RemoveAt(0);
                BigTrace(b.Id, b.Spans, b.At, batchSpans, batchLogs);
            }

            written += Trace(new TraceId(NextUInt128()), at, batchSpans, batchLogs, (int)Math.Min(int.MaxValue, regular - written));
            if (batchSpans.Count >= spansPerBatch)
            {
                yield return new TelemetryBatch(batchSpans, batchLogs, []);
                batchSpans = new List<SpanRecord>(spansPerBatch + 2_000);
                batchLogs = new List<LogRecord>(spansPerBatch / 4);
            }
        }

        foreach (var b in pendingBig)
        {
            BigTrace(b.Id, b.Spans, b.At, batchSpans, batchLogs);
        }

        if (batchSpans.Count > 0)
        {
            yield return new TelemetryBatch(batchSpans, batchLogs, []);
        }
    }

    /// <summary>One request: a gateway span, 1–3 downstream services over HTTP, each with 1–3 SQL statements; at most <paramref name="budget"/> spans.</summary>
    private int Trace(TraceId id, DateTimeOffset at, List<SpanRecord> spans, List<LogRecord> logs, int budget)
    {
        var startNs = TimeRange.ToUnixNano(at);
        var route = _random.Next(Resources.Length);
        var failed = _random.NextDouble() < 0.015;
        var durationNs = (long)(Math.Exp(_random.NextDouble() * 5.5) * 1_000_000) + 2_000_000;
        if (failed)
        {
            durationNs *= 3;
        }

        var instance = _random.Next(3);
        var rootId = new SpanId(NextUInt64());
        var root = Server(id, rootId, SpanId.Empty, 0, route, instance, startNs, durationNs, failed);
        spans.Add(root);
        Log(logs, root, 9, $"Request {root.Name} handled in {durationNs / 1_000_000} ms for user {_random.Next(1, 20_000)}");
        var count = 1;
        var downstream = _random.Next(1, 4);
        var cursor = startNs + 200_000;
        for (var d = 0; d < downstream && count + 2 <= budget; d++)
        {
            var service = 1 + _random.Next(Services.Length - 1);
            var callee = _random.Next(Resources.Length);
            var callNs = durationNs / (downstream + 1);
            var clientId = new SpanId(NextUInt64());
            var calleeFailed = failed && d == downstream - 1;
            spans.Add(new SpanRecord
            {
                TenantId = Tenant, TraceId = id, SpanId = clientId, ParentSpanId = rootId, ServiceName = Services[0],
                ServiceInstanceId = root.ServiceInstanceId, DeploymentEnvironment = "production", ScopeName = "System.Net.Http",
                Name = Verbs[callee], Kind = SpanKind.Client, StartTimeUnixNano = cursor, DurationNano = callNs,
                StatusCode = calleeFailed ? SpanStatusCode.Error : SpanStatusCode.Unset, HttpMethod = Verbs[callee],
                HttpStatusCode = calleeFailed ? 500 : 200, ServerAddress = $"{Services[service]}.internal", ServerPort = 8080,
                Url = $"http://{Services[service]}.internal:8080{Route(service, callee).Replace("{id}", _random.Next(1, 100_000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}",
                ResourceAttributes = Resource(0, instance),
                Attributes = [new("network.protocol.version", "1.1"), new("http.request.header.x-request-id", NextUInt64().ToString("x16", CultureInfo.InvariantCulture))],
            });
            var serverId = new SpanId(NextUInt64());
            var server = Server(id, serverId, clientId, service, callee, _random.Next(3), cursor + 300_000, callNs - 600_000, calleeFailed);
            spans.Add(server);
            count += 2;
            Log(logs, server, calleeFailed ? 17 : 9, calleeFailed
                ? $"Request {server.Name} failed: {server.ExceptionMessage}"
                : $"Loaded {_random.Next(1, 50)} {Resources[callee]} in {callNs / 1_000_000} ms");
            var statements = _random.Next(1, 4);
            var sqlCursor = server.StartTimeUnixNano + 100_000;
            for (var s = 0; s < statements && count < budget; s++)
            {
                var sqlNs = Math.Max(50_000, (long)(server.DurationNano / (statements + 1) * _random.NextDouble()));
                spans.Add(Sql(id, serverId, server, sqlCursor, sqlNs));
                sqlCursor += sqlNs + 10_000;
                count++;
            }

            cursor += callNs;
        }

        return count;
    }

    /// <summary>A trace of <paramref name="size"/> spans: one request that runs a long chain of SQL and HTTP calls (an N+1 loop).</summary>
    private void BigTrace(TraceId id, int size, DateTimeOffset at, List<SpanRecord> spans, List<LogRecord> logs)
    {
        var startNs = TimeRange.ToUnixNano(at);
        var rootId = new SpanId(NextUInt64());
        var root = Server(id, rootId, SpanId.Empty, 0, 1, 0, startNs, size * 400_000L, failed: false);
        spans.Add(root);
        Log(logs, root, 13, $"Request {root.Name} ran {size} queries");
        var parents = new List<SpanRecord> { root };
        var cursor = startNs + 100_000;
        for (var i = 1; i < size; i++)
        {
            if (i % 50 == 1 && i + 1 < size)
            {
                // Every 50 spans a downstream service call, whose SQL nests under it.
                var service = 1 + (i / 50 % (Services.Length - 1));
                var callee = Server(id, new SpanId(NextUInt64()), rootId, service, i % Resources.Length, 1, cursor, 50 * 350_000L, failed: false);
                spans.Add(callee);
                parents.Add(callee);
                i++;
            }

            var parent = parents[^1];
            spans.Add(Sql(id, parent.SpanId, parent, cursor, 300_000));
            cursor += 350_000;
        }
    }

    private SpanRecord Server(TraceId id, SpanId spanId, SpanId parent, int service, int route, int instance, long startNs, long durationNs, bool failed)
    {
        var verb = Verbs[route];
        var path = Route(service, route);
        var error = failed ? Errors[_random.Next(Errors.Length)].Split('|') : null;
        var span = new SpanRecord
        {
            TenantId = Tenant, TraceId = id, SpanId = spanId, ParentSpanId = parent, ServiceName = Services[service],
            ServiceInstanceId = $"{Services[service]}-{instance}", DeploymentEnvironment = "production", ScopeName = "Microsoft.AspNetCore",
            Name = $"{verb} {path}", Kind = SpanKind.Server, StartTimeUnixNano = startNs, DurationNano = Math.Max(100_000, durationNs),
            StatusCode = failed ? SpanStatusCode.Error : SpanStatusCode.Unset, HttpMethod = verb, HttpRoute = path,
            HttpStatusCode = failed ? 500 : 200, ServerAddress = $"{Services[service]}.internal", ServerPort = 8080,
            Url = path.Replace("{id}", _random.Next(1, 100_000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
            ExceptionType = error?[0], ExceptionMessage = error?[1],
            ResourceAttributes = Resource(service, instance),
            Attributes =
            [
                new("url.scheme", "http"), new("network.protocol.version", "1.1"), new("client.address", $"10.0.{_random.Next(0, 255)}.{_random.Next(1, 254)}"),
                new("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)"), new("enduser.id", $"user-{_random.Next(1, 20_000)}"),
            ],
        };
        if (error is not null)
        {
            span = span with
            {
                Events =
                [
                    new SpanEvent("exception", startNs + durationNs / 2,
                    [
                        new("exception.type", error[0]), new("exception.message", error[1]),
                        new("exception.stacktrace", $"{error[0]}: {error[1]}\n   at {Pascal(Services[service])}.Handlers.{Pascal(Resources[route])}Handler.HandleAsync(Request request) in /src/Handlers.cs:line {40 + route}\n   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext context)"),
                    ]),
                ],
            };
        }

        return span;
    }

    private SpanRecord Sql(TraceId id, SpanId parent, SpanRecord server, long startNs, long durationNs)
    {
        var table = Tables[_random.Next(Tables.Length)];
        var statement = _random.Next(4) switch
        {
            0 => $"SELECT id, status, total, created_at FROM {table} WHERE id = {_random.Next(1, 1_000_000)}",
            1 => $"UPDATE {table} SET status = 'S{_random.Next(1, 9)}', updated_at = now() WHERE id = {_random.Next(1, 1_000_000)}",
            2 => $"INSERT INTO {table} (id, payload, created_at) VALUES ({_random.Next(1, 1_000_000)}, '{_random.Next()}', now())",
            _ => $"SELECT t.* FROM {table} t JOIN customers c ON c.id = t.customer_id WHERE c.region = 'R{_random.Next(1, 20)}' LIMIT 50",
        };
        var operation = statement[..6].Trim();
        var shape = $"{operation}|{table}|{statement.Length > 40 && statement.Contains("JOIN", StringComparison.Ordinal)}";
        if (!_fingerprints.TryGetValue(shape, out var fingerprint))
        {
            fingerprint = SqlNormalizer.Fingerprint(statement);
            _fingerprints[shape] = fingerprint;
        }

        return new SpanRecord
        {
            TenantId = Tenant, TraceId = id, SpanId = new SpanId(NextUInt64()), ParentSpanId = parent, ServiceName = server.ServiceName,
            ServiceInstanceId = server.ServiceInstanceId, DeploymentEnvironment = "production", ScopeName = "Npgsql",
            Name = $"{operation} shop.{table}", Kind = SpanKind.Client, StartTimeUnixNano = startNs, DurationNano = durationNs,
            DbSystem = "postgresql", DbStatement = statement, DbOperation = operation, DbName = "shop", DbFingerprint = fingerprint,
            ServerAddress = "shop-db.internal", ServerPort = 5432, ResourceAttributes = server.ResourceAttributes,
            Attributes = [new("db.collection.name", table), new("db.response.returned_rows", _random.Next(0, 50).ToString(CultureInfo.InvariantCulture))],
        };
    }

    private void Log(List<LogRecord> logs, SpanRecord span, int severity, string body) => logs.Add(new LogRecord
    {
        TenantId = Tenant, ServiceName = span.ServiceName, ServiceInstanceId = span.ServiceInstanceId, DeploymentEnvironment = "production",
        ScopeName = span.ScopeName, TimeUnixNano = span.StartTimeUnixNano + span.DurationNano, ObservedTimeUnixNano = span.StartTimeUnixNano + span.DurationNano,
        SeverityNumber = severity, SeverityText = SeverityLevels.NameOf(severity), Body = body, TraceId = span.TraceId, SpanId = span.SpanId,
        ExceptionType = severity >= 17 ? span.ExceptionType : null, ExceptionMessage = severity >= 17 ? span.ExceptionMessage : null,
        ExceptionStacktrace = severity >= 17 && span.Events.Count > 0 ? span.Events[0].Attributes.FirstOrDefault(a => a.Key == "exception.stacktrace").Value : null,
        ResourceAttributes = span.ResourceAttributes,
        Attributes = [new("thread.id", _random.Next(1, 64).ToString(CultureInfo.InvariantCulture))],
    });

    /// <summary>
    /// Metric points every 30 s over the day, in batches of about <paramref name="pointsPerBatch"/>, per instance (3 per service):
    /// <c>process.memory.usage</c> (gauge, by <c>memory.type</c>), <c>http.server.requests</c> (cumulative counter, by route
    /// and status code) and <c>http.server.request.duration</c> (cumulative histogram, 14 buckets, by route).
    /// </summary>
    public IEnumerable<TelemetryBatch> Metrics(int pointsPerBatch)
    {
        double[] bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];
        var from = TimeRange.ToUnixNano(start);
        var to = TimeRange.ToUnixNano(end);
        const long StepNanos = 30_000_000_000L;
        var streams = Services.Length * 3;
        var counters = new double[streams, Resources.Length, 2];
        var buckets = new ulong[streams, Resources.Length][];
        var sums = new double[streams, Resources.Length];
        var counts = new ulong[streams, Resources.Length];
        for (var s = 0; s < streams; s++)
        {
            for (var r = 0; r < Resources.Length; r++)
            {
                buckets[s, r] = new ulong[bounds.Length + 1];
            }
        }

        var batch = new List<MetricPoint>(pointsPerBatch + 1_000);
        for (var t = from; t < to; t += StepNanos)
        {
            for (var s = 0; s < streams; s++)
            {
                var service = s / 3;
                var instance = s % 3;
                var resource = Resource(service, instance);
                MetricPoint Point(string name, MetricKind kind, IReadOnlyList<TelemetryAttribute> attributes) => new()
                {
                    TenantId = Tenant, ServiceName = Services[service], ServiceInstanceId = $"{Services[service]}-{instance}", Name = name, Kind = kind,
                    Unit = kind == MetricKind.Histogram ? "s" : kind == MetricKind.Gauge ? "By" : "{request}", IsMonotonic = kind == MetricKind.Sum,
                    AggregationTemporality = kind == MetricKind.Gauge ? 0 : 2, StartTimeUnixNano = from, TimeUnixNano = t,
                    Attributes = attributes, ResourceAttributes = resource,
                };

                batch.Add(Point("process.memory.usage", MetricKind.Gauge, [new("memory.type", "heap")]) with { Value = 2e8 + _random.Next(0, 80_000_000) });
                batch.Add(Point("process.memory.usage", MetricKind.Gauge, [new("memory.type", "stack")]) with { Value = 1e7 + _random.Next(0, 2_000_000) });
                for (var r = 0; r < Resources.Length; r++)
                {
                    var route = Route(service, r);
                    var requests = _random.Next(0, 120);
                    var failures = _random.Next(0, 3);
                    counters[s, r, 0] += requests;
                    counters[s, r, 1] += failures;
                    for (var q = 0; q < requests; q++)
                    {
                        var seconds = Math.Exp(_random.NextDouble() * 7) / 1000;
                        var b = Array.FindIndex(bounds, x => seconds <= x);
                        buckets[s, r][b < 0 ? bounds.Length : b]++;
                        sums[s, r] += seconds;
                    }

                    counts[s, r] += (ulong)requests;
                    batch.Add(Point("http.server.requests", MetricKind.Sum, [new("http.route", route), new("http.response.status_code", "200")]) with { Value = counters[s, r, 0] });
                    batch.Add(Point("http.server.requests", MetricKind.Sum, [new("http.route", route), new("http.response.status_code", "500")]) with { Value = counters[s, r, 1] });
                    batch.Add(Point("http.server.request.duration", MetricKind.Histogram, [new("http.route", route), new("http.request.method", Verbs[r])]) with
                    {
                        Count = counts[s, r], Sum = sums[s, r], ExplicitBounds = bounds, BucketCounts = [.. buckets[s, r]],
                    });
                }
            }

            if (batch.Count >= pointsPerBatch)
            {
                yield return TelemetryBatch.OfMetrics(batch);
                batch = new List<MetricPoint>(pointsPerBatch + 1_000);
            }
        }

        if (batch.Count > 0)
        {
            yield return TelemetryBatch.OfMetrics(batch);
        }
    }

    private IReadOnlyList<TelemetryAttribute> Resource(int service, int instance)
    {
        var key = $"{service}/{instance}";
        if (!_resources.TryGetValue(key, out var resource))
        {
            resource =
            [
                new("service.name", Services[service]), new("service.instance.id", $"{Services[service]}-{instance}"), new("service.version", "2.3.1"),
                new("deployment.environment.name", "production"), new("host.name", $"node-{(service + instance) % 5}"),
                new("telemetry.sdk.language", "dotnet"), new("telemetry.sdk.name", "opentelemetry"),
            ];
            _resources[key] = resource;
        }

        return resource;
    }

    private static string Pascal(string kebab) => string.Concat(kebab.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private ulong NextUInt64() => (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 40);

    private UInt128 NextUInt128() => new(NextUInt64(), NextUInt64());
}
