using System.Net;
using System.Text.Json;
using Argus.Cli;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>Logs and exceptions sent over OTLP are grouped into issues, ranked against a baseline, and survive restarts.</summary>
public sealed class IssuesTests
{
    private static string ExceptionEvent(DateTimeOffset time, string type, string message, string stack) =>
        $$"""{"name":"exception","timeUnixNano":"{{OtlpJson.Nanos(time)}}","attributes":[{{OtlpJson.Attr("exception.type", type)}},{{OtlpJson.Attr("exception.message", message)}},{{OtlpJson.Attr("exception.stacktrace", stack)}}]}""";

    [Fact]
    public async Task One_issue_uses_the_lists_default_range_and_shows_its_latest_samples_newest_first()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var now = DateTimeOffset.UtcNow;

        // Eight occurrences in the last hour, one every five minutes, and one three hours ago (outside both defaults).
        var records = Enumerable.Range(0, 8).Select(i => OtlpJson.LogRecord(now.AddMinutes(-45 + i * 5), 17, "ERROR", $"Payment {1000 + i} failed: gateway timeout"))
            .Append(OtlpJson.LogRecord(now.AddHours(-3), 17, "ERROR", "Payment 999 failed: gateway timeout"))
            .ToList();
        using (var response = await server.PostOtlpJsonAsync("logs", OtlpJson.Logs("payments", records)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var list = await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/issues"), l => l.GetProperty("issues").GetArrayLength() == 1, "the issue");
        var listed = list.GetProperty("issues")[0];
        Assert.Equal(8, listed.GetProperty("count").GetInt64());

        var detail = await server.GetJsonAsync($"api/issues/{listed.GetProperty("id").GetString()}");
        Assert.Equal(8, detail.GetProperty("issue").GetProperty("count").GetInt64());
        Assert.Equal(list.GetProperty("issues")[0].GetProperty("firstSeen").GetDateTimeOffset(), detail.GetProperty("issue").GetProperty("firstSeen").GetDateTimeOffset());
        var samples = detail.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("body").GetString()!).ToArray();
        Assert.Equal<string>(["Payment 1007 failed: gateway timeout", "Payment 1006 failed: gateway timeout", "Payment 1005 failed: gateway timeout",
            "Payment 1004 failed: gateway timeout", "Payment 1003 failed: gateway timeout"], samples);
    }

