using Argus.IntegrationTests.Infrastructure;

namespace Argus.Web.Tests;

// The telemetry the service and metrics pages are tested on, beside the shop's traces in ConsoleFixture.cs.
public sealed partial class ConsoleFixture
{
    /// <summary>The version of order-service's deployment, 20 minutes before the end of its traffic.</summary>
    public const string DeployedVersion = "v2.4.1";

    /// <summary>Where order-service's orders go to be paid: its one external call besides the database.</summary>
    public const string PaymentsHost = "payments.example";

    /// <summary>How long before the tests start order-service's traffic ends: out of the last hour that the home, services and SQL tests count.</summary>
    public static readonly TimeSpan OrderTrafficAge = TimeSpan.FromMinutes(70);

    // order-service for 50 minutes, ending 70 minutes ago: GET /orders/{id} busy and fast, POST /orders (calling
    // payments and inserting a row, slower after the deployment 20 minutes before the end, a declined payment every 7
    // minutes), DELETE rare and slow. So its charts have lines, a marker, and its endpoints sort differently by
    // requests and by p95.
    private async Task SendOrderTrafficAsync()
    {
        var now = DateTimeOffset.UtcNow - OrderTrafficAge;
        var spans = new List<string>();
        for (var minute = 50; minute >= 1; minute--)
        {
            var at = now.AddMinutes(-minute);
            var slow = minute <= 20;
            for (var i = 0; i < 6; i++)
            {
                spans.Add(OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /orders/{id}", 2, at.AddSeconds(i * 10), 5 + i,
                    attributes: [("http.request.method", "GET"), ("http.route", "/orders/{id}")]));
            }

            for (var i = 0; i < 4; i++)
            {
                var trace = OtlpJson.NewTraceId();
                var root = OtlpJson.NewSpanId();
                var start = at.AddSeconds(5 + (i * 15));
                var declined = i == 0 && minute % 7 == 0;
                spans.Add(OtlpJson.Span(trace, root, null, "POST /orders", 2, start, (slow ? 180 : 40) + (i * 15), status: declined ? 2 : 0,
                    attributes: [("http.request.method", "POST"), ("http.route", "/orders")],
                    events: declined ? """{"name":"exception","timeUnixNano":"0","attributes":[{"key":"exception.type","value":{"stringValue":"PaymentDeclinedException"}},{"key":"exception.message","value":{"stringValue":"card declined"}}]}""" : null));
                spans.Add(OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "POST", 3, start.AddMilliseconds(2), (slow ? 150 : 25) + i, status: declined ? 2 : 0,
                    attributes: [("http.request.method", "POST"), ("server.address", PaymentsHost), ("url.full", $"https://{PaymentsHost}/charges")]));
                spans.Add(OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "INSERT shop.orders", 3, start.AddMilliseconds(30), 3 + i,
                    attributes: [("db.system", "postgresql"), ("db.name", "shop"), ("db.statement", $"INSERT INTO orders (customer_id, total) VALUES ({minute}, {i * 10})")]));
            }

            if (minute % 5 == 0)
            {
                spans.Add(OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "DELETE /orders/{id}", 2, at.AddSeconds(30), 600 + (minute * 5),
                    attributes: [("http.request.method", "DELETE"), ("http.route", "/orders/{id}")]));
            }
        }

        foreach (var chunk in spans.Chunk(400))
        {
            using var response = await Server.PostOtlpJsonAsync("traces", OtlpJson.Traces("order-service", chunk));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        using var client = Server.ApiClient();
        var deployment = $$"""{"applications":["order-service"],"version":"{{DeployedVersion}}","environment":"production","startedAt":"{{now.AddMinutes(-20):O}}"}""";
        using (var response = await client.PostAsync("api/deployments", new StringContent(deployment, System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await ArgusTestServer.EventuallyAsync(
            () => Server.GetJsonAsync("api/sql?service=order-service&from=now-3h").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("statements").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 2, "order-service's traffic to be stored");
    }

    // shop-frontend's metrics over the last 30 minutes, a point a minute: a gauge per queue, and a request duration
    // histogram per route whose /checkout requests turn slow 10 minutes ago.
    private async Task SendShopMetricsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var minutes = Enumerable.Range(1, 30).Select(m => (Minute: m, At: now.AddMinutes(-m))).ToList();
        var gauge = OtlpJson.Gauge("queue.depth", "{message}", minutes.SelectMany(m => new[]
        {
            (m.At, 10.0 + (m.Minute % 6), new[] { ("queue", "orders") }),
            (m.At, 2.0 + (m.Minute % 3), new[] { ("queue", "emails") }),
        }));
        var histogram = OtlpJson.Histogram("http.server.request.duration", "ms", [10, 50, 100, 500, 1000], TimeSpan.FromMinutes(1), minutes.SelectMany(m => new[]
        {
            (m.At, new long[] { 20, 30, 5, 1, 0, 0 }, 1_400.0, new[] { ("http.route", "/products") }),
            (m.At, m.Minute <= 10 ? new long[] { 0, 0, 1, 4, 6, 2 } : new long[] { 0, 2, 6, 2, 0, 0 }, m.Minute <= 10 ? 9_000.0 : 1_200.0, new[] { ("http.route", "/checkout") }),
        }));
        using (var response = await Server.PostOtlpJsonAsync("metrics", OtlpJson.Metrics("shop-frontend", [gauge, histogram])))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await ArgusTestServer.EventuallyAsync(
            () => Server.GetJsonAsync("api/metrics?service=shop-frontend").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("metrics").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 2, "shop-frontend's metrics to be stored");
    }
}
