namespace Argus.Core.Telemetry;

/// <summary>The outcome of offering a batch to the ingest queue.</summary>
public enum IngestOutcome
{
    /// <summary>Committed to the store: it survives a crash, so the caller may acknowledge it.</summary>
    Accepted,
    /// <summary>The queue is full: the caller should answer with a retryable status and Retry-After.</summary>
    QueueFull,
    /// <summary>The server is stopping and takes no more data.</summary>
    ShuttingDown,
    /// <summary>The store could not commit the batch: nothing of it is kept, and the caller should answer with a retryable status.</summary>
    WriteFailed,
}

/// <summary>
/// Where receivers hand mapped telemetry. Implementations are bounded: they never buffer without limit,
/// and say so with <see cref="IngestOutcome.QueueFull"/> instead.
/// </summary>
public interface ITelemetrySink
{
    /// <summary>
    /// Offers a batch. Never waits for room: a full queue or a stopping server answers at once. An accepted batch
    /// completes with <see cref="IngestOutcome.Accepted"/> only once it is committed to the store (durable), or with
    /// <see cref="IngestOutcome.WriteFailed"/> when the commit failed.
    /// </summary>
    /// <param name="batch">The records of one request.</param>
    /// <param name="cancellationToken">Stops the waiting (the caller went away), not the write: a queued batch is still written.</param>
    Task<IngestOutcome> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken);

    /// <summary>A hint, in seconds, for Retry-After when the sink is full.</summary>
    int RetryAfterSeconds { get; }
}

/// <summary>Writes telemetry to a store, for the ingest writers (several may call at once).</summary>
public interface ITelemetryWriter
{
    /// <summary>
    /// Writes the batches in one transaction: when the task completes successfully every record is committed and
    /// survives a crash of the process; when it fails none is kept.
    /// </summary>
    Task WriteAsync(IReadOnlyList<TelemetryBatch> batches, CancellationToken cancellationToken);
}

/// <summary>Keeps the store within its age and size limits.</summary>
public interface ITelemetryRetention
{
    /// <summary>Deletes data older than <paramref name="olderThan"/>, then the oldest data until the store is under <paramref name="maxBytes"/> (0 = no size limit).</summary>
    Task<RetentionResult> ApplyRetentionAsync(DateTimeOffset olderThan, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Bytes the store takes on disk now.</summary>
    long GetStorageBytes();
}

/// <summary>What a retention pass removed.</summary>
public sealed record RetentionResult(long SpansDeleted, long LogsDeleted, long MetricPointsDeleted, long BytesAfter);

/// <summary>Reads telemetry. Every method is scoped to one tenant.</summary>
public interface ITelemetryReader
{
    Task<IReadOnlyList<ServiceSummary>> GetServicesAsync(string tenantId, TimeRange range, CancellationToken cancellationToken);

