using System.Diagnostics;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Argus.IntegrationTests;

/// <summary>The real OpenTelemetry .NET SDK exporters send to Argus; the query API reads the data back.</summary>
public sealed class OtlpExporterTests
{
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Traces_logs_and_metrics_from_the_sdk_are_stored_and_queryable(OtlpExportProtocol protocol)
    {
        await using var server = await ArgusTestServer.StartAsync();
        var service = $"checkout-{protocol}".ToLowerInvariant();
        var sourceName = "Argus.Tests." + protocol;
        using var source = new ActivitySource(sourceName);
        using var meter = new System.Diagnostics.Metrics.Meter(sourceName);

        void Configure(OtlpExporterOptions o, string signal)
        {
            o.Protocol = protocol;
            o.Endpoint = protocol == OtlpExportProtocol.Grpc ? server.OtlpGrpcUrl : new Uri(server.OtlpHttpUrl, "v1/" + signal);
            o.Headers = "x-argus-api-key=" + ArgusTestServer.AdminKey;
        }

        var resource = ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: "pod-1")
            .AddAttributes([new KeyValuePair<string, object>("deployment.environment.name", "production")]);
        string traceId;
        using (var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(sourceName)
                   .AddOtlpExporter(o => Configure(o, "traces")).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(sourceName)
                   .AddOtlpExporter((o, _) => Configure(o, "metrics")).Build())
        using (var logs = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
               {
                   o.SetResourceBuilder(resource);
                   o.AddOtlpExporter(e => Configure(e, "logs"));
               })))
        {
            var start = DateTimeOffset.UtcNow.AddSeconds(-5);
            using (var rootActivity = source.StartActivity("GET /api/cart/{id}", ActivityKind.Server, default(ActivityContext), startTime: start)!)
            {
                rootActivity.SetTag("http.request.method", "GET");
                rootActivity.SetTag("http.route", "/api/cart/{id}");
                rootActivity.SetTag("http.response.status_code", 200);
                traceId = rootActivity.TraceId.ToHexString();
                using (var db = source.StartActivity("SELECT shop", ActivityKind.Client, rootActivity.Context, startTime: start.AddMilliseconds(2))!)
                {
                    db.SetTag("db.system.name", "mysql");
                    db.SetTag("db.query.text", "SELECT * FROM carts WHERE id = 42");
                    db.SetTag("server.address", "carts-db");
                    db.SetEndTime(start.AddMilliseconds(120).UtcDateTime);
                }

                using (var http = source.StartActivity("POST", ActivityKind.Client, rootActivity.Context, startTime: start.AddMilliseconds(121))!)
                {
                    http.SetTag("server.address", "api.tax.example");
                    http.SetTag("url.full", "https://api.tax.example/v2/quote");
                    http.SetTag("http.response.status_code", 503);
                    http.SetStatus(ActivityStatusCode.Error, "upstream unavailable");
                    http.AddException(new TimeoutException("tax service timed out"));
                    http.SetEndTime(start.AddMilliseconds(300).UtcDateTime);
                }

                rootActivity.SetEndTime(start.AddMilliseconds(310).UtcDateTime);
            }

            meter.CreateHistogram<double>("http.server.request.duration", "s").Record(0.31);
            meter.CreateCounter<long>("cart.items.added").Add(3);
            logs.CreateLogger("Cart").LogError(new InvalidOperationException("cart locked"), "Cart {CartId} could not be updated", 42);

            tracer.ForceFlush();
            meters.ForceFlush();
        }

        var trace = await ArgusTestServer.EventuallyAsync(
            async () =>
            {
                using var client = server.ApiClient();
                using var response = await client.GetAsync($"api/traces/{traceId}");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : (JsonElement?)null;
            },
            t => t is { } e && e.GetProperty("spanCount").GetInt32() == 3,
            "the trace to be stored");

        var t = trace!.Value;
        Assert.Equal(traceId, t.GetProperty("traceId").GetString());
        Assert.Equal(310, t.GetProperty("durationMs").GetDouble(), 1);
        var spans = t.GetProperty("spans").EnumerateArray().ToList();
        var root = Assert.Single(spans, s => s.GetProperty("depth").GetInt32() == 0);
        Assert.Equal("GET /api/cart/{id}", root.GetProperty("name").GetString());
        Assert.Equal(0, root.GetProperty("index").GetInt32());
        Assert.Equal(2, root.GetProperty("childCount").GetInt32());
        Assert.All(spans.Skip(1), s => Assert.Equal(0, s.GetProperty("parentIndex").GetInt32()));

        var sql = Assert.Single(t.GetProperty("sql").EnumerateArray());
        Assert.Equal("SELECT * FROM carts WHERE id = 42", sql.GetProperty("statement").GetString());
        Assert.Equal("mysql", sql.GetProperty("dbSystem").GetString());
        Assert.Equal(118, sql.GetProperty("durationMs").GetDouble(), 1);
        Assert.Contains("carts", sql.GetProperty("tables").EnumerateArray().Select(x => x.GetString()));

        var external = Assert.Single(t.GetProperty("externalCalls").EnumerateArray());
        Assert.Equal("api.tax.example", external.GetProperty("address").GetString());
        Assert.Equal(503, external.GetProperty("statusCode").GetInt32());

        var exception = Assert.Single(t.GetProperty("exceptions").EnumerateArray());
        Assert.Equal("System.TimeoutException", exception.GetProperty("type").GetString());

        var services = await server.GetJsonAsync("api/services");
        var svc = Assert.Single(services.GetProperty("services").EnumerateArray(), s => s.GetProperty("name").GetString() == service);
        Assert.Equal(3, svc.GetProperty("spanCount").GetInt64());
        Assert.Equal(1, svc.GetProperty("errorCount").GetInt64());

        var logsFound = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/logs?service={service}&minSeverity=ERROR"),
            l => l.GetProperty("logs").GetArrayLength() > 0,
            "the error log to be stored");
        var log = logsFound.GetProperty("logs")[0];
        Assert.Equal("ERROR", log.GetProperty("level").GetString());
        Assert.Contains("could not be updated", log.GetProperty("body").GetString());
        // The SDK's log exporter sends the short type name.
        Assert.EndsWith("InvalidOperationException", log.GetProperty("exceptionType").GetString());

        var metrics = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/metrics?service={service}"),
            m => m.GetProperty("metrics").GetArrayLength() >= 2,
            "the metrics to be stored");
        var names = metrics.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains("http.server.request.duration", names);
        Assert.Contains("cart.items.added", names);
    }
}
