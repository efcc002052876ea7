using System.Net;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>The keys a metric's series can be grouped by, over HTTP: what the console's group-by choices come from.</summary>
public sealed class MetricAttributesApiTests
{
    [Fact]
    public async Task A_metrics_group_by_keys_are_its_point_keys_then_its_resource_keys_and_an_unknown_metric_is_a_404()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        var gauge = OtlpJson.Gauge("queue.depth", "{message}", [(at, 4, [("queue", "orders")]), (at, 1, [("queue", "emails"), ("region", "eu")])]);
        var other = OtlpJson.Gauge("cpu.load", "1", [(at, 0.5, [("core", "0")])]);
        using (var posted = await server.PostOtlpJsonAsync("metrics", OtlpJson.Metrics("shop", [gauge, other])))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync("api/metrics?service=shop"),
            m => m.GetProperty("metrics").GetArrayLength() == 2,
            "the gauges to be stored");

        var answer = await server.GetJsonAsync("api/metrics/queue.depth/attributes?from=now-1h");

        Assert.Equal("queue.depth", answer.GetProperty("name").GetString());
        Assert.Equal(["queue", "region", "service.name"], answer.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        var ofShop = await server.GetJsonAsync("api/metrics/queue.depth/attributes?service=shop");
        Assert.Equal(3, ofShop.GetProperty("keys").GetArrayLength());

        // The keys a key picks must group the series: the API's own groupBy takes them.
        var grouped = await server.GetJsonAsync("api/metrics/queue.depth/series?groupBy=region&agg=max");
        Assert.Equal(["", "eu"], grouped.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("labels").GetProperty("region").GetString()).Order());

        using var client = server.ApiClient();
        foreach (var path in new[] { "api/metrics/queue.dept/attributes", "api/metrics/queue.depth/attributes?service=billing" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("No metric named 'queue.dep", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        }

        using var badRange = await client.GetAsync("api/metrics/queue.depth/attributes?from=yesterday-ish");
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
    }
}