    Task<IReadOnlyList<RedPoint>> GetRedAsync(string tenantId, RedQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="GetRedAsync"/> for every service seen in the range, at each of <paramref name="steps"/>, in one read:
    /// each service's points at a step are the ones its own <see cref="GetRedAsync"/> answers at that step (no endpoint
    /// filter), ordered by step (as given), service, time and endpoint. The default reads service by service and step by
    /// step; a store overrides it to read the range once (the home asks for all services, by range and by sparkline step).
    /// </summary>
    async Task<IReadOnlyList<ServiceRedPoint>> GetServicesRedAsync(string tenantId, TimeRange range, IReadOnlyList<TimeSpan> steps, CancellationToken cancellationToken)
    {
        var points = new List<ServiceRedPoint>();
        var services = (await GetServicesAsync(tenantId, range, cancellationToken)).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
        foreach (var step in steps.Distinct())
        {
            foreach (var service in services)
            {
                points.AddRange((await GetRedAsync(tenantId, new RedQuery(service, range, step), cancellationToken)).Select(p => new ServiceRedPoint(service, step, p)));
            }
        }

        return points;
    }

    /// <summary>All spans of a trace, ordered by start time; empty when the trace is unknown to this tenant.</summary>
    Task<IReadOnlyList<SpanRecord>> GetTraceAsync(string tenantId, TraceId traceId, CancellationToken cancellationToken);

    /// <summary>
    /// The spans of a trace that start within <paramref name="within"/>: when the caller knows roughly when the trace
    /// happened (an alert's window), the store reads only that stretch of time instead of every trace id it holds.
    /// </summary>
    Task<IReadOnlyList<SpanRecord>> GetTraceAsync(string tenantId, TraceId traceId, TimeRange within, CancellationToken cancellationToken) =>
        GetTraceAsync(tenantId, traceId, cancellationToken);

    Task<IReadOnlyList<TraceSummary>> SearchTracesAsync(string tenantId, TraceQuery query, CancellationToken cancellationToken);

    /// <summary>Database statements grouped by <see cref="SpanRecord.DbFingerprint"/>.</summary>
    Task<IReadOnlyList<SqlStatementStats>> GetSqlStatementsAsync(string tenantId, SqlQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<LogRecord>> SearchLogsAsync(string tenantId, LogQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<LogLevelCount>> GetLogLevelCountsAsync(string tenantId, LogLevelQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<MetricSummary>> GetMetricsAsync(string tenantId, string? service, TimeRange range, CancellationToken cancellationToken);
}

/// <summary>A service seen in a range.</summary>
public sealed record ServiceSummary(string Name, long SpanCount, long ErrorCount, long ServerSpanCount);

/// <summary>Parameters of a RED (rate, errors, duration) query over a service's server spans.</summary>
/// <param name="ByEndpoint">One point per step and endpoint (the default); false: one point per step over all the
/// service's endpoints, with <see cref="RedPoint.Endpoint"/> empty and the percentiles of all its requests.</param>
public sealed record RedQuery(string Service, TimeRange Range, TimeSpan Step, string? Endpoint = null, bool ByEndpoint = true);

/// <summary>One step of one endpoint: request and error counts and duration percentiles in milliseconds.</summary>
public sealed record RedPoint(
    DateTimeOffset Time,
    string Endpoint,
    long Requests,
    long Errors,
    double P50Ms,
    double P90Ms,
    double P95Ms,
    double P99Ms);

/// <summary>One service's <see cref="RedPoint"/>, from <see cref="ITelemetryReader.GetServicesRedAsync"/>.</summary>
public sealed record ServiceRedPoint(string Service, TimeSpan Step, RedPoint Point);

/// <summary>
/// Trace search filters; null means any. A trace matches when one of its spans matches every filter.
/// <see cref="Attributes"/> are exact key=value pairs, each found among the span's attributes or its resource's.
/// </summary>
public sealed record TraceQuery(
    TimeRange Range,
    string? Service = null,
    string? Operation = null,
    double? MinDurationMs = null,
    SpanStatusCode? Status = null,
    int Limit = 20,
    double? MaxDurationMs = null,
    IReadOnlyList<TelemetryAttribute>? Attributes = null);

/// <summary>How a trace search's attribute filter is written in a query string: <c>key=value</c>, split at the first <c>=</c>.</summary>
public static class AttributeFilter
{
    /// <summary>The most key=value pairs one search takes (each is a scan of the spans' attribute strings).</summary>
    public const int MaxPerQuery = 10;

    /// <summary>Reads <c>key=value</c>; false when there is no <c>=</c> or the key is blank. The value may be empty or hold <c>=</c>.</summary>
    public static bool TryParse(string? text, out TelemetryAttribute attribute)
    {
        attribute = default;
        var at = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        if (at <= 0 || string.IsNullOrWhiteSpace(text![..at]))
        {
            return false;
        }

        attribute = new TelemetryAttribute(text[..at].Trim(), text[(at + 1)..]);
        return true;
    }

    /// <summary>The <c>key=value</c> form <see cref="TryParse"/> reads.</summary>
    public static string Format(TelemetryAttribute attribute) => attribute.Key + "=" + attribute.Value;
}

/// <summary>A trace found by search, described by its root (or earliest) span.</summary>
public sealed record TraceSummary(
    TraceId TraceId,
    string RootService,
    string RootName,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    int ErrorCount);

/// <summary>How SQL statement groups are ordered.</summary>
public enum SqlOrder
{
    Total,
    Average,
    Max,
    Count,
}

/// <summary>Filters for the SQL statement statistics.</summary>
public sealed record SqlQuery(TimeRange Range, string? Service = null, SqlOrder OrderBy = SqlOrder.Total, int Limit = 50);

/// <summary>One group of statements with the same fingerprint; <see cref="SampleStatement"/> is one raw statement of the group.</summary>
public sealed record SqlStatementStats(
    ulong Fingerprint,
    string SampleStatement,
    string? DbSystem,
    string? DbName,
    long Count,
    double TotalMs,
    double AverageMs,
    double MaxMs,
    long ErrorCount)
{
    /// <summary>A few of the group's slowest statements' traces, slowest first (empty when the store keeps none).</summary>
    public IReadOnlyList<SqlExampleTrace> Examples { get; init; } = [];
}

/// <summary>A trace with one statement of a fingerprint group, and how long that statement took.</summary>
public sealed record SqlExampleTrace(TraceId TraceId, double DurationMs);

/// <summary>Log search filters. <see cref="Text"/> is a case-insensitive substring of the body; <see cref="SpanId"/> the span a record was written in.</summary>
public sealed record LogQuery(
    TimeRange Range,
    string? Service = null,
    int MinSeverity = 0,
    string? Text = null,
    TraceId? TraceId = null,
    int Limit = 100,
    ulong? IssueId = null,
    SpanId? SpanId = null);

/// <summary>Log counts by level per step.</summary>
public sealed record LogLevelQuery(TimeRange Range, TimeSpan Step, string? Service = null);

/// <summary>A count of log records of one level in one step. <see cref="Level"/> is the OTLP short name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, UNSPECIFIED).</summary>
public sealed record LogLevelCount(DateTimeOffset Time, string Level, long Count);

/// <summary>A metric name seen in a range.</summary>
public sealed record MetricSummary(string Name, MetricKind Kind, string? Unit, string ServiceName, long PointCount);

/// <summary>Maps OTLP severity numbers to their short level names.</summary>
public static class SeverityLevels
{
    /// <summary>TRACE for 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24, else UNSPECIFIED.</summary>
    public static string NameOf(int severityNumber) => severityNumber switch
    {
        >= 1 and <= 4 => "TRACE",
        >= 5 and <= 8 => "DEBUG",
        >= 9 and <= 12 => "INFO",
        >= 13 and <= 16 => "WARN",
        >= 17 and <= 20 => "ERROR",
        >= 21 and <= 24 => "FATAL",
        _ => "UNSPECIFIED",
    };

    /// <summary>The lowest severity number of a level name (case-insensitive), e.g. WARN → 13; null when unknown.</summary>
    public static int? MinNumberOf(string level) => level.ToUpperInvariant() switch
    {
        "TRACE" => 1,
        "DEBUG" => 5,
        "INFO" or "INFORMATION" => 9,
        "WARN" or "WARNING" => 13,
        "ERROR" => 17,
        "FATAL" or "CRITICAL" => 21,
        _ => null,
    };
}
