using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Otlp.Proto.Rpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using GrpcStatus = Grpc.Core.Status;
using RpcStatus = Argus.Otlp.Proto.Rpc.Status;

namespace Argus.Otlp.Grpc;

/// <summary>OTLP/gRPC trace receiver: a thin adapter over <see cref="OtlpIngestService"/>, bound by <see cref="OtlpGrpcBinding{TService}"/>.</summary>
internal sealed class OtlpGrpcTraceService(OtlpIngestService ingest, ILogger<OtlpGrpcTraceService> logger)
{
    public async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        var result = await ingest.ExportAsync(request, OtlpGrpc.RequireTenant(context, logger), context.CancellationToken);
        OtlpGrpc.ThrowIfRefused(result);
        var response = new ExportTraceServiceResponse();
        if (result.Rejected > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.ErrorMessage ?? string.Empty };
        }

        return response;
    }
}

/// <summary>OTLP/gRPC logs receiver: a thin adapter over <see cref="OtlpIngestService"/>.</summary>
internal sealed class OtlpGrpcLogsService(OtlpIngestService ingest, ILogger<OtlpGrpcLogsService> logger)
{
    public async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        var result = await ingest.ExportAsync(request, OtlpGrpc.RequireTenant(context, logger), context.CancellationToken);
        OtlpGrpc.ThrowIfRefused(result);
        var response = new ExportLogsServiceResponse();
        if (result.Rejected > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = result.Rejected, ErrorMessage = result.ErrorMessage ?? string.Empty };
        }

        return response;
    }
}

/// <summary>OTLP/gRPC metrics receiver: a thin adapter over <see cref="OtlpIngestService"/>.</summary>
internal sealed class OtlpGrpcMetricsService(OtlpIngestService ingest, ILogger<OtlpGrpcMetricsService> logger)
{
    public async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        var result = await ingest.ExportAsync(request, OtlpGrpc.RequireTenant(context, logger), context.CancellationToken);
        OtlpGrpc.ThrowIfRefused(result);
        var response = new ExportMetricsServiceResponse();
        if (result.Rejected > 0)
        {
            response.PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = result.Rejected, ErrorMessage = result.ErrorMessage ?? string.Empty };
        }

        return response;
    }
}

/// <summary>What the three gRPC services share: the tenant check and the mapping of refusals to status codes.</summary>
internal static class OtlpGrpc
{
    /// <summary>The trailer in which gRPC carries a serialized <c>google.rpc.Status</c> with error details.</summary>
    public const string StatusDetailsTrailer = "grpc-status-details-bin";

    public static string RequireTenant(ServerCallContext context, ILogger logger)
    {
        var tenant = OtlpIngestService.TenantOf(context.GetHttpContext().User);
        if (tenant is null)
        {
            OtlpLog.MissingTenant(logger, context.Method);
            throw new RpcException(new GrpcStatus(StatusCode.Unauthenticated, "The caller is not authenticated for a tenant."));
        }

        return tenant;
    }

    /// <summary>
    /// A full queue and a failed commit answer UNAVAILABLE with a google.rpc.RetryInfo: OTLP clients always retry
    /// UNAVAILABLE and honour the delay when they read it (RESOURCE_EXHAUSTED would be retried only by clients that
    /// parse RetryInfo). Shutting down answers UNAVAILABLE without a delay, so clients can fail over at once.
    /// </summary>
    public static void ThrowIfRefused(OtlpIngestResult result)
    {
        switch (result.Status)
        {
            case OtlpIngestStatus.QueueFull:
                throw RetryLater("The Argus ingest queue is full; retry later.", result.RetryAfterSeconds);
            case OtlpIngestStatus.WriteFailed:
                throw RetryLater("The Argus store could not commit the data and kept none of it; retry later.", result.RetryAfterSeconds);
            case OtlpIngestStatus.ShuttingDown:
                throw new RpcException(new GrpcStatus(StatusCode.Unavailable, "The Argus server is shutting down."));
        }
    }

    private static RpcException RetryLater(string message, int retryAfterSeconds)
    {
        var details = new RpcStatus { Code = (int)StatusCode.Unavailable, Message = message };
        details.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(retryAfterSeconds)) }));
        return new RpcException(
            new GrpcStatus(StatusCode.Unavailable, message),
            new Metadata { { StatusDetailsTrailer, details.ToByteArray() } });
    }
}
