using Argus.Core.Telemetry;

namespace Argus.Server.Api;

// Wire shapes of the query API. Ids are hex strings, times ISO-8601 UTC, durations milliseconds.

internal sealed record ServicesResponse(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ServiceSummary> Services);

internal sealed record RedResponse(string Service, DateTimeOffset From, DateTimeOffset To, double StepSeconds, IReadOnlyList<RedPoint> Points);

/// <summary>A service's outgoing calls (client spans other than database statements) by target.</summary>
internal sealed record ServiceCallsResponse(string Service, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ExternalCallStats> Calls);

/// <summary>A service's failed spans by operation and exception type.</summary>
internal sealed record ServiceErrorsResponse(string Service, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ServiceErrorItem> Errors);

/// <summary>One group of failed spans; <see cref="SampleTraceId"/> is the newest one's trace.</summary>
internal sealed record ServiceErrorItem(string Operation, string? ExceptionType, string? Message, long Count, DateTimeOffset LastSeen, string SampleTraceId);

internal sealed record TraceListResponse(IReadOnlyList<TraceListItem> Traces);

internal sealed record TraceListItem(string TraceId, string RootService, string RootName, DateTimeOffset Start, double DurationMs, int SpanCount, int ErrorCount);

internal sealed record AttributeDto(string Key, string Value);

internal sealed record SpanEventDto(string Name, DateTimeOffset Time, IReadOnlyList<AttributeDto> Attributes);

/// <summary>
/// A span of a trace, in display order (depth first, children by start time). The tree is given by
/// <see cref="Depth"/> and <see cref="ParentIndex"/> rather than by nesting, so no serializer depth limit can cut it.
/// <see cref="Index"/> is the span's position in the list; the profile's step number is <c>Index + 1</c>.
/// </summary>
internal sealed record TraceSpan(
    int Index,
    int Depth,
    int? ParentIndex,
    int ChildCount,
    string SpanId,
    string? ParentSpanId,
    string Service,
    string? Instance,
    string Name,
    string Kind,
    DateTimeOffset Start,
    double StartOffsetMs,
    double DurationMs,
    double SharePercent,
    string Status,
    string? StatusMessage,
    string? DbSystem,
    string? DbStatement,
    string? ServerAddress,
    string? HttpMethod,
    string? HttpRoute,
    int? HttpStatusCode,
    string? Url,
    string? ExceptionType,
    string? ExceptionMessage,
    IReadOnlyList<AttributeDto> Attributes,
    IReadOnlyList<AttributeDto> ResourceAttributes,
    IReadOnlyList<SpanEventDto> Events);

internal sealed record SqlCall(int Index, string SpanId, string Service, string? DbSystem, string? DbName, string Statement, string NormalizedStatement, string Crud, IReadOnlyList<string> Tables, double DurationMs, double SharePercent, bool IsError);

internal sealed record ExternalCall(int Index, string SpanId, string Service, string Name, string? Address, int? Port, string? Url, string? Method, int? StatusCode, double DurationMs, double SharePercent, bool IsError);

internal sealed record ExceptionInfo(int Index, string SpanId, string Service, string Type, string? Message, string? StackTrace);

internal sealed record TraceResponse(
    string TraceId,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    IReadOnlyList<string> Services,
    int OmittedSpanCount,
    IReadOnlyList<TraceSpan> Spans,
    IReadOnlyList<SqlCall> Sql,
    IReadOnlyList<ExternalCall> ExternalCalls,
    IReadOnlyList<ExceptionInfo> Exceptions);

internal sealed record SqlStatementItem(
    string Fingerprint,
    string NormalizedStatement,
    string SampleStatement,
    string Crud,
    IReadOnlyList<string> Tables,
    string? DbSystem,
    string? DbName,
    long Count,
    double TotalMs,
    double AverageMs,
    double MaxMs,
    long ErrorCount);

internal sealed record SqlResponse(DateTimeOffset From, DateTimeOffset To, string OrderBy, IReadOnlyList<SqlStatementItem> Statements);

internal sealed record LogItem(
    DateTimeOffset Time,
    string Level,
    int SeverityNumber,
    string? SeverityText,
    string Body,
    string Service,
    string? Instance,
    string? TraceId,
    string? SpanId,
    string? ExceptionType,
    string? ExceptionMessage,
    IReadOnlyList<AttributeDto> Attributes,
    string? IssueId);

internal sealed record LogsResponse(IReadOnlyList<LogItem> Logs);

internal sealed record LogLevelsResponse(DateTimeOffset From, DateTimeOffset To, double StepSeconds, IReadOnlyList<LogLevelCount> Counts);

internal sealed record MetricsResponse(IReadOnlyList<MetricSummary> Metrics);

/// <summary>The attribute keys a metric's series can be grouped by: its points' keys, then its resources' keys.</summary>
internal sealed record MetricAttributesResponse(string Name, IReadOnlyList<string> Keys);

/// <summary>
/// A metric's values per time bucket and series. <see cref="Bounds"/> (heatmap only) are the buckets' upper bounds; each
/// point then carries <c>bucketCounts</c>, one more than the bounds (the last bucket is unbounded).
/// </summary>
internal sealed record MetricSeriesResponse(
    string Name,
    MetricKind Kind,
    string? Unit,
    bool Monotonic,
    string Agg,
    DateTimeOffset From,
    DateTimeOffset To,
    double StepSeconds,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<MetricSeriesItem> Series,
    int OtherSeriesCount,
    IReadOnlyList<double>? Bounds);

/// <summary>One series: its group-by values by key (absent for the pooled "other" series) and its buckets, oldest first.</summary>
internal sealed record MetricSeriesItem(IReadOnlyDictionary<string, string>? Labels, bool Other, IReadOnlyList<MetricSeriesPoint> Points);

internal sealed record HealthResponse(string Status, string Version);

internal sealed record CreateTenantRequest(string? Id, string? Name);

internal sealed record CreateKeyRequest(string? Name, string? Role);

/// <summary>A newly created key: the only answer that ever carries a key.</summary>
internal sealed record CreatedKeyResponse(string Id, string TenantId, string Name, string Role, string Key);

internal sealed record KeyItem(string Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

internal sealed record TenantResponse(string Id, string Name, CreatedKeyResponse AdminKey);
