using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Argus.IntegrationTests;

/// <summary>
/// The metric values API on what the OpenTelemetry .NET SDK's OTLP exporter sends (cumulative temporality, as it
/// defaults to): a counter, an observable gauge and a histogram with attributes, each checked against the values recorded.
/// </summary>
public sealed class MetricSeriesApiTests
{
    private const string Range = "from=now-1h&step=10m";

    private static Dictionary<string, List<JsonElement>> ByLabel(JsonElement answer, string key) =>
        answer.GetProperty("series").EnumerateArray()
            .Where(s => !s.GetProperty("other").GetBoolean())
            .ToDictionary(s => s.GetProperty("labels").GetProperty(key).GetString()!, s => s.GetProperty("points").EnumerateArray().ToList());

    private static double Total(List<JsonElement> points) => points.Sum(p => p.GetProperty("value").GetDouble());

    [Fact]
    public async Task Counter_gauge_and_histogram_from_the_sdk_are_answered_as_series()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var meter = new Meter("Argus.Tests.MetricSeries");
        var resource = ResourceBuilder.CreateEmpty().AddService("shop", serviceInstanceId: "pod-1");
        using (var provider = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(meter.Name)
                   .AddView("checkout.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [10, 50, 100] })
                   .AddOtlpExporter((o, reader) =>
                   {
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.Endpoint = new Uri(server.OtlpHttpUrl, "v1/metrics");
                       o.Headers = "x-argus-api-key=" + ArgusTestServer.AdminKey;
                       reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                       reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000; // exports only when flushed
                   })
                   .Build())
        {
            var orders = meter.CreateCounter<long>("orders.placed");
            meter.CreateObservableGauge("queue.depth", () => new[]
            {
                new Measurement<double>(42, new KeyValuePair<string, object?>("queue", "q1")),
                new Measurement<double>(7, new KeyValuePair<string, object?>("queue", "q2")),
            });
            var duration = meter.CreateHistogram<double>("checkout.duration", "ms");

            orders.Add(3, new KeyValuePair<string, object?>("route", "/a"));
            orders.Add(5, new KeyValuePair<string, object?>("route", "/b"));
            // Buckets (-inf,10] (10,50] (50,100] (100,+inf) get 10, 20, 10 and 0 observations.
            foreach (var (value, times) in new[] { (5.0, 10), (30.0, 20), (70.0, 10) })
            {
                for (var i = 0; i < times; i++)
                {
                    duration.Record(value, new KeyValuePair<string, object?>("route", "/a"));
                }
            }

            Assert.True(provider.ForceFlush());

            // The second export repeats the cumulative totals: only what grew in between may count.
            orders.Add(4, new KeyValuePair<string, object?>("route", "/a"));
            Assert.True(provider.ForceFlush());
        }

        var counter = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/metrics/orders.placed/series?groupBy=route&agg=increase&{Range}"),
            a => ByLabel(a, "route") is var s && s.TryGetValue("/a", out var p) && Total(p) == 7,
            "both exports of the counter");
        Assert.Equal("Sum", counter.GetProperty("kind").GetString());
        Assert.True(counter.GetProperty("monotonic").GetBoolean());
        Assert.Equal(5, Total(ByLabel(counter, "route")["/b"]));
        Assert.Equal(0, counter.GetProperty("otherSeriesCount").GetInt32());

        // The default for a counter is the rate per second of the step.
        var rate = await server.GetJsonAsync($"api/metrics/orders.placed/series?groupBy=route&{Range}");
        Assert.Equal("rate", rate.GetProperty("agg").GetString());
        Assert.Equal(7 / 600.0, Total(ByLabel(rate, "route")["/a"]), 9);

        var gauge = await server.GetJsonAsync($"api/metrics/queue.depth/series?groupBy=queue&agg=max&{Range}");
        var queues = ByLabel(gauge, "queue");
        Assert.Equal(["q1", "q2"], queues.Keys); // the larger first
        Assert.All(queues["q1"], p => Assert.Equal(42, p.GetProperty("value").GetDouble()));
        Assert.All(queues["q2"], p => Assert.Equal(7, p.GetProperty("value").GetDouble()));

        // No groupBy: one series per service.
        var perService = await server.GetJsonAsync($"api/metrics/checkout.duration/series?{Range}");
        Assert.Equal("p95", perService.GetProperty("agg").GetString());
        var shop = Assert.Single(perService.GetProperty("series").EnumerateArray());
        Assert.Equal("shop", shop.GetProperty("labels").GetProperty("service.name").GetString());
        Assert.Equal(50 + (50 * 0.8), Assert.Single(shop.GetProperty("points").EnumerateArray()).GetProperty("value").GetDouble(), 9);

