using Argus.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Argus.Web.Tests;

/// <summary>
/// The real Argus server (as the integration tests start it) with a small shop's telemetry sent over OTLP/JSON, and
/// Debian's Chromium driven by Playwright in a new, empty profile. Playwright's own browser download is never used.
/// </summary>
public sealed partial class ConsoleFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The statement of the slow query in the slow trace.</summary>
    public const string SlowSql = "SELECT o.id, o.total FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = 42";

    private IPlaywright? _playwright;
    private string? _profile;

    public ArgusTestServer Server { get; private set; } = null!;

    public IBrowserContext Browser { get; private set; } = null!;

    /// <summary>The trace with the 1.2 s query.</summary>
    public string SlowTraceId { get; } = OtlpJson.NewTraceId();

    public string ReadKey { get; private set; } = null!;

    /// <summary>Where the screenshots go: the test output folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The console's end-to-end tests need Debian's Chromium at {ChromiumPath}: apt-get install -y chromium (./test.sh installs it).");
        }

        // Alert rules and deployment checks are evaluated often, so a rule fires and a check runs while a test waits;
        // live pages recheck their key every second (a minute by default), so a revocation shows at once.
        Server = await ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Alerting:TickInterval"] = "00:00:00.250",
            ["Argus:ChangeTracking:TickInterval"] = "00:00:01",
            ["Argus:Console:SessionRecheckInterval"] = "00:00:01",
        });
        ReadKey = await CreateReadKeyAsync();
        await SendShopTelemetryAsync();
        await SendOrderTrafficAsync();
        await SendShopMetricsAsync();

        _playwright = await Playwright.CreateAsync();
        _profile = Directory.CreateTempSubdirectory("argus-chromium-").FullName;
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Timeout = 60_000,
        });
        Browser.SetDefaultTimeout(20_000);
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (_profile is not null)
        {
            ArgusTestServer.TryDelete(_profile);
        }
    }

    private async Task<string> CreateReadKeyAsync()
    {
        using var client = Server.ApiClient();
        using var response = await client.PostAsync("api/keys", new StringContent("""{"name":"console-test","role":"read"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    // shop-frontend GET /checkout → order-service POST /orders → a SELECT of 1.2 s; and fast traces with an error.
    private async Task SendShopTelemetryAsync()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var root = OtlpJson.NewSpanId();
        var call = OtlpJson.NewSpanId();
        var server = OtlpJson.NewSpanId();
        var frontend = new List<string>
        {
            OtlpJson.Span(SlowTraceId, root, null, "GET /checkout", 2, now, 1500, attributes: [("http.request.method", "GET"), ("http.route", "/checkout")]),
            OtlpJson.Span(SlowTraceId, call, root, "POST", 3, now.AddMilliseconds(20), 1450, attributes: [("http.request.method", "POST"), ("url.full", "http://order-service/orders")]),
        };
        var orders = new List<string>
        {
            OtlpJson.Span(SlowTraceId, server, call, "POST /orders", 2, now.AddMilliseconds(30), 1400, attributes: [("http.request.method", "POST"), ("http.route", "/orders")]),
            OtlpJson.Span(SlowTraceId, OtlpJson.NewSpanId(), server, "SELECT shop.orders", 3, now.AddMilliseconds(60), 1200,
                attributes: [("db.system", "postgresql"), ("db.name", "shop"), ("db.statement", SlowSql)]),
        };
        for (var i = 0; i < 5; i++)
        {
            var trace = OtlpJson.NewTraceId();
            var fastRoot = OtlpJson.NewSpanId();
            var start = now.AddSeconds(10 + i);
            frontend.Add(OtlpJson.Span(trace, fastRoot, null, "GET /products", 2, start, 40 + i, status: i == 4 ? 2 : 0,
                attributes: [("http.request.method", "GET"), ("http.route", "/products")],
                events: i == 4 ? """{"name":"exception","timeUnixNano":"0","attributes":[{"key":"exception.type","value":{"stringValue":"System.TimeoutException"}},{"key":"exception.message","value":{"stringValue":"catalog timed out"}}]}""" : null));
        }

        foreach (var (service, spans) in new[] { ("shop-frontend", frontend), ("order-service", orders) })
        {
            using var response = await Server.PostOtlpJsonAsync("traces", OtlpJson.Traces(service, spans));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await ArgusTestServer.EventuallyAsync(
            () => Server.GetJsonAsync($"api/traces/{SlowTraceId}").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.GetProperty("spanCount").GetInt32() : 0, TaskScheduler.Default),
            count => count == 4, "the slow trace to be stored");
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
