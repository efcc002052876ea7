namespace Argus.Web.Tests.Console;

/// <summary>
/// The service page's RED charts, endpoint table and breakdowns, and the metrics page's charts, in real Chromium against
/// the real server with the fixture's order-service traffic and shop-frontend metrics.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ServiceAndMetricsTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task A_service_has_red_charts_with_its_deployment_a_sortable_endpoint_table_and_its_sql_calls_errors_and_issues()
    {
        // The fixture's order traffic is one to two hours old (out of the last hour that the other pages' tests count).
        await OpenSignedInAsync("/services?range=3h");
        await Page.Locator("#services a", new() { HasText = "order-service" }).ClickAsync();
        await Page.WaitForURLAsync("**/services/order-service?range=3h");

        // Three charts drawn on canvases, the legends naming their lines, the deployment marked on each.
        foreach (var chart in new[] { "#chart-throughput", "#chart-errors", "#chart-latency" })
        {
            await Expect(Page.Locator($"{chart} canvas")).ToHaveCountAsync(1);
            await Expect(Page.Locator($"{chart} .chart-marker")).ToHaveTextAsync("deploy " + ConsoleFixture.DeployedVersion);
        }

        var legend = Page.Locator("#chart-latency .u-legend");
        foreach (var p in new[] { "p50", "p90", "p95", "p99" })
        {
            await Expect(legend).ToContainTextAsync(p);
        }

        await Expect(Page.Locator("#chart-errors .u-legend")).ToContainTextAsync("error rate");
        // 50 minutes of 6 + 4 requests, a DELETE every 5 minutes, and the slow trace's POST /orders.
        await Expect(Page.Locator("#chart-throughput .chart-summary")).ToHaveTextAsync("511 requests");
        await Expect(Page.Locator("#chart-errors .chart-summary")).ToHaveTextAsync("7 errors, 1.4 %");
        var marker = await Page.Locator("#chart-throughput .chart-marker").BoundingBoxAsync();
        var plot = await Page.Locator("#chart-throughput .u-over").BoundingBoxAsync();
        Assert.NotNull(marker);
        Assert.NotNull(plot);
        // 90 of the range's 180 minutes before its end: about half way along the axis.
        Assert.InRange((marker.X - plot.X) / plot.Width, 0.4, 0.62);

        await Expect(Page.Locator("#service-sql")).ToContainTextAsync("INSERT INTO orders");
        await Expect(Page.Locator("#service-sql a").Last).ToHaveAttributeAsync("href", "/sql?range=3h&service=order-service");
        var call = Page.Locator("#service-calls tbody tr");
        await Expect(call).ToHaveCountAsync(1);
        await Expect(call.Locator("td").First).ToHaveTextAsync(ConsoleFixture.PaymentsHost);
        await Expect(call.Locator("td").Nth(1)).ToHaveTextAsync("200");
        await Expect(Page.Locator("#service-errors")).ToContainTextAsync("PaymentDeclinedException: card declined");
        await Expect(Page.Locator("#service-issues a.issue-link").First).ToContainTextAsync("PaymentDeclinedException");
        // The console scrolls inside its body, not the page: a taller window shows the whole page at the same width.
        await Page.SetViewportSizeAsync(1280, 1120);
        await ShotAsync("console-service");
        await Page.SetViewportSizeAsync(1280, 800);

        // Busiest first; by p95 the rare slow DELETE leads; clicking again turns the order round.
        var firstEndpoint = Page.Locator("#endpoints tbody tr").First.Locator("td").First;
        await Expect(firstEndpoint).ToHaveTextAsync("GET /orders/{id}");
        await Page.ClickAsync("#sort-p95");
        await Page.WaitForURLAsync("**/services/order-service?*sort=p95*");
        Assert.Contains("range=3h", Page.Url, StringComparison.Ordinal);
        Assert.Contains("dir=desc", Page.Url, StringComparison.Ordinal);
        await Expect(firstEndpoint).ToHaveTextAsync("DELETE /orders/{id}");
        await Expect(Page.Locator("#sort-p95")).ToHaveTextAsync("p95 ▼");
        await Page.ClickAsync("#sort-p95");
        await Page.WaitForURLAsync("**/services/order-service?*dir=asc*");
        await Expect(firstEndpoint).ToHaveTextAsync("GET /orders/{id}");
        await Page.ClickAsync("#sort-endpoint");
        await Page.WaitForURLAsync("**/services/order-service?*sort=endpoint*");
        await Expect(firstEndpoint).ToHaveTextAsync("DELETE /orders/{id}");

        // One endpoint: the address says which, the charts are its own.
        await Page.Locator("#endpoints a.endpoint-link", new() { HasText = "DELETE /orders/{id}" }).ClickAsync();
        await Page.WaitForURLAsync("**/services/order-service?*endpoint=DELETE*");
        await Expect(Page.Locator("#charts-of")).ToContainTextAsync("Requests of DELETE /orders/{id}");
        await Expect(Page.Locator("#chart-throughput .chart-summary")).ToHaveTextAsync("10 requests");
        await Expect(Page.Locator("#chart-errors .chart-summary")).ToHaveTextAsync("0 errors, 0.0 %");
        await Expect(Page.Locator("#chart-latency .chart-summary")).ToHaveTextAsync("p95 up to 850 ms"); // one DELETE a step, the slowest 850 ms
        await Expect(Page.Locator("#chart-latency canvas")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#endpoints tr.selected")).ToContainTextAsync("DELETE /orders/{id}");
        await Page.ClickAsync("#whole-service");
        await Expect(Page.Locator("#chart-throughput .chart-summary")).ToHaveTextAsync("511 requests");
        Assert.DoesNotContain("endpoint=", Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_lists_names_per_service_charts_a_gauge_grouped_by_an_attribute_and_a_histogram_as_percentiles_and_heatmap()
    {
        await OpenSignedInAsync("/");
        await Page.ClickAsync(".console-nav >> text=Metrics");
        await Page.WaitForURLAsync("**/metrics");
        var shop = Page.Locator(".metric-service[data-service=shop-frontend]");
        await Expect(shop.Locator("a.metric-link")).ToHaveTextAsync(["http.server.request.duration", "queue.depth"]);

        await shop.Locator("a.metric-link", new() { HasText = "queue.depth" }).ClickAsync();
        await Page.WaitForURLAsync("**/metrics?*metric=queue.depth*");
        Assert.Contains("service=shop-frontend", Page.Url, StringComparison.Ordinal);
        await Expect(Page.Locator("#metric-description")).ToContainTextAsync("gauge");
        await Expect(Page.Locator("#metric-chart canvas")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#metric-chart .u-legend")).ToContainTextAsync("shop-frontend");

        await WaitForCircuitAsync();
        await Page.SelectOptionAsync("#metric-group-by", "queue");
        await Page.WaitForURLAsync("**/metrics?*groupBy=queue*");
        var legend = Page.Locator("#metric-chart .u-legend");
        await Expect(legend).ToContainTextAsync("orders");
        await Expect(legend).ToContainTextAsync("emails");
        await Expect(legend).Not.ToContainTextAsync("shop-frontend");
        await Page.SelectOptionAsync("#metric-agg", "max");
        await Page.WaitForURLAsync("**/metrics?*agg=max*");
        await Expect(Page.Locator("#metric-chart figcaption")).ToContainTextAsync("max");
        await Expect(legend).ToContainTextAsync("orders");

        await Page.Locator("a.metric-link", new() { HasText = "http.server.request.duration" }).ClickAsync();
        await Page.WaitForURLAsync("**/metrics?*metric=http.server.request.duration*");
        Assert.DoesNotContain("groupBy=", Page.Url, StringComparison.Ordinal);
        legend = Page.Locator("#metric-chart .u-legend");
        foreach (var p in new[] { "p50", "p95", "p99" })
        {
            await Expect(legend).ToContainTextAsync(p);
        }

        // The heatmap paints a cell per step and bucket with observations: of the 30 minutes, the last 10 have 6 buckets
        // with observations (/checkout turned slow), the 20 before 4.
        var heatmap = Page.Locator("#metric-heatmap .chart-plot");
        await Expect(heatmap.Locator("canvas")).ToHaveCountAsync(1);
        await Expect(heatmap).ToHaveAttributeAsync("data-cells", "140");
        await ShotAsync("console-metrics");

        await Page.SelectOptionAsync("#metric-group-by", "http.route");
        await Page.WaitForURLAsync("**/metrics?*groupBy=http.route*");
        await Expect(legend).ToContainTextAsync("p95 · /checkout");
        await Expect(legend).ToContainTextAsync("p95 · /products");
    }

    [Fact]
    public async Task An_unknown_metric_or_an_unknown_aggregation_says_so()
    {
        await OpenSignedInAsync("/metrics?metric=no.such.metric");
        await Expect(Page.Locator("#metric-unknown")).ToContainTextAsync("No metric named 'no.such.metric'");
        await Expect(Page.Locator(".metric-service[data-service=shop-frontend]")).ToBeVisibleAsync();

        await GoAsync("/metrics?service=shop-frontend&metric=queue.depth&agg=p99");
        await Expect(Page.Locator(".fluent-messagebar, fluent-message-bar").First).ToContainTextAsync("'p99' is not an aggregation of this metric");
        await Expect(Page.Locator("#metric-chart canvas")).ToHaveCountAsync(1);

        await GoAsync("/services/order-service?endpoint=GET%20%2Fnowhere&sort=nonsense");
        await Expect(Page.Locator(".fluent-messagebar, fluent-message-bar").First).ToContainTextAsync("no request to 'GET /nowhere'");
        await Expect(Page.Locator("#charts-of")).ToContainTextAsync("all endpoints");
    }
}
