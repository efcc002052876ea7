using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>Bad input gets a clear error, and what was stored before stays intact.</summary>
public sealed class BadInputTests
{
    private static readonly Dictionary<string, string?> SmallLimits = new()
    {
        ["Argus:Ingest:MaxRequestBodyBytes"] = "65536",
        ["Argus:Ingest:MaxAttributesPerRecord"] = "16",
    };

    [Fact]
    public async Task Every_kind_of_bad_request_is_answered_clearly_and_stored_data_survives()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: SmallLimits);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var traceId = OtlpJson.NewTraceId();
        using (var ok = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("intact", [OtlpJson.Span(traceId, OtlpJson.NewSpanId(), null, "GET /", 2, now, 5)])))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/services"), s => s.GetProperty("services").GetArrayLength() == 1, "the first span");
        using var otlp = server.OtlpClient();

        async Task ExpectProblem(HttpContent content, HttpStatusCode status, string path = "v1/traces")
        {
            using var response = await otlp.PostAsync(path, content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var doc = JsonDocument.Parse(body);
            Assert.Equal((int)status, doc.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("detail").GetString()), body);
        }

        var garbage = new ByteArrayContent([0xff, 0xfe, 0x01, 0x99, 0x42, 0x00, 0x13, 0x37, 0xaa]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        await ExpectProblem(garbage, HttpStatusCode.BadRequest);

        // A valid protobuf message cut in half: field 1 (resource_spans) announces more bytes than follow.
        var truncated = new ByteArrayContent([0x0a, 0x40, 0x0a, 0x10, 0x01, 0x02]);
        truncated.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        await ExpectProblem(truncated, HttpStatusCode.BadRequest);

        await ExpectProblem(new StringContent("{\"resourceSpans\": [ {", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest);
        await ExpectProblem(new StringContent("hello", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await ExpectProblem(new StringContent("{}", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "v1/logs");

        var huge = OtlpJson.Traces("big", Enumerable.Range(0, 400).Select(i => OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, new string('x', 200), 2, now, 1)));
        await ExpectProblem(new StringContent(huge, Encoding.UTF8, "application/json"), HttpStatusCode.RequestEntityTooLarge);

        // A gzip bomb: small on the wire, over the limit once inflated.
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(huge));
        }

        var bomb = new ByteArrayContent(compressed.ToArray());
        bomb.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        bomb.Headers.ContentEncoding.Add("gzip");
        Assert.True(compressed.Length < 65536);
        await ExpectProblem(bomb, HttpStatusCode.RequestEntityTooLarge);

        // Too many attributes: that span is rejected, its neighbour is stored, and the answer says so.
        var tooMany = Enumerable.Range(0, 40).Select(i => ($"attr.{i}", "v"));
        var mixed = OtlpJson.Traces("attrs", [
            OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "too many", 2, now, 1, attributes: tooMany),
            OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "fine", 2, now, 1),
        ]);
        using (var partial = await server.PostOtlpJsonAsync("traces", mixed))
        {
            var body = await partial.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
            using var doc = JsonDocument.Parse(body);
            var ps = doc.RootElement.GetProperty("partialSuccess");
            Assert.Equal("1", ps.GetProperty("rejectedSpans").ToString());
            Assert.Contains("attributes", ps.GetProperty("errorMessage").GetString());
        }

        // Compressed and valid is fine.
        using var okGzip = new MemoryStream();
        await using (var gzip = new GZipStream(okGzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(OtlpJson.Traces("gzipped", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /gz", 2, now, 3)])));
        }

        var gz = new ByteArrayContent(okGzip.ToArray());
        gz.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        gz.Headers.ContentEncoding.Add("gzip");
        using (var r = await otlp.PostAsync("v1/traces", gz))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var services = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync("api/services"),
            s => s.GetProperty("services").GetArrayLength() == 3,
            "intact, attrs and gzipped services");
        var names = services.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).Order().ToArray();
        Assert.Equal<string[]>(["attrs", "gzipped", "intact"], names);
        var attrs = services.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "attrs");
        Assert.Equal(1, attrs.GetProperty("spanCount").GetInt64());
        Assert.NotEmpty((await server.GetJsonAsync($"api/traces/{traceId}")).GetProperty("spans").EnumerateArray());
    }

    [Fact]
    public async Task Bad_query_parameters_are_listed_in_one_problem()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        using var response = await client.GetAsync("api/traces?from=yesterday&limit=0&minDurationMs=-4&status=purple");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = doc.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("from", out _));
        Assert.True(errors.TryGetProperty("limit", out _));
        Assert.True(errors.TryGetProperty("minDurationMs", out _));
        Assert.True(errors.TryGetProperty("status", out _));

        using var badTrace = await client.GetAsync("api/traces/not-hex");
        Assert.Equal(HttpStatusCode.BadRequest, badTrace.StatusCode);
        using var badOrder = await client.GetAsync("api/sql?orderBy=random");
        Assert.Equal(HttpStatusCode.BadRequest, badOrder.StatusCode);
        using var badStep = await client.GetAsync("api/services/x/red?step=fortnight");
        Assert.Equal(HttpStatusCode.BadRequest, badStep.StatusCode);
    }
}