    [Fact]
    public async Task Issues_group_variants_flag_new_regressed_and_spiking_and_keep_ids_across_restarts()
    {
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        var now = DateTimeOffset.UtcNow;
        var windowFrom = now.AddMinutes(-10);
        var baselineFrom = now.AddMinutes(-20);
        var random = new Random(3);
        var logs = new List<string>();

        // A timeout that has always been there at the same rate: in the baseline and now, 20 each.
        for (var i = 0; i < 20; i++)
        {
            logs.Add(OtlpJson.LogRecord(baselineFrom.AddSeconds(20 + i * 20), 17, "ERROR", $"Connection to db-{random.Next(1, 9)}.internal:5432 timed out after {random.Next(1000, 9000)} ms"));
            logs.Add(OtlpJson.LogRecord(windowFrom.AddSeconds(20 + i * 20), 17, "ERROR", $"Connection to db-{random.Next(1, 9)}.internal:5432 timed out after {random.Next(1000, 9000)} ms"));
        }

        // A cache warning that spikes: 4 in the baseline, 60 now.
        for (var i = 0; i < 4; i++)
        {
            logs.Add(OtlpJson.LogRecord(baselineFrom.AddSeconds(30 + i * 60), 13, "WARN", $"Cache miss ratio {random.Next(50, 99)}% for region eu-{random.Next(1, 4)}"));
        }

        for (var i = 0; i < 60; i++)
        {
            logs.Add(OtlpJson.LogRecord(windowFrom.AddSeconds(5 + i * 9), 13, "WARN", $"Cache miss ratio {random.Next(50, 99)}% for region eu-{random.Next(1, 4)}"));
        }

        // A disk error seen two hours ago, silent in the baseline, back now: regressed.
        logs.Add(OtlpJson.LogRecord(now.AddHours(-2), 17, "ERROR", "Disk /var/lib/data/shard-3 is 97% full"));
        for (var i = 0; i < 3; i++)
        {
            logs.Add(OtlpJson.LogRecord(windowFrom.AddMinutes(2 + i), 17, "ERROR", $"Disk /var/lib/data/shard-{i + 4} is {95 + i}% full"));
        }

        // INFO lines are mined too, but are not issues at the default level.
        for (var i = 0; i < 10; i++)
        {
            logs.Add(OtlpJson.LogRecord(windowFrom.AddSeconds(i), 9, "INFO", $"Request {i} served in {i * 3} ms"));
        }

        // Exceptions on spans: different messages and line numbers, same type and in-app frames: one new issue.
        var spans = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var stack = "System.InvalidOperationException: Order " + (1000 + i) + " cannot ship\n" +
                        $"   at Shop.Orders.Order.Ship() in /src/Order.cs:line {40 + i}\n" +
                        $"   at Shop.Orders.ShipHandler.Handle(ShipCommand c) in /src/ShipHandler.cs:line {10 + i}\n" +
                        "   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext ctx)";
            var at = windowFrom.AddSeconds(30 + i * 10);
            spans.Add(OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "POST /ship", 2, at, 30, status: 2,
                events: ExceptionEvent(at, "System.InvalidOperationException", $"Order {1000 + i} cannot ship", stack)));
        }

        string spikingId;
        string exceptionId;
        await using (var server = await ArgusTestServer.StartAsync(dataPath))
        {
            using (var r = await server.PostOtlpJsonAsync("logs", OtlpJson.Logs("orders", logs)))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("orders", spans, instance: "orders-7f9-abc")))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            var range = $"from={windowFrom.ToUnixTimeMilliseconds()}&to={now.ToUnixTimeMilliseconds()}";
            var issues = await ArgusTestServer.EventuallyAsync(
                () => server.GetJsonAsync($"api/issues?{range}&sort=delta"),
                j => j.GetProperty("issues").GetArrayLength() == 4 && j.GetProperty("issues").EnumerateArray().Sum(i => i.GetProperty("count").GetInt64()) == 20 + 60 + 3 + 12,
                "four issues with every occurrence");
            var list = issues.GetProperty("issues").EnumerateArray().ToList();
            JsonElement ByTitle(string part) => Assert.Single(list, i => i.GetProperty("title").GetString()!.Contains(part, StringComparison.Ordinal));

            var timeout = ByTitle("timed out");
            Assert.Equal(20, timeout.GetProperty("count").GetInt64());
            Assert.Equal(20, timeout.GetProperty("baselineCount").GetInt64());
            Assert.False(timeout.GetProperty("flags").GetProperty("new").GetBoolean());
            Assert.False(timeout.GetProperty("flags").GetProperty("spiking").GetBoolean());
            Assert.Contains("<*>", timeout.GetProperty("title").GetString());

            var cache = ByTitle("Cache miss");
            Assert.Equal(60, cache.GetProperty("count").GetInt64());
            Assert.True(cache.GetProperty("flags").GetProperty("spiking").GetBoolean());
            Assert.Equal("WARN", cache.GetProperty("level").GetString());
            spikingId = cache.GetProperty("id").GetString()!;
            Assert.Equal(spikingId, list[0].GetProperty("id").GetString());

            var disk = ByTitle("Disk");
            Assert.True(disk.GetProperty("flags").GetProperty("regressed").GetBoolean());
            Assert.False(disk.GetProperty("flags").GetProperty("new").GetBoolean());

            var exception = Assert.Single(list, i => i.GetProperty("kind").GetString() == "exception");
            Assert.Equal(12, exception.GetProperty("count").GetInt64());
            Assert.Equal("System.InvalidOperationException", exception.GetProperty("exceptionType").GetString());
            Assert.True(exception.GetProperty("flags").GetProperty("new").GetBoolean());
            Assert.Equal<string[]>(["orders-7f9-abc"], exception.GetProperty("instances").EnumerateArray().Select(x => x.GetString()!).ToArray());
            Assert.NotNull(exception.GetProperty("sampleTraceId").GetString());
            exceptionId = exception.GetProperty("id").GetString()!;

            var byNew = await server.GetJsonAsync($"api/issues?{range}&sort=new");
            Assert.Equal(exceptionId, byNew.GetProperty("issues")[0].GetProperty("id").GetString());

            var detail = await server.GetJsonAsync($"api/issues/{spikingId}?{range}&step=1m");
            Assert.Equal(60, detail.GetProperty("counts").EnumerateArray().Sum(c => c.GetProperty("count").GetInt64()));
            Assert.NotEmpty(detail.GetProperty("samples").EnumerateArray());
            Assert.All(detail.GetProperty("samples").EnumerateArray(), s => Assert.StartsWith("Cache miss ratio", s.GetProperty("body").GetString()));

            var (code, output, error) = await Cli("issues", "top", "--url", server.ApiUrl.ToString(), "--api-key", ArgusTestServer.AdminKey, "--since", "10m", "--sort", "delta");
            Assert.True(code == 0, error);
            Assert.Contains("Cache miss ratio", output);
            Assert.Contains("spiking", output);

            using var client = server.ApiClient();
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("api/issues?sort=loudest")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("api/issues/xyz")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("api/issues/00000000000000ff")).StatusCode);
        }

        // After a restart, the same kind of line lands in the same issue, which is no longer new.
        await using (var restarted = await ArgusTestServer.StartAsync(dataPath))
        {
            var later = DateTimeOffset.UtcNow;
            using (var r = await restarted.PostOtlpJsonAsync("logs", OtlpJson.Logs("orders", [OtlpJson.LogRecord(later, 13, "WARN", "Cache miss ratio 77% for region eu-2")])))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            var recent = await ArgusTestServer.EventuallyAsync(
                () => restarted.GetJsonAsync($"api/issues?from={later.AddSeconds(-1).ToUnixTimeMilliseconds()}&to={later.AddSeconds(1).ToUnixTimeMilliseconds()}"),
                j => j.GetProperty("issues").GetArrayLength() == 1,
                "the post-restart line");
            var issue = recent.GetProperty("issues")[0];
            Assert.Equal(spikingId, issue.GetProperty("id").GetString());
            Assert.False(issue.GetProperty("flags").GetProperty("new").GetBoolean());
            Assert.True(issue.GetProperty("firstSeen").GetDateTimeOffset() < later.AddMinutes(-5));
        }
    }

    private static async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ArgusCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
