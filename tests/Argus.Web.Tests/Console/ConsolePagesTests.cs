using Argus.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>The console end to end, in real Chromium against the real server: sign-in, the pages, the waterfall.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsolePagesTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Sign_in_then_services_a_service_trace_search_and_the_slow_traces_waterfall_with_its_sql()
    {
        await GoAsync("/");
        Assert.Contains("/signin", Page.Url, StringComparison.Ordinal);
        await ShotAsync("signin");
        await SignInAsync(Fixture.ReadKey);
        await WaitForCircuitAsync();
        await Expect(Page.Locator("#tile-services")).ToContainTextAsync("2 services");
        await ShotAsync("walk-home");

        await Page.ClickAsync(".console-nav >> text=Services");
        await Page.WaitForURLAsync("**/services");
        var services = Page.Locator("#services");
        await Expect(services).ToContainTextAsync("order-service");
        await Expect(services.Locator("tr", new() { HasText = "shop-frontend" })).ToContainTextAsync("16.7 %"); // 1 of 6 requests failed
        await ShotAsync("services");

        await services.Locator("a", new() { HasText = "order-service" }).ClickAsync();
        await Page.WaitForURLAsync("**/services/order-service");
        await Expect(Page.Locator("#endpoints")).ToContainTextAsync("POST /orders");
        await ShotAsync("service");

        await GoAsync("/traces");
        await WaitForCircuitAsync();
        await Page.FillAsync("#search-service", "shop-frontend");
        await Page.FillAsync("#search-min-duration", "1000");
        await Page.ClickAsync("#search-submit");
        await Page.WaitForURLAsync("**/traces?*minDurationMs=1000*");
        Assert.Contains("service=shop-frontend", Page.Url, StringComparison.Ordinal);
        var rows = Page.Locator("#traces tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("GET /checkout");
        await ShotAsync("traces");

        await rows.First.Locator("a.trace-link").ClickAsync();
        await Page.WaitForURLAsync($"**/traces/{Fixture.SlowTraceId}");
        var sqlRow = Page.Locator(".wf-row", new() { HasText = "SELECT shop.orders" });
        await Expect(sqlRow.Locator(".wf-detail.sql")).ToHaveTextAsync(ConsoleFixture.SlowSql);
        await Expect(sqlRow.Locator(".wf-duration")).ToHaveTextAsync("1200 ms");
        await Expect(sqlRow.Locator(".wf-service")).ToHaveTextAsync("order-service");
        await Expect(Page.Locator("#trace-summary")).ToContainTextAsync("4 spans");
        await ShotAsync("trace");

        // Collapsing the root hides its subtree; expanding shows it again.
        await Page.Locator(".wf-row").First.Locator(".wf-toggle").ClickAsync();
        await Expect(Page.Locator(".wf-row")).ToHaveCountAsync(1);
        await Page.Locator(".wf-row").First.Locator(".wf-toggle").ClickAsync();
        await Expect(Page.Locator(".wf-row")).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task The_sign_in_redirect_keeps_the_deep_link_and_sign_out_ends_the_session()
    {
        var deepLink = $"/traces/{Fixture.SlowTraceId}?range=24h";
        await GoAsync(deepLink);
        Assert.Contains("/signin?returnUrl=", Page.Url, StringComparison.Ordinal);
        await SignInAsync(Fixture.ReadKey);
        await Page.WaitForURLAsync($"**{deepLink}");
        await WaitForCircuitAsync();
        await Expect(Page.Locator("#waterfall")).ToContainTextAsync("GET /checkout");
        await Expect(Page.Locator("#time-range-select")).ToHaveAttributeAsync("current-value", "24h");

        var cookie = Assert.Single(await Fixture.Browser.CookiesAsync(), c => c.Name == Authentication.ConsoleAuthentication.CookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        await Page.ClickAsync("#sign-out");
        await Page.WaitForURLAsync("**/signin?returnUrl=*");
        await GoAsync("/services");
        Assert.Contains("/signin", Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_says_so_and_an_off_site_return_url_is_not_followed()
    {
        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString("//evil.example/"));
        await SignInAsync("argus_not-a-key-of-this-server-0123456789abcdef");
        await Expect(Page.Locator("#signin-problem")).ToHaveTextAsync("This API key is unknown or has been revoked.");
        await ShotAsync("signin-refused");
        Assert.DoesNotContain(await Fixture.Browser.CookiesAsync(), c => c.Name == Authentication.ConsoleAuthentication.CookieName);

        await SignInAsync(ArgusTestServer.AdminKey);
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.StartsWith(Fixture.Server.ApiUrl.ToString(), Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_service_or_trace_gets_a_page_that_says_so()
    {
        await GoAsync("/signin");
        await SignInAsync(Fixture.ReadKey);
        await GoAsync("/services/no-such-service");
        await Expect(Page.Locator("#service-unknown")).ToContainTextAsync("No service named 'no-such-service'");
        await GoAsync($"/traces/{OtlpJson.NewTraceId()}");
        await Expect(Page.Locator("#trace-unknown")).ToContainTextAsync("Unknown trace");
        await GoAsync("/traces/not-hex");
        await Expect(Page.Locator("#trace-unknown")).ToContainTextAsync("is not a trace id");

        // The console is on the API listener only.
        using var otlp = Fixture.Server.OtlpClient(null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await otlp.GetAsync("signin")).StatusCode);
    }

    [Fact]
    public async Task A_trace_of_10050_spans_is_cut_at_10000_and_scrolls_virtualized()
    {
        var trace = OtlpJson.NewTraceId();
        var root = OtlpJson.NewSpanId();
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        var spans = new List<string> { OtlpJson.Span(trace, root, null, "GET /batch", 2, start, 5_000) };
        spans.AddRange(Enumerable.Range(0, 10_049).Select(i =>
            OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, $"step {i:00000}", 1, start.AddTicks(i * 4_000), 0.3)));
        foreach (var chunk in spans.Chunk(1_000))
        {
            using var response = await Fixture.Server.PostOtlpJsonAsync("traces", OtlpJson.Traces("batch-job", chunk));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync($"api/traces/{trace}?maxSpans=1").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("spanCount").GetInt32() : 0, TaskScheduler.Default),
            count => count == 10_050, "the large trace to be stored");

        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString($"/traces/{trace}"));
        await SignInAsync(Fixture.ReadKey);
        await WaitForCircuitAsync();
        await Expect(Page.Locator("#trace-cut")).ToContainTextAsync("Showing the first 10,000 of 10,050 spans");
        await Expect(Page.Locator(".wf-row", new() { HasText = "step 00000" })).ToBeVisibleAsync();
        Assert.InRange(await Page.Locator(".wf-row").CountAsync(), 1, 200);

        await Page.Locator(".wf-body").EvaluateAsync("body => body.scrollTop = body.scrollHeight");
        await Expect(Page.Locator(".wf-row", new() { HasText = "step 09998" })).ToBeVisibleAsync();
        Assert.InRange(await Page.Locator(".wf-row").CountAsync(), 1, 200);
        await ShotAsync("trace-10000");
    }

    [Fact]
    public async Task Logs_newest_first_cut_at_200_filtered_by_the_url_with_a_trace_link()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-4);
        var records = Enumerable.Range(0, 205).Select(i => OtlpJson.LogRecord(start.AddMilliseconds(i), 9, "Information", $"stock checked {i:000}")).ToList();
        records.Add(OtlpJson.LogRecord(start.AddSeconds(30), 17, "Error", "payment declined for order 42", Fixture.SlowTraceId));
        await PostAsync("logs", OtlpJson.Logs("log-demo", records));

        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync("api/logs?service=log-demo&limit=1000").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("logs").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 206, "the logs to be stored");

        await OpenSignedInAsync("/logs?service=log-demo");
        var rows = Page.Locator("#logs tbody tr");
        await Expect(rows).ToHaveCountAsync(200);
        await Expect(Page.Locator("#logs-cut")).ToContainTextAsync("Showing 200 of more");
        await Expect(rows.First).ToContainTextAsync("payment declined for order 42");
        await Expect(rows.First.Locator(".severity")).ToHaveTextAsync("ERROR");
        await Expect(rows.Nth(1)).ToContainTextAsync("stock checked 204");
        await ShotAsync("logs");

        await Page.SelectOptionAsync("#logs-severity", "ERROR");
        await Page.ClickAsync("#logs-submit");
        await Page.WaitForURLAsync("**/logs?*minSeverity=ERROR*");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Page.Locator("#logs-cut")).ToHaveCountAsync(0);
        await rows.First.Locator("a.trace-link").ClickAsync();
        await Page.WaitForURLAsync($"**/traces/{Fixture.SlowTraceId}");
        await Expect(Page.Locator("#waterfall")).ToContainTextAsync("GET /checkout");

        await GoAsync("/logs?service=log-demo&query=STOCK+CHECKED+007");
        await Expect(rows).ToHaveCountAsync(1);
        await GoAsync("/logs?service=log-demo&traceId=nope");
        await Expect(Page.Locator(".fluent-messagebar, fluent-message-bar").First).ToContainTextAsync("'nope' is not a trace id");
    }

    [Fact]
    public async Task Sql_statements_by_fingerprint_sorted_by_the_url_link_to_the_services_traces()
    {
        var trace = OtlpJson.NewTraceId();
        var root = OtlpJson.NewSpanId();
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        var spans = new List<string> { OtlpJson.Span(trace, root, null, "GET /report", 2, start, 900) };
        // Ten quick lookups with different literals (one fingerprint) and one slow report query.
        spans.AddRange(Enumerable.Range(0, 10).Select(i => OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "SELECT shop.customers", 3, start.AddMilliseconds(i * 5), 2,
            attributes: [("db.system", "postgresql"), ("db.statement", $"SELECT name FROM customers WHERE id = {i + 100}")])));
        spans.Add(OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "SELECT shop.sales", 3, start.AddMilliseconds(60), 700,
            attributes: [("db.system", "postgresql"), ("db.statement", "SELECT sum(total) FROM sales WHERE day > '2026-01-01'")]));
        await PostAsync("traces", OtlpJson.Traces("report-service", spans));

        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync("api/sql?service=report-service").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("statements").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 2, "the statements to be stored");

        await OpenSignedInAsync("/sql?service=report-service");
        var rows = Page.Locator("#sql tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync("sales");
        await Expect(rows.First).ToContainTextAsync("700 ms");
        await Expect(rows.Nth(1)).ToContainTextAsync("SELECT");
        await Expect(rows.Nth(1).Locator("td").Nth(3)).ToHaveTextAsync("10");
        Assert.DoesNotContain("101", await rows.Nth(1).Locator("td.statement").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync("walk-sql");

        await Page.ClickAsync("#order-count");
        await Page.WaitForURLAsync("**/sql?*orderBy=count*");
        await Expect(rows.First).ToContainTextAsync("customers");
        await rows.First.Locator("a.traces-link").ClickAsync();
        await Page.WaitForURLAsync("**/traces?*service=report-service*");
        await Expect(Page.Locator("#traces")).ToContainTextAsync("GET /report");
    }

    [Fact]
    public async Task Top_issues_then_one_issue_with_its_counts_and_latest_records_and_an_unknown_issue_says_so()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        var records = Enumerable.Range(0, 6).Select(i =>
            OtlpJson.LogRecord(start.AddSeconds(i), 17, "Error", $"inventory sync failed for sku {1000 + i}", i == 5 ? Fixture.SlowTraceId : null)).ToList();
        records.Add(OtlpJson.LogRecord(start.AddSeconds(10), 13, "Warning", "cache warm-up slow"));
        await PostAsync("logs", OtlpJson.Logs("issue-demo", records));

        await ArgusTestServer.EventuallyAsync(
            () => Fixture.Server.GetJsonAsync("api/issues?service=issue-demo").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("issues").GetArrayLength() : 0, TaskScheduler.Default),
            count => count == 2, "the issues to be counted");

        await OpenSignedInAsync("/issues?service=issue-demo");
        var rows = Page.Locator("#issues tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync("inventory sync failed");
        await Expect(rows.First.Locator("td").Nth(3)).ToHaveTextAsync("6");
        await Expect(rows.First.Locator(".flag.new")).ToBeVisibleAsync();
        await Expect(rows.Nth(1)).ToContainTextAsync("cache warm-up slow");
        await ShotAsync("walk-issues");

        await rows.First.Locator("a.issue-link").ClickAsync();
        await Page.WaitForURLAsync("**/issues/*");
        await Expect(Page.Locator("#issue-title")).ToContainTextAsync("inventory sync failed");
        await Expect(Page.Locator("#issue-summary")).ToContainTextAsync("6 in the range");
        await Expect(Page.Locator("#issue-samples tbody tr")).ToHaveCountAsync(6);
        await Expect(Page.Locator("#issue-samples tbody tr").First).ToContainTextAsync("sku 1005");
        var steps = Page.Locator("#issue-counts tbody tr");
        Assert.InRange(await steps.CountAsync(), 12, 13); // the last hour in whole 5-minute steps
        Assert.Equal(6, (await steps.Locator("td.n").AllInnerTextsAsync()).Sum(int.Parse));
        await ShotAsync("walk-issue");
        await Page.Locator("#issue-samples a.trace-link").ClickAsync();
        await Page.WaitForURLAsync($"**/traces/{Fixture.SlowTraceId}");

        await GoAsync("/issues/0123456789abcdef");
        await Expect(Page.Locator("#issue-unknown")).ToContainTextAsync("Unknown issue");
        await GoAsync("/issues/zz");
        await Expect(Page.Locator("#issue-unknown")).ToContainTextAsync("is not an issue id");
    }
}
