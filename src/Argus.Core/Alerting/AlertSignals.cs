using Argus.Core.Telemetry;

namespace Argus.Core.Alerting;

/// <summary>Which telemetry an alert rule counts. Each maps to one predicate over stored spans or logs.</summary>
public enum AlertSignal
{
    /// <summary>Database client spans (a statement or a database system) at or over <see cref="AlertSignalQuery.MinDurationMs"/>.</summary>
    SlowSql,

    /// <summary>Connection-pool acquisition spans at or over the duration (names such as <c>getConnection</c>, <c>connection acquire</c>, <c>HikariPool.getConnection</c>, <c>db.client.connection.wait</c>).</summary>
    DbConnectionWait,

    /// <summary>HTTP or RPC client spans that are not database calls, at or over the duration; optionally to one host.</summary>
    ExternalDelay,

    /// <summary>Spans with an exception or error status, and ERROR-or-worse logs that carry an exception; optionally of one exception type.</summary>
    Exception,

    /// <summary>Transactions (traces) that issued at least <see cref="AlertSignalQuery.MinCount"/> database statements.</summary>
    ExcessiveSql,

    /// <summary>Database spans whose <c>db.response.returned_rows</c> is at least <see cref="AlertSignalQuery.MinCount"/>.</summary>
    ExcessiveRows,

    /// <summary>Server spans with an error (for error-rate rules: the errors; the requests come from the RED query).</summary>
    ServerError,

    /// <summary>Server spans at or over the duration (for latency rules: the slow requests).</summary>
    SlowServer,

    /// <summary>Log records at or above <see cref="AlertSignalQuery.MinSeverity"/>.</summary>
    Log,
}

/// <summary>What an alert rule asks of the store for one window. Null filters mean any.</summary>
public sealed record AlertSignalQuery(
    AlertSignal Signal,
    TimeRange Range,
    string? Service = null,
    string? Environment = null,
    string? Endpoint = null,
    double? MinDurationMs = null,
    long? MinCount = null,
    string? ExceptionType = null,
    string? Host = null,
    int MinSeverity = 17,
    int MaxInstances = 20);

/// <summary>How often the signal occurred in the window, where, and the worst occurrence.</summary>
/// <param name="Occurrences">Matching spans or log records (for <see cref="AlertSignal.ExcessiveSql"/>: matching traces).</param>
/// <param name="Instances">Occurrences per service instance (<c>service.instance.id</c>, else the service), most first.</param>
/// <param name="WorstTraceId">The trace of the worst occurrence (longest, most statements, most rows); null when none carries a trace.</param>
/// <param name="WorstValue">Its value: milliseconds, statements or rows.</param>
/// <param name="WorstService">The service of the worst occurrence.</param>
public sealed record AlertSignalResult(
    long Occurrences,
    IReadOnlyList<InstanceCount> Instances,
    TraceId? WorstTraceId,
    double WorstValue,
    string? WorstService)
{
    /// <summary>Nothing matched.</summary>
    public static AlertSignalResult None { get; } = new(0, [], null, 0, null);
}

/// <summary>A count for one service instance.</summary>
public sealed record InstanceCount(string Instance, long Count);

/// <summary>Answers alert-rule queries; scoped to one tenant like every reader.</summary>
public interface IAlertSignalReader
{
    /// <summary>Counts the signal in the window and finds its worst occurrence.</summary>
    Task<AlertSignalResult> QueryAlertSignalAsync(string tenantId, AlertSignalQuery query, CancellationToken cancellationToken);
}
