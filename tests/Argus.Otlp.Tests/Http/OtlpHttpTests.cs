using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;
using Google.Protobuf;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Argus.Otlp.Tests.Http;

/// <summary>OTLP/HTTP over a real Kestrel socket.</summary>
public sealed class OtlpHttpTests : IAsyncLifetime
{
    private const int Limit = 64 * 1024;
    private OtlpTestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await OtlpTestServer.StartAsync(HttpProtocols.Http1, o => o.MaxRequestBodyBytes = Limit);
        _client = new HttpClient { BaseAddress = _server.Address };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static ByteArrayContent Body(byte[] bytes, string contentType, string? encoding = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        return content;
    }

    private Task<HttpResponseMessage> PostAsync(string path, HttpContent content, string? tenant = "tenant-1")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (tenant is not null)
        {
            request.Headers.Add(OtlpTestServer.TenantHeader, tenant);
        }

        return _client.SendAsync(request);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.DoesNotContain('\n', detail);
        return problem;
    }

    [Fact]
    public async Task Protobuf_traces_are_accepted_for_the_callers_tenant()
    {
        var response = await PostAsync("/v1/traces", Body(Otlp.Traces(Otlp.Span("a"), Otlp.Span("b")).ToByteArray(), "application/x-protobuf"), "acme");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var body = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(body.PartialSuccess);
        var batch = Assert.Single(_server.Sink.Batches);
        Assert.Equal(2, batch.Spans.Count);
        Assert.All(batch.Spans, s => Assert.Equal("acme", s.TenantId));
    }

    [Theory]
    [InlineData("/v1/traces", "trace.json", 1, 0, 0)]
    [InlineData("/v1/logs", "logs.json", 0, 1, 0)]
    [InlineData("/v1/logs", "events.json", 0, 1, 0)]
    [InlineData("/v1/metrics", "metrics.json", 0, 0, 4)]
    public async Task Json_examples_are_accepted_and_answered_in_json(string path, string file, int spans, int logs, int points)
    {
        var response = await PostAsync(path, Body(File.ReadAllBytes(Otlp.DataFile(file)), "application/json; charset=utf-8"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{ }", (await response.Content.ReadAsStringAsync()).Trim());
        var batch = Assert.Single(_server.Sink.Batches);
        Assert.Equal((spans, logs, points), (batch.Spans.Count, batch.Logs.Count, batch.Metrics.Count));
    }

    [Fact]
    public async Task Gzip_protobuf_is_decompressed()
    {
        var logs = new ExportLogsServiceRequest();
        logs.ResourceLogs.Add(new Proto.Logs.ResourceLogs());
        logs.ResourceLogs[0].ScopeLogs.Add(new Proto.Logs.ScopeLogs());
        logs.ResourceLogs[0].ScopeLogs[0].LogRecords.Add(new Proto.Logs.LogRecord { Body = new Proto.Common.AnyValue { StringValue = new string('x', 10_000) } });

        var response = await PostAsync("/v1/logs", Body(Gzip(logs.ToByteArray()), "application/x-protobuf", "gzip"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10_000, Assert.Single(Assert.Single(_server.Sink.Batches).Logs).Body.Length);
    }

    [Fact]
    public async Task Partial_success_reports_rejected_spans_in_protobuf()
    {
        var bad = Otlp.Span("bad");
        bad.SpanId = ByteString.CopyFrom(1, 2, 3);

        var response = await PostAsync("/v1/traces", Body(Otlp.Traces(Otlp.Span("good"), bad).ToByteArray(), "application/x-protobuf"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, body.PartialSuccess.RejectedSpans);
        Assert.Contains("invalid span id", body.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single(Assert.Single(_server.Sink.Batches).Spans).Name);
    }

    [Fact]
    public async Task Partial_success_reports_rejected_data_points_in_json()
    {
        const string json = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"dataPoints":[
              {"count":"1","bucketCounts":["1","0","0"],"explicitBounds":[1]}]}}]}]}]}
            """;

        var response = await PostAsync("/v1/metrics", Body(Encoding.UTF8.GetBytes(json), "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partial = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedDataPoints").GetString());
        Assert.Contains("bucket counts", partial.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Empty(_server.Sink.Batches);
    }

    [Fact]
    public async Task Missing_tenant_is_401()
    {
        await ProblemAsync(await PostAsync("/v1/traces", Body(Otlp.Traces(Otlp.Span()).ToByteArray(), "application/x-protobuf"), tenant: null), HttpStatusCode.Unauthorized);
        Assert.Empty(_server.Sink.Batches);
    }

    [Theory]
    [InlineData("text/plain", null)]
    [InlineData("application/xml", null)]
    [InlineData("application/x-protobuf", "br")]
    public async Task Unsupported_content_type_or_encoding_is_415(string contentType, string? encoding)
    {
        await ProblemAsync(await PostAsync("/v1/traces", Body([1, 2, 3], contentType, encoding)), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        await ProblemAsync(await PostAsync("/v1/traces", Body(new byte[Limit + 1], "application/x-protobuf")), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        // No Content-Length: the limit must be enforced while reading.
        var content = new StreamContent(new MemoryStream(new byte[Limit * 2]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add(OtlpTestServer.TenantHeader, "t");

        await ProblemAsync(await _client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Gzip_bomb_is_413_on_the_decompressed_size()
    {
        var bomb = Gzip(new byte[Limit * 16]);
        Assert.True(bomb.Length < Limit);

        var problem = await ProblemAsync(await PostAsync("/v1/traces", Body(bomb, "application/x-protobuf", "gzip")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("decompressed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_gzip_is_400()
    {
        await ProblemAsync(await PostAsync("/v1/traces", Body([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7], "application/x-protobuf", "gzip")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Garbage_bytes_are_400()
    {
        var problem = await ProblemAsync(await PostAsync("/v1/traces", Body(Encoding.ASCII.GetBytes("this is not protobuf"), "application/x-protobuf")), HttpStatusCode.BadRequest);
        Assert.Contains("ExportTraceServiceRequest", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_protobuf_is_400()
    {
        var bytes = Otlp.Traces(Otlp.Span("a", Otlp.Attr("k", "some value"))).ToByteArray();
        await ProblemAsync(await PostAsync("/v1/traces", Body(bytes[..^5], "application/x-protobuf")), HttpStatusCode.BadRequest);
        Assert.Empty(_server.Sink.Batches);
    }

    [Fact]
    public async Task Invalid_json_is_400()
    {
        var problem = await ProblemAsync(await PostAsync("/v1/logs", Body(Encoding.UTF8.GetBytes("{\"resourceLogs\": [ {"), "application/json")), HttpStatusCode.BadRequest);
        Assert.Contains("invalid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IngestOutcome.QueueFull, HttpStatusCode.TooManyRequests)]
    [InlineData(IngestOutcome.ShuttingDown, HttpStatusCode.ServiceUnavailable)]
    public async Task Refusal_by_the_sink_is_retryable_with_retry_after(IngestOutcome outcome, HttpStatusCode expected)
    {
        _server.Sink.Outcome = outcome;
        _server.Sink.RetryAfterSeconds = 9;

        var response = await PostAsync("/v1/metrics", Body(File.ReadAllBytes(Otlp.DataFile("metrics.json")), "application/json"));

        await ProblemAsync(response, expected);
        Assert.Equal(TimeSpan.FromSeconds(9), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Empty_request_is_accepted_without_touching_the_sink()
    {
        _server.Sink.Outcome = IngestOutcome.QueueFull;
        var response = await PostAsync("/v1/metrics", Body(new ExportMetricsServiceRequest().ToByteArray(), "application/x-protobuf"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
