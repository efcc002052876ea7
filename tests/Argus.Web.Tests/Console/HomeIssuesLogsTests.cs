using System.Net.Http.Json;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;
using Argus.Operations.ChangeTracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>
/// The home (services with sparklines and their change, the firing alert, the deployment's verdict, top issues, "Get
/// started" for a tenant without data), the live tail, an issue's flags and versions, and SQL's example traces, in
/// real Chromium against the real server of <see cref="ConsoleFixture"/>.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class HomeIssuesLogsTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Home_shows_each_service_with_sparklines_and_change_the_firing_alert_the_deployment_and_the_top_issue()
    {
        // The same hour a day before: shop-frontend served 12 requests without an error (now: 6 with 1 failed).
        var dayBefore = DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(-5);
        await PostAsync("traces", OtlpJson.Traces("shop-frontend", Enumerable.Range(0, 12).Select(i =>
            OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /products", 2, dayBefore.AddSeconds(i), 30,
                attributes: [("http.request.method", "GET"), ("http.route", "/products")]))));

        // A rule that fires on the errors of alert-demo, and the errors.
        var run = Guid.NewGuid().ToString("N")[..6];
        var rule = $"Disk-{run}";
        using (var client = Fixture.Server.ApiClient())
        {
            using var created = await client.PostAsJsonAsync("api/alert-rules", new
            {
                name = rule, kind = "log_count", service = "alert-demo", threshold = 2, logLevel = "ERROR", window = "00:10:00", evaluateEvery = "00:00:01",
            });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var now = DateTimeOffset.UtcNow.AddSeconds(-20);
        await PostAsync("logs", OtlpJson.Logs("alert-demo", Enumerable.Range(0, 3).Select(i =>
            OtlpJson.LogRecord(now.AddSeconds(i), 17, "Error", $"disk full on node {i}"))));

        // A deployment of shop-frontend a quarter of an hour ago with one check, due already.
        var version = $"2.4.{Random.Shared.Next(100, 999)}";
        string deploymentId;
        using (var client = Fixture.Server.ApiClient())
        {
            using var created = await client.PostAsJsonAsync("api/deployments", new
            {
                applications = new[] { "shop-frontend" }, version, environment = "production",
                startedAt = DateTimeOffset.UtcNow.AddMinutes(-15).ToString("O"), checks = new[] { "+10m" },
            });
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.IsSuccessStatusCode, body);
            deploymentId = JsonDocument.Parse(body).RootElement.GetProperty("deployment").GetProperty("id").GetString()!;
        }

        await ArgusTestServer.EventuallyAsync(
            async () => (await Fixture.Server.GetJsonAsync("api/alerts?state=firing")).GetProperty("alerts").EnumerateArray()
                .Any(a => a.GetProperty("ruleName").GetString() == rule),
            firing => firing, "the rule to fire", 30_000);
        // Read from the deployment store itself: GET api/deployments/{id} answers 500 once a verdict holds an infinite
        // ratio (the API's JSON options refuse Infinity; reported, not the console's).
        var store = Fixture.Server.Services.GetRequiredService<IDeploymentStore>();
        var verdict = await ArgusTestServer.EventuallyAsync(
            async () => (await store.GetChecksAsync("default", deploymentId, default)).Select(c => c.Verdict?.State).FirstOrDefault(s => s is not null),
            state => state is not null, "the deployment's check to give a verdict", 60_000);

        await OpenSignedInAsync("/");
        var frontend = Page.Locator("#home-services tr[data-service='shop-frontend']");
        await Expect(frontend.Locator("svg.sparkline")).ToHaveCountAsync(3);
        // 6 requests now against 12 a day before; 1 of 6 failed against none: worse by 16.7 points.
        await Expect(frontend.Locator(".requests .change").First).ToContainTextAsync("−50 %");
        var errorChange = frontend.Locator(".errors .change").First;
        await Expect(errorChange).ToContainTextAsync("+16.7 pt");
        await Expect(errorChange).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bworse\\b"));
        // A week before there was nothing: no earlier figure to compare the rate with.
        await Expect(frontend.Locator(".errors .change").Nth(1)).ToContainTextAsync("no data");
        Assert.True(await frontend.Locator(".requests rect").CountAsync() >= 30, "a bar per step of the requests sparkline");
        await Expect(Page.Locator("#home-services tr[data-service='order-service']")).ToContainTextAsync("1400 ms");

        await Expect(Page.Locator("#home-alerts")).ToContainTextAsync(rule);
        var deployment = Page.Locator("#home-deployments li", new() { HasText = version });
        await Expect(deployment).ToContainTextAsync("shop-frontend");
        await Expect(deployment.Locator(".verdict")).ToHaveTextAsync(verdict!);
        await Expect(Page.Locator("#home-issues")).ToContainTextAsync("disk full on node");
        await Expect(Page.Locator("#home-issues li", new() { HasText = "disk full on node" }).Locator("svg.sparkline")).ToHaveCountAsync(1);
        await ShotAsync("home");

        await Page.Locator("#home-issues a.issue-link", new() { HasText = "disk full on node" }).ClickAsync();
        await Page.WaitForURLAsync("**/issues/*");
        await Expect(Page.Locator("#issue-title")).ToContainTextAsync("disk full on node");
    }

    [Fact]
    public async Task Get_started_shows_the_endpoints_key_and_snippets_on_a_tenant_without_telemetry()
    {
        using var admin = Fixture.Server.ApiClient();
        using var created = await admin.PostAsJsonAsync("api/tenants", new { id = "empty-" + Guid.NewGuid().ToString("N")[..8], name = "Nothing yet" });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        var key = JsonDocument.Parse(body).RootElement.GetProperty("adminKey").GetProperty("key").GetString()!;

        await OpenSignedInAsync("/", key);
        await Expect(Page.Locator("#get-started")).ToBeVisibleAsync();
        await Expect(Page.Locator("#home-services")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#otlp-grpc")).ToHaveTextAsync(Fixture.Server.OtlpGrpcUrl.ToString());
        await Expect(Page.Locator("#otlp-http")).ToHaveTextAsync(Fixture.Server.OtlpHttpUrl.ToString());
        var sdk = await Page.Locator("#snippet-sdk").InnerTextAsync();
        Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT={Fixture.Server.OtlpHttpUrl.ToString().TrimEnd('/')}", sdk, StringComparison.Ordinal);
        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS=x-argus-api-key=<ingest key>", sdk, StringComparison.Ordinal);
        var collector = await Page.Locator("#snippet-collector").InnerTextAsync();
        Assert.Contains($"endpoint: 127.0.0.1:{Fixture.Server.OtlpGrpcUrl.Port}", collector, StringComparison.Ordinal);
        await Expect(Page.Locator("#snippet-key")).ToContainTextAsync("\"role\": \"ingest\"");
        // The page never prints a secret, not even the key it was opened with.
        Assert.DoesNotContain(key, await Page.ContentAsync(), StringComparison.Ordinal);
        await ShotAsync("home-get-started");

        // The default tenant, which has telemetry, gets its services instead.
        await OpenSignedInAsync("/");
        await Expect(Page.Locator("#home-services")).ToBeVisibleAsync();
        await Expect(Page.Locator("#get-started")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_live_tail_shows_records_sent_after_the_page_opened_without_reload_and_holds_them_while_scrolled_down()
    {
        var service = "tail-" + Guid.NewGuid().ToString("N")[..6];
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await PostAsync("logs", OtlpJson.Logs(service, Enumerable.Range(0, 60).Select(i => OtlpJson.LogRecord(start.AddMilliseconds(i), 9, "Information", $"warming {i:00}"))));
        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync($"api/logs?service={service}&limit=100").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("logs").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 60, "the first records to be stored");

        await OpenSignedInAsync($"/logs?service={service}");
        await Page.ClickAsync("#logs-live");
        await Page.WaitForURLAsync("**/logs?*live=1*");
        await Expect(Page.Locator("#logs-live-status")).ToContainTextAsync("Live");
        // A mark in the page: a reload would lose it.
        await Page.EvaluateAsync("() => window.argusTailMark = 42");
        var rows = Page.Locator("#logs tbody tr");
        await Expect(rows).ToHaveCountAsync(60);

        await PostAsync("logs", OtlpJson.Logs(service, [OtlpJson.LogRecord(DateTimeOffset.UtcNow, 17, "Error", "payment declined for order 77", Fixture.SlowTraceId)]));
        await Expect(rows.First).ToContainTextAsync("payment declined for order 77", new() { Timeout = 15_000 });
        await Expect(rows).ToHaveCountAsync(61);
        Assert.Equal(42, await Page.EvaluateAsync<int>("() => window.argusTailMark"));
        await Expect(rows.First.Locator("a.trace-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(Fixture.SlowTraceId));
        await ShotAsync("logs-live");

        // Scrolled down, the next record is held back and counted; "Show them" puts it on top.
        await Page.Locator(".console-body").EvaluateAsync("body => body.scrollTop = body.scrollHeight");
        await PostAsync("logs", OtlpJson.Logs(service, [OtlpJson.LogRecord(DateTimeOffset.UtcNow, 13, "Warning", "stock low for sku 9")]));
        await Expect(Page.Locator("#logs-live-status")).ToContainTextAsync("1 new record", new() { Timeout = 15_000 });
        await Expect(rows.First).ToContainTextAsync("payment declined for order 77");
        await Page.ClickAsync("#logs-back-to-top");
        await Expect(rows.First).ToContainTextAsync("stock low for sku 9");
        await Expect(rows).ToHaveCountAsync(62);

        // Its issue link opens the issue; turning the tail off removes the live status.
        await rows.First.Locator("a.issue-link").ClickAsync();
        await Page.WaitForURLAsync("**/issues/*");
        await Expect(Page.Locator("#issue-title")).ToContainTextAsync("stock low for sku");
        await Page.GoBackAsync();
        await WaitForCircuitAsync();
        await Page.ClickAsync("#logs-live");
        await Expect(Page.Locator("#logs-live-status")).ToHaveCountAsync(0);
        Assert.DoesNotContain("live=1", Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issue_shows_its_trend_its_new_flag_its_stack_trace_and_the_versions_it_appeared_in()
    {
        var service = "pay-" + Guid.NewGuid().ToString("N")[..6];
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        const string Stack = "System.InvalidOperationException: card expired\n   at Shop.Payments.Charge(Order order) in Charge.cs:line 42";
        string Failure(int i) => $$"""
            {"timeUnixNano":"{{OtlpJson.Nanos(start.AddSeconds(i))}}","severityNumber":17,"severityText":"Error","body":{"stringValue":"charge failed"},
             "attributes":[{{OtlpJson.Attr("exception.type", "System.InvalidOperationException")}},{{OtlpJson.Attr("exception.message", "card expired")}},{{OtlpJson.Attr("exception.stacktrace", Stack)}}]}
            """;
        string Resource(string version, IEnumerable<int> records) => $$"""
            {"resource":{"attributes":[{{OtlpJson.Attr("service.name", service)}},{{OtlpJson.Attr("service.version", version)}}]},
             "scopeLogs":[{"scope":{"name":"test"},"logRecords":[{{string.Join(",", records.Select(Failure))}}]}]}
            """;
        await PostAsync("logs", $$"""{"resourceLogs":[{{Resource("3.1.0", Enumerable.Range(0, 3))}},{{Resource("3.2.0", Enumerable.Range(10, 5))}}]}""");
        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync($"api/issues?service={service}").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("issues").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 1, "the issue to be counted");

        await OpenSignedInAsync($"/issues?service={service}");
        var row = Page.Locator("#issues tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator(".flag.new")).ToBeVisibleAsync();
        await Expect(row.Locator("td.trend svg.sparkline rect")).Not.ToHaveCountAsync(0);
        await ShotAsync("issues");

        await row.Locator("a.issue-link").ClickAsync();
        await Page.WaitForURLAsync("**/issues/*");
        await Expect(Page.Locator("#issue-summary .flag.new")).ToBeVisibleAsync();
        await Expect(Page.Locator("#issue-stacktrace")).ToContainTextAsync("at Shop.Payments.Charge(Order order) in Charge.cs:line 42");
        var versions = Page.Locator("#issue-versions tbody tr");
        await Expect(versions).ToHaveCountAsync(2);
        await Expect(versions.Nth(0)).ToContainTextAsync("3.2.0");
        await Expect(versions.Nth(0).Locator("td.n")).ToHaveTextAsync("5");
        await Expect(versions.Nth(1)).ToContainTextAsync("3.1.0");
        await Expect(versions.Nth(1).Locator("td.n")).ToHaveTextAsync("3");
        await Expect(Page.Locator("#issue-chart rect")).Not.ToHaveCountAsync(0);
        await ShotAsync("issue");

        await GoAsync("/issues/fedcba9876543210");
        await Expect(Page.Locator("#issue-unknown")).ToContainTextAsync("Unknown issue");
    }

    [Fact]
    public async Task Sql_shows_each_statements_example_traces_slowest_first_and_they_open()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        var traces = new[] { (Id: OtlpJson.NewTraceId(), Ms: 250.0), (Id: OtlpJson.NewTraceId(), Ms: 40.0) };
        var spans = new List<string>();
        foreach (var (id, ms) in traces)
        {
            var root = OtlpJson.NewSpanId();
            spans.Add(OtlpJson.Span(id, root, null, "job stock-sync", 1, start, ms + 10));
            spans.Add(OtlpJson.Span(id, OtlpJson.NewSpanId(), root, "SELECT shop.stock", 3, start.AddMilliseconds(2), ms,
                attributes: [("db.system", "postgresql"), ("db.statement", $"SELECT qty FROM stock WHERE sku = {(int)ms}")]));
        }

        await PostAsync("traces", OtlpJson.Traces("order-service", spans));
        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync("api/sql?service=order-service").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("statements").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 2, "the statements to be stored");

        await OpenSignedInAsync("/sql?service=order-service");
        var stock = Page.Locator("#sql tbody tr", new() { HasText = "stock" });
        await Expect(stock.Locator("details.examples summary")).ToHaveTextAsync("2 example traces, slowest first");
        await stock.Locator("details.examples summary").ClickAsync();
        var examples = stock.Locator("a.example-trace");
        await Expect(examples).ToHaveTextAsync([traces[0].Id, traces[1].Id]);
        await Expect(stock.Locator(".example-duration")).ToHaveTextAsync(["250 ms", "40.0 ms"]);
        await ShotAsync("sql");

        await examples.First.ClickAsync();
        await Page.WaitForURLAsync($"**/traces/{traces[0].Id}");
        await Expect(Page.Locator(".wf-row", new() { HasText = "SELECT shop.stock" }).Locator(".wf-duration")).ToHaveTextAsync("250 ms");
    }
}
