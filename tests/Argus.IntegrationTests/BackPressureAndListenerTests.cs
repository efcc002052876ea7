using System.Net;
using Argus.Core.Telemetry;
using Argus.IntegrationTests.Infrastructure;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Otlp.Proto.Common;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests;

public sealed class BackPressureAndListenerTests
{
    /// <summary>
    /// Holds every write until released, in front of the real store: the stand-in for a disk that has fallen behind.
    /// </summary>
    private sealed class GatedWriter(ITelemetryWriter inner) : ITelemetryWriter
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task WriteAsync(IReadOnlyList<TelemetryBatch> batches, CancellationToken cancellationToken)
        {
            await Gate.Task;
            await inner.WriteAsync(batches, cancellationToken);
        }
    }

    /// <summary>Fails every commit while <see cref="Failing"/> is set: the stand-in for a full or broken disk.</summary>
    private sealed class FailingWriter(ITelemetryWriter inner) : ITelemetryWriter
    {
        public volatile bool Failing = true;

        public Task WriteAsync(IReadOnlyList<TelemetryBatch> batches, CancellationToken cancellationToken) =>
            Failing ? throw new IOException("disk on fire") : inner.WriteAsync(batches, cancellationToken);
    }

    [Fact]
    public async Task A_full_queue_answers_retry_later_and_success_waits_for_the_commit()
    {
        GatedWriter? gated = null;
        await using var server = await ArgusTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Argus:Ingest:QueueCapacityRecords"] = "250", ["Argus:Ingest:RetryAfterSeconds"] = "3" },
            configure: builder =>
            {
                // Decorate the real writer registration: last registration wins for ITelemetryWriter.
                builder.Services.AddSingleton<ITelemetryWriter>(sp =>
                    gated = new GatedWriter(sp.GetRequiredService<Argus.Storage.DuckDb.DuckDbTelemetryStore>()));
            });

        var queue = server.Services.GetRequiredService<Argus.Server.Ingest.TelemetryIngestQueue>();
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var waiting = new List<Task<HttpResponseMessage>>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var spans = Enumerable.Range(0, 100).Select(_ => OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /bp", 2, now, 1));
            var send = server.PostOtlpJsonAsync("traces", OtlpJson.Traces("bp", spans));

            // Queued (then it waits for a commit the gate holds back), or refused at once.
            var queued = (waiting.Count + 1) * 100;
            await ArgusTestServer.EventuallyAsync(() => Task.FromResult(send.IsCompleted || queue.PendingRecords >= queued), done => done, "the request queued or answered");
            if (send.IsCompleted)
            {
                refused = await send;
            }
            else
            {
                waiting.Add(send);
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, refused.StatusCode.ToString());
            Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        }

        // Nothing is acknowledged while the store has not committed it.
        Assert.InRange(waiting.Count, 2, 3);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        gated!.Gate.SetResult();
        foreach (var w in waiting)
        {
            using var response = await w;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Acknowledged means committed: queryable at once, no waiting.
        var services = await server.GetJsonAsync("api/services");
        Assert.Equal(waiting.Count * 100, services.GetProperty("services")[0].GetProperty("spanCount").GetInt64());

        // Once drained, the same request is accepted again.
        using var again = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("bp", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /bp", 2, now, 1)]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_failed_commit_answers_retry_later_on_http_and_grpc_and_keeps_nothing()
    {
        FailingWriter? failing = null;
        await using var server = await ArgusTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Argus:Ingest:RetryAfterSeconds"] = "4" },
            configure: builder => builder.Services.AddSingleton<ITelemetryWriter>(sp =>
                failing = new FailingWriter(sp.GetRequiredService<Argus.Storage.DuckDb.DuckDbTelemetryStore>())));
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var traces = OtlpJson.Traces("fails", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /f", 2, now, 1)]);
        var logs = OtlpJson.Logs("fails", [OtlpJson.LogRecord(now, 13, "WARN", "disk trouble")]);
        var metrics = $$$"""
            {"resourceMetrics":[{"resource":{"attributes":[{{{OtlpJson.Attr("service.name", "fails")}}}]},"scopeMetrics":[{"metrics":[
              {"name":"queue.depth","gauge":{"dataPoints":[{"timeUnixNano":"{{{OtlpJson.Nanos(now)}}}","asInt":"3"}]}}]}]}]}
            """;
        foreach (var (signal, body) in new[] { ("traces", traces), ("logs", logs), ("metrics", metrics) })
        {
            using var response = await server.PostOtlpJsonAsync(signal, body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(4), response.Headers.RetryAfter?.Delta);
        }

        var grpc = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => GrpcExportAsync(server, now));
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, grpc.StatusCode);
        Assert.Empty((await server.GetJsonAsync("api/services")).GetProperty("services").EnumerateArray());

        // The disk recovers: the exporter's retry is stored, and the gRPC answer is success only once it is.
        failing!.Failing = false;
        await GrpcExportAsync(server, now);
        using (var retried = await server.PostOtlpJsonAsync("traces", traces))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        var services = await server.GetJsonAsync("api/services");
        Assert.Equal(2, services.GetProperty("services")[0].GetProperty("spanCount").GetInt64());
    }

    /// <summary>One span over OTLP/gRPC, with a hand-made method descriptor (Argus generates only the server side).</summary>
    private static async Task GrpcExportAsync(ArgusTestServer server, DateTimeOffset time)
    {
        var method = new Grpc.Core.Method<ExportTraceServiceRequest, ExportTraceServiceResponse>(
            Grpc.Core.MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
            Grpc.Core.Marshallers.Create(r => r.ToByteArray(), ExportTraceServiceRequest.Parser.ParseFrom),
            Grpc.Core.Marshallers.Create(r => r.ToByteArray(), ExportTraceServiceResponse.Parser.ParseFrom));
        var nanos = (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new Argus.Otlp.Proto.Trace.ResourceSpans
                {
                    Resource = new Argus.Otlp.Proto.Resource.Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "fails" } } } },
                    ScopeSpans =
                    {
                        new Argus.Otlp.Proto.Trace.ScopeSpans
                        {
                            Spans =
                            {
                                new Argus.Otlp.Proto.Trace.Span
                                {
                                    TraceId = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                                    SpanId = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)),
                                    Name = "GET /g", StartTimeUnixNano = nanos, EndTimeUnixNano = nanos + 1_000_000,
                                },
                            },
                        },
                    },
                },
            },
        };
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.OtlpGrpcUrl);
        await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-argus-api-key", ArgusTestServer.AdminKey } }), request);
    }

    [Fact]
    public async Task Routes_answer_only_on_their_own_listener()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var otlp = server.OtlpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await otlp.GetAsync("api/services")).StatusCode);
        using var api = server.ApiClient();
        using var onApi = await api.PostAsync("v1/traces", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
    }

    [Fact]
    public async Task Invalid_configuration_fails_start_with_every_problem_listed()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:BootstrapApiKey"] = "short",
            ["Argus:Retention:MaxAge"] = "-1.00:00:00",
            ["Argus:Ingest:QueueCapacityRecords"] = "0",
        }));
        var options = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(ex);
        Assert.Contains(options.Failures, f => f.Contains("Argus:BootstrapApiKey", StringComparison.Ordinal));
        Assert.Contains(options.Failures, f => f.Contains("Argus:Retention:MaxAge", StringComparison.Ordinal));
        Assert.Contains(options.Failures, f => f.Contains("Argus:Ingest:QueueCapacityRecords", StringComparison.Ordinal));
    }
}
