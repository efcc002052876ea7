using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Otlp.Proto.Rpc;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Argus.Otlp.Tests.Grpc;

/// <summary>OTLP/gRPC over a real HTTP/2 Kestrel socket and a real Grpc.Net.Client channel.</summary>
public sealed class OtlpGrpcTests : IAsyncLifetime
{
    private OtlpTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await OtlpTestServer.StartAsync(HttpProtocols.Http2);
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    // The project generates server stubs only; the client side is a hand-written method descriptor, exactly what a stub would hold.
    private static Method<TRequest, TResponse> ExportMethod<TRequest, TResponse>(string service, MessageParser<TResponse> responseParser)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        new(MethodType.Unary, service, "Export", Marshallers.Create<TRequest>(r => r.ToByteArray(), _ => throw new NotSupportedException()), Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));

    private static readonly Method<ExportTraceServiceRequest, ExportTraceServiceResponse> TraceExport =
        ExportMethod<ExportTraceServiceRequest, ExportTraceServiceResponse>("opentelemetry.proto.collector.trace.v1.TraceService", ExportTraceServiceResponse.Parser);

    private static readonly Method<ExportLogsServiceRequest, ExportLogsServiceResponse> LogsExport =
        ExportMethod<ExportLogsServiceRequest, ExportLogsServiceResponse>("opentelemetry.proto.collector.logs.v1.LogsService", ExportLogsServiceResponse.Parser);

    private static readonly Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse> MetricsExport =
        ExportMethod<ExportMetricsServiceRequest, ExportMetricsServiceResponse>("opentelemetry.proto.collector.metrics.v1.MetricsService", ExportMetricsServiceResponse.Parser);

    private Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, string? tenant = "tenant-g")
        where TRequest : class
        where TResponse : class
    {
        var headers = new Metadata();
        if (tenant is not null)
        {
            headers.Add(OtlpTestServer.TenantHeader, tenant);
        }

        return _channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(headers), request).ResponseAsync;
    }

    [Fact]
    public async Task Export_traces_reaches_the_sink_for_the_tenant()
    {
        var response = await CallAsync(TraceExport, Otlp.Traces(Otlp.Span("a", Otlp.Attr("http.request.method", "GET"))));

        Assert.Null(response.PartialSuccess);
        var span = Assert.Single(Assert.Single(_server.Sink.Batches).Spans);
        Assert.Equal("tenant-g", span.TenantId);
        Assert.Equal("GET", span.HttpMethod);
        Assert.Equal("checkout", span.ServiceName);
    }

    [Fact]
    public async Task Export_traces_reports_partial_success()
    {
        var bad = Otlp.Span("bad");
        bad.TraceId = ByteString.Empty;

        var response = await CallAsync(TraceExport, Otlp.Traces(bad, Otlp.Span("good")));

        Assert.Equal(1, response.PartialSuccess.RejectedSpans);
        Assert.Contains("'bad'", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_logs_and_metrics()
    {
        var logs = new ExportLogsServiceRequest();
        logs.ResourceLogs.Add(new Proto.Logs.ResourceLogs());
        logs.ResourceLogs[0].ScopeLogs.Add(new Proto.Logs.ScopeLogs());
        logs.ResourceLogs[0].ScopeLogs[0].LogRecords.Add(new Proto.Logs.LogRecord { Body = new Proto.Common.AnyValue { StringValue = "hi" } });
        var metrics = new ExportMetricsServiceRequest();
        metrics.ResourceMetrics.Add(new Proto.Metrics.ResourceMetrics());
        metrics.ResourceMetrics[0].ScopeMetrics.Add(new Proto.Metrics.ScopeMetrics());
        var gauge = new Proto.Metrics.Gauge();
        gauge.DataPoints.Add(new Proto.Metrics.NumberDataPoint { AsDouble = 1.5 });
        metrics.ResourceMetrics[0].ScopeMetrics[0].Metrics.Add(new Proto.Metrics.Metric { Name = "g", Gauge = gauge });

        Assert.Null((await CallAsync(LogsExport, logs)).PartialSuccess);
        Assert.Null((await CallAsync(MetricsExport, metrics)).PartialSuccess);

        Assert.Equal("hi", Assert.Single(_server.Sink.Batches.SelectMany(b => b.Logs)).Body);
        Assert.Equal(1.5, Assert.Single(_server.Sink.Batches.SelectMany(b => b.Metrics)).Value);
    }

    [Fact]
    public async Task Missing_tenant_is_unauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => CallAsync(TraceExport, Otlp.Traces(Otlp.Span()), tenant: null));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Empty(_server.Sink.Batches);
    }

    [Fact]
    public async Task Full_queue_is_unavailable_with_retry_info()
    {
        _server.Sink.Outcome = IngestOutcome.QueueFull;
        _server.Sink.RetryAfterSeconds = 12;

        var ex = await Assert.ThrowsAsync<RpcException>(() => CallAsync(TraceExport, Otlp.Traces(Otlp.Span())));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        var details = ex.Trailers.GetValueBytes("grpc-status-details-bin");
        Assert.NotNull(details);
        var status = Proto.Rpc.Status.Parser.ParseFrom(details);
        Assert.Equal((int)StatusCode.Unavailable, status.Code);
        var retry = Assert.Single(status.Details).Unpack<RetryInfo>();
        Assert.Equal(TimeSpan.FromSeconds(12), retry.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public async Task Shutting_down_is_unavailable_without_retry_delay()
    {
        _server.Sink.Outcome = IngestOutcome.ShuttingDown;

        var ex = await Assert.ThrowsAsync<RpcException>(() => CallAsync(LogsExport, new ExportLogsServiceRequest { ResourceLogs = { new Proto.Logs.ResourceLogs { ScopeLogs = { new Proto.Logs.ScopeLogs { LogRecords = { new Proto.Logs.LogRecord() } } } } } }));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Null(ex.Trailers.GetValueBytes("grpc-status-details-bin"));
    }
}
