using Microsoft.Extensions.Logging;

namespace Argus.Storage.DuckDb;

/// <summary>The store's log messages; event ids 3100-3199 belong to the DuckDB store.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Opened DuckDB telemetry store {Path} (schema version {Version}).")]
    public static partial void Opened(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Created DuckDB telemetry schema version {Version} in {Path}.")]
    public static partial void SchemaCreated(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Wrote {Spans} spans, {Logs} logs and {Metrics} metric points in {ElapsedMs} ms.")]
    public static partial void Wrote(ILogger logger, int spans, int logs, int metrics, long elapsedMs);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Retention deleted {Spans} spans, {Logs} logs and {Metrics} metric points; the store uses {UsedBytes} bytes in a {FileBytes}-byte file.")]
    public static partial void RetentionApplied(ILogger logger, long spans, long logs, long metrics, long usedBytes, long fileBytes);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "CHECKPOINT did not run ({Reason}); freed space is reused after the next automatic checkpoint.")]
    public static partial void CheckpointSkipped(ILogger logger, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Size retention stopped: the store still uses {UsedBytes} bytes (limit {MaxBytes}) but holds no more data to delete.")]
    public static partial void SizeRetentionExhausted(ILogger logger, long usedBytes, long maxBytes);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "The closing CHECKPOINT failed; the write-ahead log will be replayed at the next start.")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);
}
