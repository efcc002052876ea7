namespace Argus.Core.Telemetry;

/// <summary>OpenTelemetry span kind, with the OTLP numbering.</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>OpenTelemetry span status code, with the OTLP numbering.</summary>
public enum SpanStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>
/// An attribute as Argus keeps it: the key and the value rendered as text
/// (arrays and maps as compact JSON, booleans as <c>true</c>/<c>false</c>, numbers in invariant culture).
/// </summary>
public readonly record struct TelemetryAttribute(string Key, string Value);

/// <summary>A span event; exception events carry <c>exception.type</c>, <c>exception.message</c> and <c>exception.stacktrace</c>.</summary>
public sealed record SpanEvent(string Name, long TimeUnixNano, IReadOnlyList<TelemetryAttribute> Attributes);

/// <summary>
/// One span, tenant-scoped, with the attributes that Argus queries promoted to properties.
/// The promoted values are also left in <see cref="Attributes"/>; stores may drop duplicates.
/// </summary>
public sealed record SpanRecord
{
    public required string TenantId { get; init; }
    public required TraceId TraceId { get; init; }
    public required SpanId SpanId { get; init; }
    public SpanId ParentSpanId { get; init; }
    public required string ServiceName { get; init; }
    public string? ServiceInstanceId { get; init; }
    public string? DeploymentEnvironment { get; init; }
    public string? ScopeName { get; init; }
    public required string Name { get; init; }
    public SpanKind Kind { get; init; }
    public long StartTimeUnixNano { get; init; }
    public long DurationNano { get; init; }
    public SpanStatusCode StatusCode { get; init; }
    public string? StatusMessage { get; init; }

    // Promoted attributes (semantic conventions; older names are folded into the newer ones at ingest).
    public string? DbSystem { get; init; }
    /// <summary><c>db.query.text</c>, or the older <c>db.statement</c>.</summary>
    public string? DbStatement { get; init; }
    /// <summary><c>db.operation.name</c>, or the older <c>db.operation</c>.</summary>
    public string? DbOperation { get; init; }
    /// <summary><c>db.namespace</c>, or the older <c>db.name</c>.</summary>
    public string? DbName { get; init; }
    /// <summary>Fingerprint of the normalised statement (literals removed); 0 when there is no statement.</summary>
    public ulong DbFingerprint { get; init; }
    public string? ServerAddress { get; init; }
    public int? ServerPort { get; init; }
    /// <summary><c>http.request.method</c>, or the older <c>http.method</c>.</summary>
    public string? HttpMethod { get; init; }
    public string? HttpRoute { get; init; }
    /// <summary><c>http.response.status_code</c>, or the older <c>http.status_code</c>.</summary>
    public int? HttpStatusCode { get; init; }
    /// <summary><c>url.full</c>, or <c>url.path</c>, or the older <c>http.url</c>/<c>http.target</c>.</summary>
    public string? Url { get; init; }
    /// <summary>The type of the first exception event, or <c>exception.type</c> on the span.</summary>
    public string? ExceptionType { get; init; }
    public string? ExceptionMessage { get; init; }

    /// <summary>The issue (exception fingerprint) this span's exception belongs to; 0 when it has none.</summary>
    public ulong IssueId { get; init; }

    public IReadOnlyList<TelemetryAttribute> Attributes { get; init; } = [];
    public IReadOnlyList<TelemetryAttribute> ResourceAttributes { get; init; } = [];
    public IReadOnlyList<SpanEvent> Events { get; init; } = [];

    /// <summary>End time, derived.</summary>
    public long EndTimeUnixNano => StartTimeUnixNano + DurationNano;

    /// <summary>True when the span reports an error (status) or an exception.</summary>
    public bool IsError => StatusCode == SpanStatusCode.Error || ExceptionType is not null;
}

/// <summary>One log record, tenant-scoped.</summary>
public sealed record LogRecord
{
    public required string TenantId { get; init; }
    public long TimeUnixNano { get; init; }
    public long ObservedTimeUnixNano { get; init; }
    /// <summary>OTLP severity number, 1 (TRACE) to 24 (FATAL4); 0 when unspecified.</summary>
    public int SeverityNumber { get; init; }
    public string? SeverityText { get; init; }
    public required string Body { get; init; }
    public required string ServiceName { get; init; }
    public string? ServiceInstanceId { get; init; }
    public string? DeploymentEnvironment { get; init; }
    public string? ScopeName { get; init; }
    public TraceId TraceId { get; init; }
    public SpanId SpanId { get; init; }
    public string? EventName { get; init; }
    public string? ExceptionType { get; init; }
    public string? ExceptionMessage { get; init; }
    public string? ExceptionStacktrace { get; init; }

    /// <summary>The issue this record belongs to: its exception's fingerprint, else its body's template; 0 when not grouped.</summary>
    public ulong IssueId { get; init; }

    public IReadOnlyList<TelemetryAttribute> Attributes { get; init; } = [];
    public IReadOnlyList<TelemetryAttribute> ResourceAttributes { get; init; } = [];
}

/// <summary>The OTLP metric data kinds.</summary>
public enum MetricKind
{
    Gauge = 1,
    Sum = 2,
    Histogram = 3,
    ExponentialHistogram = 4,
    Summary = 5,
}

/// <summary>
/// One metric data point, tenant-scoped. Gauges and sums carry <see cref="Value"/>; histograms carry
/// <see cref="Count"/>, <see cref="Sum"/>, optional min/max, and explicit bounds with bucket counts.
/// Exponential histograms are stored with their buckets converted to explicit upper bounds.
/// </summary>
public sealed record MetricPoint
{
    public required string TenantId { get; init; }
    public required string ServiceName { get; init; }
    public string? ServiceInstanceId { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Unit { get; init; }
    public MetricKind Kind { get; init; }
    public bool IsMonotonic { get; init; }
    /// <summary>1 = delta, 2 = cumulative, 0 = unspecified (gauges).</summary>
    public int AggregationTemporality { get; init; }
    public long StartTimeUnixNano { get; init; }
    public long TimeUnixNano { get; init; }
    public double? Value { get; init; }
    public ulong? Count { get; init; }
    public double? Sum { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public IReadOnlyList<double> ExplicitBounds { get; init; } = [];
    public IReadOnlyList<ulong> BucketCounts { get; init; } = [];
    public IReadOnlyList<TelemetryAttribute> Attributes { get; init; } = [];
    public IReadOnlyList<TelemetryAttribute> ResourceAttributes { get; init; } = [];
}

/// <summary>What one ingest request carries, already mapped and validated.</summary>
public sealed record TelemetryBatch(
    IReadOnlyList<SpanRecord> Spans,
    IReadOnlyList<LogRecord> Logs,
    IReadOnlyList<MetricPoint> Metrics)
{
    public static TelemetryBatch OfSpans(IReadOnlyList<SpanRecord> spans) => new(spans, [], []);
    public static TelemetryBatch OfLogs(IReadOnlyList<LogRecord> logs) => new([], logs, []);
    public static TelemetryBatch OfMetrics(IReadOnlyList<MetricPoint> metrics) => new([], [], metrics);

    /// <summary>Records in the batch, all signals together.</summary>
    public int Count => Spans.Count + Logs.Count + Metrics.Count;
}
