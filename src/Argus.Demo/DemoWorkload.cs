using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Argus.Demo;

/// <summary>The faults the demo injects, one after another within each fault cycle.</summary>
public enum DemoFault
{
    None,
    /// <summary>A report query that takes over 8 seconds.</summary>
    SlowSql,
    /// <summary>A burst of failed requests with exceptions.</summary>
    ExceptionBurst,
    /// <summary>The payment API answers in 5 to 7 seconds.</summary>
    SlowExternalApi,
    /// <summary>One transaction issuing hundreds of SQL statements (N+1).</summary>
    SqlStorm,
}

/// <summary>
/// A small simulated shop (an API front, an order service, its PostgreSQL database and an external payment API),
/// instrumented with the real OpenTelemetry .NET SDK and exporting over OTLP/HTTP protobuf.
/// Span durations are simulated (start and end times are set), so a "9 second" query costs no waiting.
/// </summary>
public sealed class DemoWorkload : IAsyncDisposable
{
    private const string FrontName = "shop-frontend";
    private const string OrdersName = "order-service";

    private readonly DemoOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ActivitySource _frontSource = new("Argus.Demo.Frontend");
    private readonly ActivitySource _ordersSource = new("Argus.Demo.Orders");
    private readonly Meter _frontMeter = new("Argus.Demo.Frontend");
    private readonly Meter _ordersMeter = new("Argus.Demo.Orders");
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _connectionWait;
    private readonly Counter<long> _ordersPlaced;
    private readonly TracerProvider _frontTracer;
    private readonly TracerProvider _ordersTracer;
    private readonly MeterProvider _frontMeters;
    private readonly MeterProvider _ordersMeters;
    private readonly ILoggerFactory _frontLogs;
    private readonly ILoggerFactory _ordersLogs;
    private readonly ILogger _frontLogger;
    private readonly ILogger _ordersLogger;
    private long _transactions;
    private long _lastTickUtcTicks;

