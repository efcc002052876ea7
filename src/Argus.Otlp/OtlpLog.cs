using Microsoft.Extensions.Logging;

namespace Argus.Otlp;

/// <summary>Log messages of the OTLP receiver. Event ids are stable: dashboards and alerts may match on them.</summary>
internal static partial class OtlpLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "OTLP {Signal} from tenant {TenantId}: {Rejected} record(s) rejected: {Reason}")]
    public static partial void RecordsRejected(ILogger logger, string signal, string tenantId, long rejected, string? reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "OTLP {Signal} from tenant {TenantId} refused: the ingest queue is full ({Count} record(s)); client told to retry after {RetryAfterSeconds} s")]
    public static partial void QueueFull(ILogger logger, string signal, string tenantId, int count, int retryAfterSeconds);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "OTLP {Signal} from tenant {TenantId} refused: the server is shutting down")]
    public static partial void ShuttingDown(ILogger logger, string signal, string tenantId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "OTLP {Signal} from tenant {TenantId} not stored: committing its {Count} record(s) failed; client told to retry after {RetryAfterSeconds} s")]
    public static partial void WriteFailed(ILogger logger, string signal, string tenantId, int count, int retryAfterSeconds);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "OTLP/HTTP request to {Path} refused with {StatusCode}: {Detail}")]
    public static partial void RequestRefused(ILogger logger, string path, int statusCode, string detail);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "OTLP/gRPC request to {Service} refused with {StatusCode}: {Detail}")]
    public static partial void GrpcRequestRefused(ILogger logger, string service, string statusCode, string detail);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "OTLP request to {Path} has no '" + Core.Tenancy.ArgusClaimTypes.TenantId + "' claim; is authentication configured for the OTLP endpoints?")]
    public static partial void MissingTenant(ILogger logger, string path);
}