        var byInstance = await server.GetJsonAsync($"api/metrics/checkout.duration/series?groupBy=service.instance.id,route&agg=p50&{Range}");
        var series = Assert.Single(byInstance.GetProperty("series").EnumerateArray());
        Assert.Equal("pod-1", series.GetProperty("labels").GetProperty("service.instance.id").GetString());
        Assert.Equal("/a", series.GetProperty("labels").GetProperty("route").GetString());
        Assert.Equal(30, Assert.Single(series.GetProperty("points").EnumerateArray()).GetProperty("value").GetDouble(), 9);

        var avg = await server.GetJsonAsync($"api/metrics/checkout.duration/series?agg=avg&{Range}");
        Assert.Equal(((10 * 5) + (20 * 30) + (10 * 70)) / 40.0, Total(ByLabel(avg, "service.name")["shop"]), 9);

        var heatmap = await server.GetJsonAsync($"api/metrics/checkout.duration/series?agg=heatmap&{Range}");
        Assert.Equal([10.0, 50, 100], heatmap.GetProperty("bounds").EnumerateArray().Select(b => b.GetDouble()));
        var counts = ByLabel(heatmap, "service.name")["shop"]
            .Select(p => p.GetProperty("bucketCounts").EnumerateArray().Select(c => c.GetInt64()).ToArray())
            .Aggregate((a, b) => [.. a.Zip(b, (x, y) => x + y)]);
        Assert.Equal([10L, 20, 10, 0], counts);
    }

    [Fact]
    public async Task Unknown_metrics_wrong_aggregations_and_limits_are_refused_with_reasons()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var point = $$"""{"asInt":"5","timeUnixNano":"{{Argus.Core.TimeRange.ToUnixNano(now.AddMinutes(-1))}}","startTimeUnixNano":"{{Argus.Core.TimeRange.ToUnixNano(now.AddMinutes(-5))}}"}""";
        var body = $$$"""
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},
              "scopeMetrics":[{"metrics":[{"name":"orders.placed","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{{{point}}}]}}]}]}]}
            """;
        using (var posted = await server.PostOtlpJsonAsync("metrics", body))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync("api/metrics?service=shop"),
            m => m.GetProperty("metrics").GetArrayLength() == 1,
            "the counter to be stored");

        using var client = server.ApiClient();
        async Task<(HttpStatusCode Status, string? Type, JsonElement Body)> Get(string path)
        {
            using var response = await client.GetAsync(path);
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var unknown = await Get("api/metrics/orders.placd/series");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("application/problem+json", unknown.Type);
        Assert.Contains("'orders.placd'", unknown.Body.GetProperty("detail").GetString());

        var wrongAgg = await Get("api/metrics/orders.placed/series?agg=p95");
        Assert.Equal(HttpStatusCode.BadRequest, wrongAgg.Status);
        Assert.Contains("must be one of rate, increase", wrongAgg.Body.GetProperty("errors").GetProperty("agg")[0].GetString());

        var limits = await Get("api/metrics/orders.placed/series?from=now-1d&step=1m&limit=101&groupBy=a,b,c,d&agg=median");
        Assert.Equal(HttpStatusCode.BadRequest, limits.Status);
        var errors = limits.Body.GetProperty("errors");
        Assert.Contains("more than 1000 buckets", errors.GetProperty("step")[0].GetString());
        Assert.Contains("from 1 to 100", errors.GetProperty("limit")[0].GetString());
        Assert.Contains("at most 3", errors.GetProperty("groupBy")[0].GetString());
        Assert.Contains("heatmap", errors.GetProperty("agg")[0].GetString());

        var typo = await Get("api/metrics/orders.placed/series?aggr=rate");
        Assert.Equal(HttpStatusCode.BadRequest, typo.Status);
        Assert.Contains("did you mean 'agg'", typo.Body.GetProperty("errors").GetProperty("aggr")[0].GetString());

        // An attribute no point has: one series with an empty value, not an error.
        var missing = await Get("api/metrics/orders.placed/series?groupBy=no.such.key&agg=increase&from=now-10m");
        Assert.Equal(HttpStatusCode.OK, missing.Status);
        var only = Assert.Single(missing.Body.GetProperty("series").EnumerateArray());
        Assert.Equal("", only.GetProperty("labels").GetProperty("no.such.key").GetString());
        Assert.Equal(5, only.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("value").GetDouble()));
    }
}
