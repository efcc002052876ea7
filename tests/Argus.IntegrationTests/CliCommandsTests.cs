using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Argus.Cli;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>
/// The first fifteen minutes with the <c>argus</c> command line, against a real server fed over OTLP/JSON: what an empty
/// server says, traces, logs and alert rules, and times written as they are.
/// </summary>
public sealed class CliCommandsTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(ArgusTestServer server, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ArgusCli.RunAsync([.. args, "--url", server.ApiUrl.ToString(), "--api-key", ArgusTestServer.AdminKey], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<string> OkAsync(ArgusTestServer server, params string[] args)
    {
        var (code, output, error) = await RunAsync(server, args);
        Assert.True(code == 0, $"argus {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    private static async Task SendAsync(ArgusTestServer server, string signal, string body)
    {
        using var response = await server.PostOtlpJsonAsync(signal, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_list_of_an_empty_server_says_so_with_its_window()
    {
        await using var server = await ArgusTestServer.StartAsync();
        Assert.Equal("no services in the last 1h", (await OkAsync(server, "services")).Trim());
        Assert.Equal("no services in the last 15m", (await OkAsync(server, "services", "--since", "15m")).Trim());
        Assert.Equal("no issues in the last 1h", (await OkAsync(server, "issues", "top")).Trim());
        Assert.Equal("no incidents in the last 1d", (await OkAsync(server, "incidents", "list")).Trim());
        Assert.Equal("no incidents in the last 7d", (await OkAsync(server, "incidents", "list", "--since", "7d")).Trim());
        Assert.Equal("no traces in the last 1h", (await OkAsync(server, "traces")).Trim());
        Assert.Equal("no traces in the last 2h", (await OkAsync(server, "traces", "search", "--since", "2h")).Trim());
        Assert.Equal("no logs in the last 1h", (await OkAsync(server, "logs")).Trim());
        Assert.Equal("no logs in the last 30m", (await OkAsync(server, "logs", "search", "--since", "30m")).Trim());
        Assert.Equal("no alert rules", (await OkAsync(server, "rules")).Trim());
        Assert.Equal("no alert rules", (await OkAsync(server, "rules", "list")).Trim());
        Assert.Equal("no deployments", (await OkAsync(server, "deploy", "list")).Trim());
    }

    [Fact]
    public async Task Traces_are_listed_newest_first_filtered_and_shown_as_a_waterfall()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var slow = OtlpJson.NewTraceId();
        var fast = OtlpJson.NewTraceId();
        var (root, child, grandchild) = (OtlpJson.NewSpanId(), OtlpJson.NewSpanId(), OtlpJson.NewSpanId());
        await SendAsync(server, "traces", OtlpJson.Traces("checkout-api",
        [
            // The slow trace is the older one: the list must still put the newer first.
            OtlpJson.Span(slow, root, null, "POST /checkout", 2, now.AddMinutes(-10), 1200),
            OtlpJson.Span(slow, child, root, "reserve-stock", 1, now.AddMinutes(-10).AddMilliseconds(100), 900),
            OtlpJson.Span(slow, grandchild, child, "SELECT stock", 3, now.AddMinutes(-10).AddMilliseconds(150), 800, attributes: [("db.system", "postgresql")]),
            OtlpJson.Span(fast, OtlpJson.NewSpanId(), null, "GET /cart", 2, now.AddMinutes(-2), 15),
        ]));
        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/traces?service=checkout-api"), t => t.GetProperty("traces").GetArrayLength() == 2, "both traces");

        var list = await OkAsync(server, "traces", "--service", "checkout-api");
        Assert.True(list.IndexOf(fast, StringComparison.Ordinal) is var f and >= 0 && list.IndexOf(slow, StringComparison.Ordinal) > f, list);
        Assert.Contains("POST /checkout", list, StringComparison.Ordinal);

        var filtered = await OkAsync(server, "traces", "search", "--service", "checkout-api", "--min-duration", "1s", "--since", "30m");
        Assert.Contains(slow, filtered, StringComparison.Ordinal);
        Assert.DoesNotContain(fast, filtered, StringComparison.Ordinal);
        Assert.Contains(fast, await OkAsync(server, "traces", "--operation", "GET /cart"), StringComparison.Ordinal);

        var waterfall = await OkAsync(server, "traces", "show", slow);
        Assert.Contains($"trace {slow}", waterfall, StringComparison.Ordinal);
        var lines = waterfall.Split('\n');
        var rootLine = Array.FindIndex(lines, l => l.Contains("POST /checkout", StringComparison.Ordinal));
        var childLine = Array.FindIndex(lines, l => l.Contains("reserve-stock", StringComparison.Ordinal));
        var grandchildLine = Array.FindIndex(lines, l => l.Contains("SELECT stock", StringComparison.Ordinal));
        Assert.True(rootLine >= 0 && rootLine < childLine && childLine < grandchildLine, waterfall);

        // Each level is indented two more spaces than its parent.
        static int Indent(string line, string name)
        {
            var at = line.IndexOf(name, StringComparison.Ordinal);
            var spaces = 0;
            while (at - spaces - 1 >= 0 && line[at - spaces - 1] == ' ')
            {
                spaces++;
            }

            return spaces;
        }

        Assert.Equal(Indent(lines[rootLine], "POST /checkout") + 2, Indent(lines[childLine], "reserve-stock"));
        Assert.Equal(Indent(lines[childLine], "reserve-stock") + 2, Indent(lines[grandchildLine], "SELECT stock"));
        Assert.Contains("1,200", lines[rootLine], StringComparison.Ordinal);

        var missing = await RunAsync(server, "traces", "show", "0123456789abcdef0123456789abcdef");
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("argus: 404", missing.Error, StringComparison.Ordinal);
        Assert.Single(missing.Error.Trim().Split('\n'));

        var bad = await RunAsync(server, "traces", "show", "nope");
        Assert.Equal(1, bad.Code);
        Assert.Contains("32 hexadecimal characters", bad.Error, StringComparison.Ordinal);
        Assert.Single(bad.Error.Trim().Split('\n'));

        var badDuration = await RunAsync(server, "traces", "--min-duration", "slow");
        Assert.Equal(1, badDuration.Code);
        Assert.Equal("argus: --min-duration 'slow' is not a duration; use e.g. 250ms, 30s, 15m, 1h, 2d, 1w or hh:mm:ss.", badDuration.Error.Trim());
    }

    [Fact]
    public async Task Logs_are_searched_by_service_severity_text_and_trace_newest_first()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var trace = OtlpJson.NewTraceId();
        await SendAsync(server, "logs", OtlpJson.Logs("payments",
        [
            OtlpJson.LogRecord(now.AddMinutes(-20), 17, "ERROR", "card declined for order 17 (older)"),
            OtlpJson.LogRecord(now.AddMinutes(-5), 17, "ERROR", "card declined for order 42 (newer)", trace),
            OtlpJson.LogRecord(now.AddMinutes(-4), 9, "INFO", "order 42 paid"),
        ]));
        await SendAsync(server, "logs", OtlpJson.Logs("shipping", [OtlpJson.LogRecord(now.AddMinutes(-3), 17, "ERROR", "label printer offline")]));
        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/logs"), l => l.GetProperty("logs").GetArrayLength() == 4, "the log records");

        var errors = await OkAsync(server, "logs", "--service", "payments", "--min-severity", "ERROR");
        Assert.DoesNotContain("order 42 paid", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("label printer", errors, StringComparison.Ordinal);
        var newer = errors.IndexOf("(newer)", StringComparison.Ordinal);
        Assert.True(newer >= 0 && errors.IndexOf("(older)", StringComparison.Ordinal) > newer, errors);

        var text = await OkAsync(server, "logs", "search", "--query", "PRINTER");
        Assert.Contains("label printer offline", text, StringComparison.Ordinal);
        Assert.DoesNotContain("card declined", text, StringComparison.Ordinal);

        var byTrace = await OkAsync(server, "logs", "--trace", trace);
        Assert.Contains("(newer)", byTrace, StringComparison.Ordinal);
        Assert.Contains(trace, byTrace, StringComparison.Ordinal);
        Assert.DoesNotContain("(older)", byTrace, StringComparison.Ordinal);

        Assert.Equal("no logs in the last 10m", (await OkAsync(server, "logs", "--since", "10m", "--query", "older")).Trim());
    }

    [Fact]
    public async Task Rules_are_listed_shown_muted_and_unmuted_and_times_keep_their_plus()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        foreach (var (name, kind) in new[] { ("SlowSQL", "slow_sql"), ("Exceptions", "exception") })
        {
            var rule = new JsonObject { ["name"] = name, ["kind"] = kind, ["service"] = "order-service" };
            if (kind == "slow_sql")
            {
                rule["thresholdMs"] = 8000;
            }

            using var created = await client.PostAsync("api/alert-rules", new StringContent(rule.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var list = await OkAsync(server, "rules");
        Assert.Contains("SQL Response time >= 8000 ms", list, StringComparison.Ordinal);
        var exceptions = list.IndexOf("Exceptions", StringComparison.Ordinal);
        Assert.True(exceptions >= 0 && list.IndexOf("SlowSQL", StringComparison.Ordinal) > exceptions, "by name: " + list);
        Assert.Contains(" ok ", list, StringComparison.Ordinal);

        var muted = await OkAsync(server, "rules", "mute", "SlowSQL", "--for", "1h");
        Assert.Contains("SlowSQL: muted until", muted, StringComparison.Ordinal);
        Assert.Contains("muted", await OkAsync(server, "rules", "list"), StringComparison.Ordinal);
        var shown = await OkAsync(server, "rules", "show", "SlowSQL");
        Assert.Contains("condition   : SQL Response time >= 8000 ms", shown, StringComparison.Ordinal);
        Assert.Contains("service     : order-service", shown, StringComparison.Ordinal);

        // Times with an offset keep their '+', in the API's raw JSON and in the CLI's --json.
        using (var raw = await client.GetAsync("api/alert-rules/SlowSQL"))
        {
            var body = await raw.Content.ReadAsStringAsync();
            Assert.Contains("+00:00", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\\u002B", body, StringComparison.OrdinalIgnoreCase);
        }

        var json = await OkAsync(server, "rules", "show", "SlowSQL", "--json");
        Assert.Contains("\"mutedUntil\": \"", json, StringComparison.Ordinal);
        Assert.Contains("+00:00\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", json, StringComparison.OrdinalIgnoreCase);

        var unmuted = await OkAsync(server, "rules", "unmute", "SlowSQL");
        Assert.Contains("SlowSQL: ok", unmuted, StringComparison.Ordinal);

        var badFor = await RunAsync(server, "rules", "mute", "SlowSQL", "--for", "ever");
        Assert.Equal(1, badFor.Code);
        Assert.Contains("--for 'ever' is not a duration", badFor.Error, StringComparison.Ordinal);
        var unknown = await RunAsync(server, "rules", "show", "NoSuchRule");
        Assert.Equal(1, unknown.Code);
        Assert.StartsWith("argus: 404", unknown.Error, StringComparison.Ordinal);
        Assert.Single(unknown.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Services_are_sorted_by_span_count_and_help_never_prints_the_key()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var trace = OtlpJson.NewTraceId();
        await SendAsync(server, "traces", OtlpJson.Traces("a-quiet-service", [OtlpJson.Span(trace, OtlpJson.NewSpanId(), null, "GET /", 2, now.AddMinutes(-1), 5)]));
        var busy = OtlpJson.NewTraceId();
        await SendAsync(server, "traces", OtlpJson.Traces("z-busy-service",
            [.. Enumerable.Range(0, 3).Select(i => OtlpJson.Span(busy, OtlpJson.NewSpanId(), null, "GET /busy", 2, now.AddMinutes(-1).AddMilliseconds(i), 5))]));
        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/services"), s => s.GetProperty("services").GetArrayLength() == 2, "both services");

        var services = await OkAsync(server, "services");
        var z = services.IndexOf("z-busy-service", StringComparison.Ordinal);
        Assert.True(z >= 0 && services.IndexOf("a-quiet-service", StringComparison.Ordinal) > z, services);

        const string secret = "argus_secret-key-never-printed-0123";
        foreach (var command in new[] { new[] { "--help" }, ["traces", "--help"], ["logs", "search", "--help"], ["rules", "mute", "--help"] })
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await ArgusCli.RunAsync([.. command, "--api-key", secret], output, error);
            Assert.Equal(0, code);
            Assert.Contains("--api-key", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output.ToString() + error, StringComparison.Ordinal);
        }
    }
}
