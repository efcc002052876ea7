using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Hardening;

/// <summary>
/// Requests that would cost far more memory parsed than they weigh on the wire are refused before parsing, over
/// OTLP/HTTP and OTLP/gRPC; malformed gRPC messages are INVALID_ARGUMENT with the reason and no stack trace in the log.
/// </summary>
public sealed class OtlpBombTests
{
    private static readonly Method<byte[], byte[]> RawTraceExport = new(
        MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    /// <summary>Field 1 (resource_spans), length 0, again and again: two bytes per empty message.</summary>
    private static byte[] EmptyMessages(int count)
    {
        var bytes = new byte[count * 2];
        for (var i = 0; i < bytes.Length; i += 2)
        {
            bytes[i] = 0x0a;
        }

        return bytes;
    }

    [Fact]
    public async Task Otlp_http_refuses_a_body_of_empty_messages_before_parsing_it()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var otlp = server.OtlpClient();

        var protobuf = new ByteArrayContent(EmptyMessages(2 * 1024 * 1024));
        protobuf.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using (var r = await otlp.PostAsync("v1/traces", protobuf))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)r.StatusCode}: {text}");
            Assert.Contains("Argus:Ingest:MinBytesPerMessage", text, StringComparison.Ordinal);
        }

        var json = new StringBuilder("{\"resourceSpans\":[");
        json.Append(string.Join(",", Enumerable.Repeat("{}", 1_500_000)));
        json.Append("]}");
        using (var r = await otlp.PostAsync("v1/traces", new StringContent(json.ToString(), Encoding.UTF8, "application/json")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)r.StatusCode}: {text}");
        }

        // A lone surrogate in a string is bad input, not a server error.
        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("SURROGATE", []).Replace("SURROGATE", "svc\\ud800", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }

        // Ordinary telemetry still goes through.
        using (var ok = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("after-bombs", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /", 2, DateTimeOffset.UtcNow, 5)])))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }

    [Fact]
    public async Task Otlp_grpc_answers_invalid_argument_for_malformed_and_oversized_messages_without_stack_traces()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await ArgusTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            configure: b => b.Logging.AddProvider(logs));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.OtlpGrpcUrl);
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(new Metadata { { "x-argus-api-key", ArgusTestServer.AdminKey } });

        async Task<RpcException> Call(byte[] body) =>
            await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(RawTraceExport, null, options, body));

        var malformed = await Call([0xff, 0xfe, 0x01, 0x99, 0x42, 0x00, 0x13, 0x37, 0xaa]);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains("not a valid", malformed.Status.Detail, StringComparison.Ordinal);

        var bomb = await Call(EmptyMessages(1024 * 1024));
        Assert.Equal(StatusCode.InvalidArgument, bomb.StatusCode);
        Assert.Contains("Argus:Ingest:MinBytesPerMessage", bomb.Status.Detail, StringComparison.Ordinal);

        // An empty request is a valid (empty) export.
        Assert.NotNull(await invoker.AsyncUnaryCall(RawTraceExport, null, options, []));

        Assert.DoesNotContain(logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }
}
