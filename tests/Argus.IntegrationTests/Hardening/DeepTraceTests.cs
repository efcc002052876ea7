using System.Net;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>
/// A trace whose parent chain is as deep as a client cares to make it is read back whole, as a flat list that no
/// serializer depth limit can cut, and the server stays up (a recursive tree walk overflowed the stack at 10,000).
/// </summary>
public sealed class DeepTraceTests
{
    [Fact]
    public async Task A_chain_of_10000_spans_is_read_through_the_API_and_the_server_stays_up()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Ingest:MaxRequestBodyBytes"] = (32 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        const int depth = 10_000;
        var traceId = OtlpJson.NewTraceId();
        var ids = Chain(depth);
        await PostChainAsync(server, traceId, ids, 0, depth);

        var trace = await WaitForSpanCountAsync(server, traceId, depth, "");
        Assert.Equal(0, trace.GetProperty("omittedSpanCount").GetInt32());
        var spans = trace.GetProperty("spans");
        Assert.Equal(depth, spans.GetArrayLength());
        for (var i = 0; i < depth; i++)
        {
            var span = spans[i];
            Assert.Equal(ids[i], span.GetProperty("spanId").GetString());
            Assert.Equal(i, span.GetProperty("index").GetInt32());
            Assert.Equal(i, span.GetProperty("depth").GetInt32());
            if (i == 0)
            {
                Assert.Equal(JsonValueKind.Null, span.GetProperty("parentIndex").ValueKind);
            }
            else
            {
                Assert.Equal(i - 1, span.GetProperty("parentIndex").GetInt32());
            }

            Assert.Equal(i == depth - 1 ? 0 : 1, span.GetProperty("childCount").GetInt32());
        }

        // Read again (the stored trace used to crash the process on every read) and check the server still answers.
        await server.GetJsonAsync($"api/traces/{traceId}?maxSpans=10");
        await server.GetJsonAsync("api/services");
    }

    [Fact]
    public async Task A_chain_of_100000_spans_is_listed_up_to_maxSpans_and_says_how_many_were_left_out()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Ingest:MaxRequestBodyBytes"] = (32 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        const int depth = 100_000;
        var traceId = OtlpJson.NewTraceId();
        var ids = Chain(depth);
        for (var from = 0; from < depth; from += 20_000)
        {
            await PostChainAsync(server, traceId, ids, from, 20_000);
        }

        var trace = await WaitForSpanCountAsync(server, traceId, depth, "");
        Assert.Equal(10_000, trace.GetProperty("spans").GetArrayLength());
        Assert.Equal(90_000, trace.GetProperty("omittedSpanCount").GetInt32());
        var last = trace.GetProperty("spans")[9_999];
        Assert.Equal(ids[9_999], last.GetProperty("spanId").GetString());
        Assert.Equal(9_999, last.GetProperty("depth").GetInt32());

        var all = await server.GetJsonAsync($"api/traces/{traceId}?maxSpans=100000");
        Assert.Equal(depth, all.GetProperty("spans").GetArrayLength());
        Assert.Equal(depth - 1, all.GetProperty("spans")[depth - 1].GetProperty("depth").GetInt32());

        using var client = server.ApiClient();
        using var tooMany = await client.GetAsync($"api/traces/{traceId}?maxSpans=100001");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("maxSpans", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string[] Chain(int depth) => [.. Enumerable.Range(0, depth).Select(_ => OtlpJson.NewSpanId())];

    /// <summary>Posts spans <paramref name="from"/> .. from+count of a chain in which span i is the parent of span i+1.</summary>
    private static async Task PostChainAsync(ArgusTestServer server, string traceId, string[] ids, int from, int count)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var spans = Enumerable.Range(from, count).Select(i =>
            OtlpJson.Span(traceId, ids[i], i == 0 ? null : ids[i - 1], "step", 1, start.AddTicks(i * 10), 60_000 - (i * 0.0001)));
        using var response = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("deep", spans));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<JsonElement> WaitForSpanCountAsync(ArgusTestServer server, string traceId, int count, string query) =>
        ArgusTestServer.EventuallyAsync(
            async () =>
            {
                using var client = server.ApiClient();
                using var response = await client.GetAsync($"api/traces/{traceId}{query}");
                return response.IsSuccessStatusCode
                    ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone()
                    : default;
            },
            t => t.ValueKind == JsonValueKind.Object && t.GetProperty("spanCount").GetInt32() == count,
            $"{count} spans of the trace",
            timeoutMs: 60_000);
}
