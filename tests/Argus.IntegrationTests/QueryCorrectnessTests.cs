using System.Net;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>Percentiles, grouping and counts through the API, against data whose answers are computed here independently.</summary>
public sealed class QueryCorrectnessTests
{
    /// <summary>Linear interpolation between closest ranks (the definition of DuckDB's quantile_cont and of numpy's default).</summary>
    private static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    [Fact]
    public async Task Red_percentiles_errors_and_sql_groups_match_known_answers()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var minute = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day, DateTimeOffset.UtcNow.Hour, DateTimeOffset.UtcNow.Minute, 0, TimeSpan.Zero).AddMinutes(-10);
        var random = new Random(7);
        var durations = new Dictionary<string, List<double>> { ["GET /orders"] = [], ["POST /orders"] = [] };
        var errors = new Dictionary<string, int> { ["GET /orders"] = 0, ["POST /orders"] = 0 };
        var sqlTotals = new Dictionary<string, (int Count, double Total, double Max)>();
        var spans = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            var endpoint = i % 3 == 0 ? "POST /orders" : "GET /orders";
            var duration = Math.Round(5 + random.NextDouble() * (endpoint == "GET /orders" ? 200 : 900), 3);
            var isError = random.NextDouble() < 0.1;
            durations[endpoint].Add(duration);
            errors[endpoint] += isError ? 1 : 0;
            var traceId = OtlpJson.NewTraceId();
            var rootId = OtlpJson.NewSpanId();
            var start = minute.AddSeconds(random.NextDouble() * 50);
            spans.Add(OtlpJson.Span(traceId, rootId, null, endpoint, 2, start, duration, status: isError ? 2 : 1));

            // Two statement shapes, with varying literals that must fold into one group each.
            var (shape, sql) = i % 2 == 0
                ? ("orders-by-id", $"SELECT * FROM orders WHERE id = {random.Next(1, 100000)}")
                : ("lines-by-order", $"SELECT sku, qty FROM order_lines WHERE order_id = {random.Next(1, 100000)} AND status = 'S{i}'");
            var sqlMs = Math.Round(1 + random.NextDouble() * 4, 3);
            var t = sqlTotals.GetValueOrDefault(shape);
            sqlTotals[shape] = (t.Count + 1, t.Total + sqlMs, Math.Max(t.Max, sqlMs));
            spans.Add(OtlpJson.Span(traceId, OtlpJson.NewSpanId(), rootId, "SELECT", 3, start.AddMilliseconds(1), sqlMs,
                attributes: [("db.system", "postgresql"), ("db.statement", sql)]));
        }

        foreach (var chunk in spans.Chunk(200))
        {
            using var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("orders-api", chunk));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var range = $"from={minute.ToUnixTimeMilliseconds()}&to={minute.AddMinutes(1).ToUnixTimeMilliseconds()}";
        var red = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/services/orders-api/red?{range}&step=1m"),
            r => r.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()) == 500,
            "all 500 requests");
        foreach (var point in red.GetProperty("points").EnumerateArray())
        {
            var endpoint = point.GetProperty("endpoint").GetString()!;
            var sorted = durations[endpoint].Order().ToList();
            Assert.Equal(sorted.Count, point.GetProperty("requests").GetInt64());
            Assert.Equal(errors[endpoint], point.GetProperty("errors").GetInt64());
            Assert.Equal(Percentile(sorted, 0.50), point.GetProperty("p50Ms").GetDouble(), 2);
            Assert.Equal(Percentile(sorted, 0.90), point.GetProperty("p90Ms").GetDouble(), 2);
            Assert.Equal(Percentile(sorted, 0.95), point.GetProperty("p95Ms").GetDouble(), 2);
            Assert.Equal(Percentile(sorted, 0.99), point.GetProperty("p99Ms").GetDouble(), 2);
        }

        // Over all endpoints at once (the console's service charts): one point, the percentiles of all 500 requests.
        var whole = Assert.Single((await server.GetJsonAsync($"api/services/orders-api/red?{range}&step=1m&byEndpoint=false")).GetProperty("points").EnumerateArray());
        var all = durations.Values.SelectMany(d => d).Order().ToList();
        Assert.Equal("", whole.GetProperty("endpoint").GetString());
        Assert.Equal(500, whole.GetProperty("requests").GetInt64());
        Assert.Equal(errors.Values.Sum(), whole.GetProperty("errors").GetInt64());
        Assert.Equal(Percentile(all, 0.50), whole.GetProperty("p50Ms").GetDouble(), 2);
        Assert.Equal(Percentile(all, 0.90), whole.GetProperty("p90Ms").GetDouble(), 2);
        Assert.Equal(Percentile(all, 0.99), whole.GetProperty("p99Ms").GetDouble(), 2);
        using (var client = server.ApiClient())
        using (var bad = await client.GetAsync($"api/services/orders-api/red?{range}&byEndpoint=sometimes"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("'byEndpoint' must be true", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var sqlStats = await server.GetJsonAsync($"api/sql?{range}&orderBy=count");
        var groups = sqlStats.GetProperty("statements").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        foreach (var g in groups)
        {
            var shape = g.GetProperty("tables")[0].GetString() == "orders" ? "orders-by-id" : "lines-by-order";
            var expected = sqlTotals[shape];
            Assert.Equal(expected.Count, g.GetProperty("count").GetInt64());
            Assert.Equal(expected.Total, g.GetProperty("totalMs").GetDouble(), 1);
            Assert.Equal(expected.Max, g.GetProperty("maxMs").GetDouble(), 2);
            Assert.Equal("SELECT", g.GetProperty("crud").GetString());
            Assert.DoesNotMatch("[0-9]{2,}", g.GetProperty("normalizedStatement").GetString()!);
        }

        Assert.Equal(sqlTotals.Values.Max(v => v.Count), groups[0].GetProperty("count").GetInt64());

        var slow = await server.GetJsonAsync($"api/traces?service=orders-api&operation=POST%20/orders&minDurationMs=800&{range}&limit=1000");
        var expectedSlow = durations["POST /orders"].Count(d => d >= 800);
        Assert.Equal(expectedSlow, slow.GetProperty("traces").GetArrayLength());
        Assert.All(slow.GetProperty("traces").EnumerateArray(), t => Assert.True(t.GetProperty("durationMs").GetDouble() >= 800));
    }

    [Fact]
    public async Task Trace_search_by_attributes_and_a_duration_band_over_http()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var tiers = new[] { "gold", "silver", "bronze" };
        var expected = tiers.ToDictionary(t => t, _ => new List<string>());
        var spans = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var trace = OtlpJson.NewTraceId();
            var root = OtlpJson.NewSpanId();
            var tier = tiers[i % 3];
            expected[tier].Add(trace);
            spans.Add(OtlpJson.Span(trace, root, null, "GET /cart", 2, start.AddSeconds(i), 10 + (i * 10), attributes: [("customer.tier", tier), ("http.route", "/cart")]));
            // The child has the other pair: a search for both on one span finds nothing.
            spans.Add(OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "SELECT", 3, start.AddSeconds(i), 1, attributes: [("cache.hit", i % 2 == 0 ? "true" : "false")]));
        }

        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("cart-api", spans, instance: "cart-1")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var range = $"from={start.AddMinutes(-1).ToUnixTimeMilliseconds()}&to={start.AddMinutes(2).ToUnixTimeMilliseconds()}&limit=1000";
        string[] Ids(JsonElement body) => [.. body.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()!).Order()];
        var gold = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/traces?attr=customer.tier%3Dgold&{range}"), b => b.GetProperty("traces").GetArrayLength() == 10, "the gold traces");
        Assert.Equal(expected["gold"].Order(), Ids(gold));

        // Two pairs on one span; a resource attribute; the durations are the matching span's (10 + 10 i ms at the root).
        Assert.Equal(expected["silver"].Order(), Ids(await server.GetJsonAsync($"api/traces?attr=customer.tier%3Dsilver&attr=http.route%3D/cart&{range}")));
        Assert.Empty(Ids(await server.GetJsonAsync($"api/traces?attr=customer.tier%3Dsilver&attr=cache.hit%3Dtrue&{range}")));
        Assert.Equal(30, Ids(await server.GetJsonAsync($"api/traces?attr=service.instance.id%3Dcart-1&{range}")).Length);
        var band = await server.GetJsonAsync($"api/traces?attr=customer.tier%3Dbronze&minDurationMs=100&maxDurationMs=200&{range}");
        Assert.All(band.GetProperty("traces").EnumerateArray(), t => Assert.InRange(t.GetProperty("durationMs").GetDouble(), 100, 200));
        Assert.Equal([120.0, 150, 180], band.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("durationMs").GetDouble()).Order());

        using var client = server.ApiClient();
        using var bad = await client.GetAsync($"api/traces?attr=novalue&attr=%3Dx&minDurationMs=5&maxDurationMs=4&{range}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(2, errors.GetProperty("attr").GetArrayLength());
        Assert.True(errors.TryGetProperty("maxDurationMs", out _));
    }

    [Fact]
    public async Task Log_levels_are_counted_per_step()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        start = start.AddTicks(-(start.UtcTicks % TimeSpan.TicksPerMinute));
        var records = new List<string>();
        var expected = new Dictionary<(int Minute, string Level), int>();
        var levels = new[] { (9, "INFO"), (13, "WARN"), (17, "ERROR") };
        for (var i = 0; i < 300; i++)
        {
            var (number, name) = levels[i % 7 == 0 ? 2 : i % 3 == 0 ? 1 : 0];
            var minute = i % 5;
            records.Add(OtlpJson.LogRecord(start.AddMinutes(minute).AddSeconds(i % 60), number, name, $"message {i} level {name}"));
            expected[(minute, name)] = expected.GetValueOrDefault((minute, name)) + 1;
        }

        using (var r = await server.PostOtlpJsonAsync("logs", OtlpJson.Logs("logger", records)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var range = $"from={start.ToUnixTimeMilliseconds()}&to={start.AddMinutes(5).ToUnixTimeMilliseconds()}";
        var counts = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/logs/levels?service=logger&{range}&step=1m"),
            c => c.GetProperty("counts").EnumerateArray().Sum(x => x.GetProperty("count").GetInt64()) == 300,
            "all 300 logs counted");
        foreach (var c in counts.GetProperty("counts").EnumerateArray())
        {
            var minute = (int)Math.Round((c.GetProperty("time").GetDateTimeOffset() - start).TotalMinutes);
            Assert.Equal(expected[(minute, c.GetProperty("level").GetString()!)], c.GetProperty("count").GetInt64());
        }

        var errorsOnly = await server.GetJsonAsync($"api/logs?service=logger&minSeverity=ERROR&{range}&limit=1000");
        Assert.Equal(expected.Where(e => e.Key.Level == "ERROR").Sum(e => e.Value), errorsOnly.GetProperty("logs").GetArrayLength());
        var search = await server.GetJsonAsync($"api/logs?service=logger&query=MESSAGE%2043%20&{range}");
        Assert.Equal("message 43 level INFO", Assert.Single(search.GetProperty("logs").EnumerateArray()).GetProperty("body").GetString());
    }
}
