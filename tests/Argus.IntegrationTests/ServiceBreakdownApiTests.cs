using System.Net;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>A service's outgoing calls by target and its failed spans by operation and exception, over HTTP, as the console's service page shows them.</summary>
public sealed class ServiceBreakdownApiTests
{
    [Fact]
    public async Task Calls_group_client_spans_by_target_and_errors_group_failed_spans_by_operation_and_exception()
    {
        await using var server = await ArgusTestServer.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        var trace = OtlpJson.NewTraceId();
        var root = OtlpJson.NewSpanId();
        const string Timeout = """{"name":"exception","timeUnixNano":"0","attributes":[{"key":"exception.type","value":{"stringValue":"TimeoutException"}},{"key":"exception.message","value":{"stringValue":"stock service timed out"}}]}""";
        var spans = new List<string> { OtlpJson.Span(trace, root, null, "POST /cart", 2, start, 400, status: 2, events: Timeout) };
        spans.AddRange(Enumerable.Range(0, 4).Select(i => OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "GET", 3, start.AddMilliseconds(i), 10 * (i + 1),
            status: i == 3 ? 2 : 0, attributes: [("server.address", "stock.internal")])));
        spans.Add(OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "GET", 3, start.AddMilliseconds(5), 7, attributes: [("url.full", "https://prices.example/v1/sku/1")]));
        spans.Add(OtlpJson.Span(trace, OtlpJson.NewSpanId(), root, "SELECT carts", 3, start.AddMilliseconds(6), 3,
            attributes: [("db.system", "postgresql"), ("db.statement", "SELECT * FROM carts WHERE id = 1"), ("server.address", "db.internal")]));
        using (var posted = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("cart", spans)))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var calls = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync("api/services/cart/calls"),
            c => c.GetProperty("calls").GetArrayLength() == 2,
            "the calls to be stored");

        var byTarget = calls.GetProperty("calls").EnumerateArray().ToList();
        Assert.Equal(["stock.internal", "prices.example"], byTarget.Select(c => c.GetProperty("target").GetString()));
        Assert.Equal(4, byTarget[0].GetProperty("count").GetInt64());
        Assert.Equal(1, byTarget[0].GetProperty("errors").GetInt64());
        Assert.Equal(40, byTarget[0].GetProperty("maxMs").GetDouble(), 3);
        Assert.Equal(10 + (30 * 0.95), byTarget[0].GetProperty("p95Ms").GetDouble(), 3);
        Assert.Single((await server.GetJsonAsync("api/services/cart/calls?limit=1")).GetProperty("calls").EnumerateArray());

        var errors = (await server.GetJsonAsync("api/services/cart/errors")).GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        var timeout = Assert.Single(errors, e => e.GetProperty("operation").GetString() == "POST /cart");
        Assert.Equal("TimeoutException", timeout.GetProperty("exceptionType").GetString());
        Assert.Equal("stock service timed out", timeout.GetProperty("message").GetString());
        Assert.Equal(trace, timeout.GetProperty("sampleTraceId").GetString());
        var failedCall = Assert.Single(errors, e => e.GetProperty("operation").GetString() == "GET");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, failedCall.GetProperty("exceptionType").ValueKind);

        using var client = server.ApiClient();
        using var tooMany = await client.GetAsync("api/services/cart/errors?limit=1000");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Empty((await server.GetJsonAsync("api/services/nobody/calls")).GetProperty("calls").EnumerateArray());
    }
}
