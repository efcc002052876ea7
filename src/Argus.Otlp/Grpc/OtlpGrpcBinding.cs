using System.Buffers;
using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

using Microsoft.Extensions.Logging;
using GrpcStatus = Grpc.Core.Status;

namespace Argus.Otlp.Grpc;

/// <summary>
/// Binds the three OTLP Export methods with Argus's own request marshaller instead of the generated one. The generated
/// one lets a parse failure escape as an unexpected exception (UNKNOWN, and a stack trace in the log per request); this
/// one answers INVALID_ARGUMENT with what is wrong, applies the same message budget and decode slots as OTLP/HTTP, and
/// logs one line.
/// </summary>
internal sealed class OtlpGrpcBinding<TService>(IServiceProvider services, ILogger<OtlpGrpcBinding<TService>> logger) : IServiceMethodProvider<TService>
    where TService : class
{
    // Resolved at the first call, not when the routes are mapped: the ingest service reaches the store, whose options
    // must not be read (and validated) before start-up lists every configuration problem at once.
    private readonly Lazy<OtlpIngestService> _ingest = new(() => (OtlpIngestService)(services.GetService(typeof(OtlpIngestService)) ?? throw new InvalidOperationException("OtlpIngestService is not registered.")));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        switch (context)
        {
            case ServiceMethodProviderContext<OtlpGrpcTraceService> traces:
                traces.AddUnaryMethod(Method<ExportTraceServiceRequest, ExportTraceServiceResponse>(TraceServiceReflection.Descriptor.Services[0]), [],
                    (service, request, call) => service.Export(request, call));
                break;
            case ServiceMethodProviderContext<OtlpGrpcLogsService> logs:
                logs.AddUnaryMethod(Method<ExportLogsServiceRequest, ExportLogsServiceResponse>(LogsServiceReflection.Descriptor.Services[0]), [],
                    (service, request, call) => service.Export(request, call));
                break;
            case ServiceMethodProviderContext<OtlpGrpcMetricsService> metrics:
                metrics.AddUnaryMethod(Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(MetricsServiceReflection.Descriptor.Services[0]), [],
                    (service, request, call) => service.Export(request, call));
                break;
        }
    }

    private Method<TRequest, TResponse> Method<TRequest, TResponse>(ServiceDescriptor service)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        var parser = new MessageParser<TRequest>(() => new TRequest());
        var descriptor = new TRequest().Descriptor;
        var requests = Marshallers.Create<TRequest>(
            (message, serialization) => serialization.Complete(message.ToByteArray()),
            deserialization => Parse(deserialization.PayloadAsReadOnlySequence(), parser, descriptor, service.FullName));
        var responses = Marshallers.Create<TResponse>(
            (message, serialization) => serialization.Complete(message.ToByteArray()),
            deserialization => new MessageParser<TResponse>(() => new TResponse()).ParseFrom(deserialization.PayloadAsReadOnlySequence()));
        return new Method<TRequest, TResponse>(MethodType.Unary, service.FullName, "Export", requests, responses);
    }

    private TRequest Parse<TRequest>(ReadOnlySequence<byte> payload, MessageParser<TRequest> parser, MessageDescriptor descriptor, string service)
        where TRequest : IMessage<TRequest>
    {
        var ingest = _ingest.Value;
        using var slot = ingest.EnterDecode()
            ?? throw Refuse(service, StatusCode.Unavailable, $"{ingest.Options.MaxConcurrentDecodes} requests are being decoded already (Argus:Ingest:MaxConcurrentDecodes); retry later.");

        // gRPC has already bounded the payload by MaxReceiveMessageSize (Argus:Ingest:MaxRequestBodyBytes).
        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        if (MessageBudget.Exceeded(bytes, descriptor, ingest.Options.MinBytesPerMessage) is { } tooMany)
        {
            throw Refuse(service, StatusCode.InvalidArgument, tooMany);
        }

        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Refuse(service, StatusCode.InvalidArgument, $"The request is not a valid {descriptor.Name} protobuf message: {Http.OtlpJson.OneLine(ex.Message)}");
        }
    }

    private RpcException Refuse(string service, StatusCode code, string detail)
    {
        OtlpLog.GrpcRequestRefused(logger, service, code.ToString(), detail);
        return new RpcException(new GrpcStatus(code, detail));
    }
}