    public DemoWorkload(DemoOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
        _requestDuration = _frontMeter.CreateHistogram<double>("http.server.request.duration", "s", "Duration of HTTP server requests.");
        // Bucket bounds in seconds from the instrument's advice, as connection pools such as Npgsql's give them: the SDK's
        // default bounds are meant for milliseconds and would put every wait in the first bucket.
        _connectionWait = _ordersMeter.CreateHistogram<double>("db.client.connection.wait_time", "s", "Time to obtain a connection from the pool.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] });
        _ordersPlaced = _ordersMeter.CreateCounter<long>("shop.orders.placed", "{order}", "Orders placed.");

        _frontTracer = Tracer(FrontName, "frontend-7d9f8c-x2p4k", _frontSource.Name);
        _ordersTracer = Tracer(OrdersName, "order-service-5b6c7d-9qwe1", _ordersSource.Name);
        _frontMeters = Meters(FrontName, "frontend-7d9f8c-x2p4k", _frontMeter.Name);
        _ordersMeters = Meters(OrdersName, "order-service-5b6c7d-9qwe1", _ordersMeter.Name);
        _frontLogs = Logs(FrontName, "frontend-7d9f8c-x2p4k");
        _ordersLogs = Logs(OrdersName, "order-service-5b6c7d-9qwe1");
        _frontLogger = _frontLogs.CreateLogger("Shop.Frontend.OrdersController");
        _ordersLogger = _ordersLogs.CreateLogger("Shop.Orders.OrderRepository");
    }

    /// <summary>Transactions generated so far.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>The time of the last tick generated (null before the first), for drivers of a simulated clock.</summary>
    public DateTimeOffset? LastTick => Interlocked.Read(ref _lastTickUtcTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Generates traffic until cancelled, one tick a second, shaped by the hour of day.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            do
            {
                Tick(_time.GetUtcNow());
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>The fault active at a point in time: each occupies a slice of the fault cycle.</summary>
    public DemoFault FaultAt(DateTimeOffset now)
    {
        var cycle = _options.FaultCycle.Ticks;
        var position = (double)(now.UtcTicks % cycle) / cycle;
        return position switch
        {
            >= 0.20 and < 0.22 => DemoFault.SlowSql,
            >= 0.40 and < 0.45 => DemoFault.ExceptionBurst,
            >= 0.60 and < 0.64 => DemoFault.SlowExternalApi,
            >= 0.80 and < 0.82 => DemoFault.SqlStorm,
            _ => DemoFault.None,
        };
    }

    /// <summary>One second of traffic ending at <paramref name="now"/>.</summary>
    public void Tick(DateTimeOffset now)
    {
        // Daily shape: quiet at night, busiest in the early afternoon (UTC), never zero.
        var hour = now.UtcDateTime.TimeOfDay.TotalHours;
        var shape = 1.0 + 0.6 * Math.Sin((hour - 8) / 24 * 2 * Math.PI);
        var expected = _options.RequestsPerSecond * shape;
        var count = (int)expected + (_random.NextDouble() < expected - Math.Floor(expected) ? 1 : 0);
        var fault = FaultAt(now);
        for (var i = 0; i < count; i++)
        {
            var start = now.AddSeconds(-1 + _random.NextDouble());
            // Faults hit a share of the traffic, and the rare ones (slow SQL, storm) one transaction a tick.
            var applied = fault switch
            {
                DemoFault.SlowSql or DemoFault.SqlStorm => i == 0 ? fault : DemoFault.None,
                DemoFault.ExceptionBurst => _random.NextDouble() < 0.5 ? fault : DemoFault.None,
                DemoFault.SlowExternalApi => DemoFault.SlowExternalApi,
                _ => DemoFault.None,
            };
            Transaction(start, applied);
        }

        Interlocked.Exchange(ref _lastTickUtcTicks, now.UtcTicks);
    }

    private void Transaction(DateTimeOffset start, DemoFault fault)
    {
        Interlocked.Increment(ref _transactions);
        var orderId = _random.Next(10_000, 99_999);
        var placeOrder = fault == DemoFault.SlowExternalApi || _random.NextDouble() < 0.3;
        var report = fault == DemoFault.SlowSql;
        var (method, route, path) = report
            ? ("GET", "/api/reports/sales", "/api/reports/sales")
            : placeOrder ? ("POST", "/api/orders", "/api/orders") : ("GET", "/api/orders/{id}", $"/api/orders/{orderId}");

        using var server = _frontSource.StartActivity($"{method} {route}", ActivityKind.Server, default(ActivityContext), startTime: start);
        if (server is null)
        {
            return;
        }

        server.SetTag("http.request.method", method);
        server.SetTag("http.route", route);
        server.SetTag("url.path", path);
        server.SetTag("url.scheme", "https");
        server.SetTag("server.address", "shop.example.com");
        server.SetTag("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)");
        server.SetTag("client.address", $"203.0.113.{_random.Next(1, 254)}");

        var cursor = start.AddMilliseconds(1 + _random.NextDouble() * 2);
        var failed = false;
        var end = cursor;
        using (var call = _frontSource.StartActivity($"{method}", ActivityKind.Client, server.Context, startTime: cursor))
        {
            call?.SetTag("http.request.method", method);
            call?.SetTag("server.address", "order-service");
            call?.SetTag("server.port", 8080);
            call?.SetTag("url.full", $"http://order-service:8080{path}");
            var regressed = _options.Deployments?.OrderServiceRegressedAt(start) == true;
            var inner = OrderService(call?.Context ?? server.Context, cursor.AddMilliseconds(0.5), method, route, orderId, placeOrder, fault, regressed, out failed);
            end = inner.AddMilliseconds(0.5);
            call?.SetTag("http.response.status_code", failed ? 500 : 200);
            if (failed)
            {
                call?.SetStatus(ActivityStatusCode.Error);
            }

            call?.SetEndTime(end.UtcDateTime);
        }

        end = end.AddMilliseconds(1 + _random.NextDouble());
        server.SetTag("http.response.status_code", failed ? 500 : 200);
        if (failed)
        {
            server.SetStatus(ActivityStatusCode.Error);
        }

        server.SetEndTime(end.UtcDateTime);
        _requestDuration.Record((end - start).TotalSeconds,
            new KeyValuePair<string, object?>("http.request.method", method),
            new KeyValuePair<string, object?>("http.route", route),
            new KeyValuePair<string, object?>("http.response.status_code", failed ? 500 : 200));

        using (_frontLogger.BeginScope(new Dictionary<string, object> { ["order.id"] = orderId }))
        {
            if (failed)
            {
                // A warning: the failure is order-service's, which logs it as an error with its exception; the frontend
                // only passes the 500 on. (So shop-frontend's ERROR logs stay at zero, and its deployment checks judge
                // its own health: see DemoDeploymentPlan.)
                _frontLogger.LogWarning("Request {Method} {Path} failed with status 500 from order-service after {ElapsedMs} ms", method, path, (int)(end - start).TotalMilliseconds);
            }
            else if ((end - start).TotalSeconds > 3)
            {
                _frontLogger.LogWarning("Slow request {Method} {Path} took {ElapsedMs} ms", method, path, (int)(end - start).TotalMilliseconds);
            }
            else
            {
                _frontLogger.LogInformation("Request {Method} {Path} completed in {ElapsedMs} ms", method, path, (int)(end - start).TotalMilliseconds);
            }
        }
    }

    private DateTimeOffset OrderService(
        ActivityContext parent, DateTimeOffset start, string method, string route, int orderId, bool placeOrder, DemoFault fault, bool regressed, out bool failed)
    {
        failed = false;
        using var server = _ordersSource.StartActivity($"{method} {route}", ActivityKind.Server, parent, startTime: start);
        if (server is null)
        {
            return start;
        }

        server.SetTag("http.request.method", method);
        server.SetTag("http.route", route);
        server.SetTag("url.path", route.Replace("{id}", orderId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        server.SetTag("server.address", "order-service");
        server.SetTag("server.port", 8080);

        var cursor = start.AddMilliseconds(0.3);
        var waitMs = 0.2 + _random.NextDouble() * 0.8;
        using (var wait = _ordersSource.StartActivity("db.connection.acquire", ActivityKind.Internal, server.Context, startTime: cursor))
        {
            wait?.SetTag("db.system.name", "postgresql");
            wait?.SetTag("db.client.connection.pool.name", "orders-pool");
            cursor = cursor.AddMilliseconds(waitMs);
            wait?.SetEndTime(cursor.UtcDateTime);
        }

        _connectionWait.Record(waitMs / 1000, new KeyValuePair<string, object?>("db.client.connection.pool.name", "orders-pool"));

        if (fault == DemoFault.SlowSql)
        {
            cursor = Sql(server.Context, cursor, 8_200 + _random.NextDouble() * 1_500,
                "SELECT o.customer_id, SUM(l.amount) AS total FROM orders o JOIN order_lines l ON l.order_id = o.id " +
                $"WHERE o.created_at >= '2026-0{_random.Next(1, 9)}-01' GROUP BY o.customer_id ORDER BY total DESC", "SELECT", rows: 1_200);
        }
        else if (fault == DemoFault.SqlStorm)
        {
            cursor = Sql(server.Context, cursor, 2 + _random.NextDouble() * 2, $"SELECT id, status FROM orders WHERE customer_id = {orderId % 977}", "SELECT", rows: 300);
            for (var i = 0; i < 300; i++)
            {
                cursor = Sql(server.Context, cursor, 1 + _random.NextDouble() * 3,
                    $"SELECT sku, quantity, amount FROM order_lines WHERE order_id = {orderId + i}", "SELECT", rows: 3);
            }
        }
        else if (placeOrder)
        {
            var customer = _random.Next(1, 5000);
            if (regressed)
            {
                // Release 1.5.0 prices the order inside its transaction and locks the customer's open orders first:
                // placements queue behind each other.
                cursor = Sql(server.Context, cursor, 2_400 + _random.NextDouble() * 1_600,
                    $"SELECT id, total FROM orders WHERE customer_id = {customer} AND status = 'NEW' FOR UPDATE", "SELECT", rows: _random.Next(1, 4));
            }

            cursor = Sql(server.Context, cursor, 2 + _random.NextDouble() * 4,
                $"INSERT INTO orders (id, customer_id, status, created_at) VALUES ({orderId}, {customer}, 'NEW', now())", "INSERT", rows: 1);
            cursor = Payment(server.Context, cursor, fault == DemoFault.SlowExternalApi);
            cursor = Sql(server.Context, cursor, 1 + _random.NextDouble() * 3,
                $"UPDATE orders SET status = 'PAID' WHERE id = {orderId}", "UPDATE", rows: 1);
            _ordersPlaced.Add(1);
        }
        else
        {
            cursor = Sql(server.Context, cursor, 1 + _random.NextDouble() * 6,
                $"SELECT id, customer_id, status, total FROM orders WHERE id = {orderId}", "SELECT", rows: 1);
            cursor = Sql(server.Context, cursor, 1 + _random.NextDouble() * 4,
                $"SELECT sku, quantity, amount FROM order_lines WHERE order_id = {orderId}", "SELECT", rows: _random.Next(1, 6));
        }

        if (fault == DemoFault.ExceptionBurst)
        {
            failed = true;
            Fail(server, cursor, orderId, new InvalidOperationException($"Order {orderId} is in an invalid state for {method}"),
                "System.InvalidOperationException: Order " + orderId + " is in an invalid state\n" +
                "   at Shop.Orders.Domain.Order.EnsureCanShip() in /src/Shop.Orders/Domain/Order.cs:line 88\n" +
                "   at Shop.Orders.Application.OrderHandler.HandleAsync(OrderCommand command) in /src/Shop.Orders/Application/OrderHandler.cs:line 41\n");
        }
        else if (regressed && placeOrder && _random.NextDouble() < 0.4)
        {
            failed = true;
#pragma warning disable CA2201 // Never thrown: it only gives the simulated failure's telemetry a runtime exception's type.
            Fail(server, cursor, orderId, new NullReferenceException("Object reference not set to an instance of an object."),
#pragma warning restore CA2201
                "System.NullReferenceException: Object reference not set to an instance of an object.\n" +
                "   at Shop.Orders.Pricing.DiscountCalculator.Apply(Order order, Customer customer) in /src/Shop.Orders/Pricing/DiscountCalculator.cs:line 57\n" +
                "   at Shop.Orders.Application.PlaceOrderHandler.HandleAsync(PlaceOrder command) in /src/Shop.Orders/Application/PlaceOrderHandler.cs:line 63\n");
        }
        else
        {
            server.SetTag("http.response.status_code", 200);
        }

        cursor = cursor.AddMilliseconds(0.5 + _random.NextDouble());
        server.SetEndTime(cursor.UtcDateTime);
        return cursor;
    }

    // An order-service request failing with an exception: the span's exception event and error status, and an ERROR log.
    private void Fail(Activity server, DateTimeOffset at, int orderId, Exception exception, string stack)
    {
        server.AddEvent(new ActivityEvent("exception", at, new ActivityTagsCollection
        {
            ["exception.type"] = exception.GetType().FullName,
            ["exception.message"] = exception.Message,
            ["exception.stacktrace"] = stack + "   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)",
        }));
        server.SetStatus(ActivityStatusCode.Error, exception.Message);
        server.SetTag("http.response.status_code", 500);
        server.SetTag("error.type", exception.GetType().FullName);
        _ordersLogger.LogError(exception, "Handling order {OrderId} failed", orderId);
    }

    private DateTimeOffset Sql(ActivityContext parent, DateTimeOffset start, double durationMs, string statement, string operation, int rows)
    {
        using var db = _ordersSource.StartActivity($"{operation} shop", ActivityKind.Client, parent, startTime: start);
        var end = start.AddMilliseconds(durationMs);
        if (db is not null)
        {
            db.SetTag("db.system.name", "postgresql");
            db.SetTag("db.namespace", "shop");
            db.SetTag("db.operation.name", operation);
            db.SetTag("db.query.text", statement);
            db.SetTag("db.response.returned_rows", rows);
            db.SetTag("server.address", "orders-db.internal");
            db.SetTag("server.port", 5432);
            db.SetEndTime(end.UtcDateTime);
        }

        if (durationMs > 3_000)
        {
            _ordersLogger.LogWarning("Slow query took {ElapsedMs} ms on {Database}", (int)durationMs, "shop");
        }

        return end.AddMilliseconds(0.05);
    }

    private DateTimeOffset Payment(ActivityContext parent, DateTimeOffset start, bool slow)
    {
        using var call = _ordersSource.StartActivity("POST", ActivityKind.Client, parent, startTime: start);
        var durationMs = slow ? 5_000 + _random.NextDouble() * 2_000 : 40 + _random.NextDouble() * 60;
        var end = start.AddMilliseconds(durationMs);
        if (call is not null)
        {
            call.SetTag("http.request.method", "POST");
            call.SetTag("server.address", "api.payments.example");
            call.SetTag("server.port", 443);
            call.SetTag("url.full", "https://api.payments.example/v1/charges");
            call.SetTag("http.response.status_code", 201);
            call.SetEndTime(end.UtcDateTime);
        }

        return end;
    }

    private Uri Signal(string path) => new(_options.OtlpHttpEndpoint, path);

    private void ConfigureExporter(OtlpExporterOptions o, string path)
    {
        o.Endpoint = Signal(path);
        o.Protocol = OtlpExportProtocol.HttpProtobuf;
        o.Headers = "x-argus-api-key=" + _options.ApiKey;
    }

    private static ResourceBuilder Resource(string service, string instance) => ResourceBuilder.CreateEmpty()
        .AddService(service, serviceVersion: "1.4.2", serviceInstanceId: instance, autoGenerateServiceInstanceId: false)
        .AddAttributes([
            new KeyValuePair<string, object>("deployment.environment.name", "production"),
            new KeyValuePair<string, object>("host.name", instance),
            new KeyValuePair<string, object>("telemetry.sdk.language", "dotnet"),
        ]);

    private TracerProvider Tracer(string service, string instance, string source) => Sdk.CreateTracerProviderBuilder()
        .SetResourceBuilder(Resource(service, instance))
        .AddSource(source)
        .SetSampler(new AlwaysOnSampler())
        .AddOtlpExporter(o =>
        {
            ConfigureExporter(o, "v1/traces");
            o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)_options.ExportInterval.TotalMilliseconds;
            o.BatchExportProcessorOptions.MaxQueueSize = 65_536;
            o.BatchExportProcessorOptions.MaxExportBatchSize = 2_048;
        })
        .Build();

    private MeterProvider Meters(string service, string instance, string meter) => Sdk.CreateMeterProviderBuilder()
        .SetResourceBuilder(Resource(service, instance))
        .AddMeter(meter)
        .AddOtlpExporter((o, reader) =>
        {
            ConfigureExporter(o, "v1/metrics");
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Max(1_000, _options.ExportInterval.TotalMilliseconds * 5);
        })
        .Build();

    private ILoggerFactory Logs(string service, string instance) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Information)
        .AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(Resource(service, instance));
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
            // Before the exporter, so that it sends the stamped time.
            o.AddProcessor(new ClockStamp(_time));
            o.AddOtlpExporter((e, processor) =>
            {
                ConfigureExporter(e, "v1/logs");
                processor.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)_options.ExportInterval.TotalMilliseconds;
            });
        }));

    // The SDK stamps log records with the system clock; the workload's clock (simulated in tests) is the one its spans
    // use, so that a window of either holds the same seconds of traffic.
    private sealed class ClockStamp(TimeProvider time) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data) => data.Timestamp = time.GetUtcNow().UtcDateTime;
    }

    /// <summary>Sends whatever is buffered now.</summary>
    public void Flush()
    {
        _frontTracer.ForceFlush();
        _ordersTracer.ForceFlush();
        _frontMeters.ForceFlush();
        _ordersMeters.ForceFlush();
    }

    public ValueTask DisposeAsync()
    {
        // Disposing the providers flushes their exporters.
        _frontTracer.Dispose();
        _ordersTracer.Dispose();
        _frontMeters.Dispose();
        _ordersMeters.Dispose();
        _frontLogs.Dispose();
        _ordersLogs.Dispose();
        _frontSource.Dispose();
        _ordersSource.Dispose();
        _frontMeter.Dispose();
        _ordersMeter.Dispose();
        return ValueTask.CompletedTask;
    }
}
