using Argus.Analysis.Sql;
using Argus.Core.Telemetry;

namespace Argus.Analysis.Profiles;

/// <summary>What a step of a transaction does, as the profile classifies its span.</summary>
public enum StepType
{
    /// <summary>Work inside a service that is none of the below.</summary>
    Internal,
    /// <summary>A span that receives a request (span kind SERVER).</summary>
    Server,
    /// <summary>A database call (the span has <c>db.system</c> or a statement).</summary>
    Sql,
    /// <summary>Waiting for a connection from a pool (see <see cref="TransactionProfileBuilder"/> for the rule).</summary>
    ConnectionWait,
    /// <summary>An outgoing HTTP or RPC call (span kind CLIENT, not a database).</summary>
    External,
    /// <summary>Producing or consuming a message.</summary>
    Messaging,
}

/// <summary>
/// One transaction (all spans of one trace) measured: where its time went, its SQL, its external calls, its connection
/// waits and its exceptions. Built by <see cref="TransactionProfileBuilder"/>; deterministic for the same spans.
/// </summary>
/// <remarks>
/// Shares are percentages of <see cref="DurationMs"/>, the root span's duration (the response time). Spans running in
/// parallel can make a sum of shares exceed 100. Lists are capped by <see cref="ProfileOptions"/>; totals and
/// <see cref="SqlGroups"/>/<see cref="ExternalTargets"/> always cover every span.
/// </remarks>
public sealed record TransactionProfile
{
    /// <summary>Trace id, 32 lower-case hex characters.</summary>
    public required string TraceId { get; init; }
    /// <summary>Span id of the root span, 16 hex characters.</summary>
    public required string RootSpanId { get; init; }
    /// <summary>Service of the root span.</summary>
    public required string Service { get; init; }
    /// <summary>Instance (<c>service.instance.id</c>, e.g. the pod) of the root span.</summary>
    public string? Instance { get; init; }
    /// <summary>Deployment environment of the root span.</summary>
    public string? Environment { get; init; }
    /// <summary>HTTP method and route (or URL) of the root span, else its name: <c>GET /orders/{id}</c>.</summary>
    public required string Endpoint { get; init; }
    /// <summary>HTTP status code of the root span.</summary>
    public int? HttpStatusCode { get; init; }
    /// <summary>True when the root span reports an error or an HTTP status of 500 or more.</summary>
    public bool IsError { get; init; }
    /// <summary>Start of the root span (UTC).</summary>
    public DateTimeOffset Start { get; init; }
    /// <summary>Response time: the root span's duration in milliseconds.</summary>
    public double DurationMs { get; init; }
    /// <summary>Number of spans in the trace (all of them, kept or not).</summary>
    public int SpanCount { get; init; }
    /// <summary>Distinct services that took part.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Every span in tree order (depth first, children by start time), up to <see cref="ProfileOptions.MaxSteps"/>.</summary>
    public IReadOnlyList<ProfileStep> Steps { get; init; } = [];
    /// <summary>Database calls in tree order, up to <see cref="ProfileOptions.MaxSqlStatements"/>.</summary>
    public IReadOnlyList<SqlStatementProfile> Sql { get; init; } = [];
    /// <summary>Database calls grouped by normalised statement, most total time first, over every span.</summary>
    public IReadOnlyList<SqlGroupProfile> SqlGroups { get; init; } = [];
    /// <summary>Outgoing HTTP/RPC calls in tree order, up to <see cref="ProfileOptions.MaxExternalCalls"/>.</summary>
    public IReadOnlyList<ExternalCallProfile> ExternalCalls { get; init; } = [];
    /// <summary>Outgoing calls grouped by address, most total time first, over every span.</summary>
    public IReadOnlyList<ExternalTargetProfile> ExternalTargets { get; init; } = [];
    /// <summary>Connection-pool waits in tree order, up to <see cref="ProfileOptions.MaxSqlStatements"/>.</summary>
    public IReadOnlyList<ConnectionWaitProfile> ConnectionWaits { get; init; } = [];
    /// <summary>Exceptions from span events and ERROR logs, up to <see cref="ProfileOptions.MaxExceptions"/>.</summary>
    public IReadOnlyList<ExceptionProfile> Exceptions { get; init; } = [];

    /// <summary>Counts and times over every span.</summary>
    public required ProfileTotals Totals { get; init; }
    /// <summary>What the caps left out; null when nothing was.</summary>
    public ProfileTruncation? Truncation { get; init; }
    /// <summary>True when a cap left something out or shortened a statement.</summary>
    public bool Truncated => Truncation is not null;
}

/// <summary>One span of the transaction.</summary>
/// <param name="Index">Position in tree order, from 1; "SQL #3" in a report is the step with index 3.</param>
/// <param name="SpanId">Span id, 16 hex characters.</param>
/// <param name="ParentSpanId">Parent span id; null for a root.</param>
/// <param name="Depth">0 for the root, 1 for its children, ...</param>
/// <param name="Service">Service that recorded the span.</param>
/// <param name="Name">Span name.</param>
/// <param name="Kind">Span kind.</param>
/// <param name="Type">What the step does.</param>
/// <param name="StartOffsetMs">Start relative to the root's start.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
/// <param name="SharePercent">Duration as a percentage of the response time.</param>
/// <param name="IsError">True when the span reports an error or an exception.</param>
public sealed record ProfileStep(
    int Index,
    string SpanId,
    string? ParentSpanId,
    int Depth,
    string Service,
    string Name,
    SpanKind Kind,
    StepType Type,
    double StartOffsetMs,
    double DurationMs,
    double SharePercent,
    bool IsError);

/// <summary>One database call.</summary>
/// <param name="StepIndex">The step (see <see cref="ProfileStep.Index"/>).</param>
/// <param name="Statement">The statement as recorded, shortened to <see cref="ProfileOptions.MaxStatementLength"/>.</param>
/// <param name="NormalizedText">Literals replaced by <c>?</c> (see <see cref="SqlNormalizer"/>), shortened likewise.</param>
/// <param name="Fingerprint">Fingerprint of the normalised text, 16 hex characters; empty when there is no statement.</param>
/// <param name="DbSystem">Database system (<c>postgresql</c>, <c>mysql</c>, ...).</param>
/// <param name="DbName">Database (namespace).</param>
/// <param name="Tables">Tables the statement touches.</param>
/// <param name="Crud">The kind of access.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
/// <param name="SharePercent">Duration as a percentage of the response time.</param>
/// <param name="RowsReturned">Rows returned, from <c>db.response.returned_rows</c>.</param>
/// <param name="IsError">True when the call failed.</param>
public sealed record SqlStatementProfile(
    int StepIndex,
    string? Statement,
    string NormalizedText,
    string Fingerprint,
    string? DbSystem,
    string? DbName,
    IReadOnlyList<string> Tables,
    CrudKind Crud,
    double DurationMs,
    double SharePercent,
    long? RowsReturned,
    bool IsError);

/// <summary>Database calls of one normalised statement.</summary>
/// <param name="Fingerprint">Fingerprint, 16 hex characters (empty for calls without a statement, grouped by operation).</param>
/// <param name="NormalizedText">Normalised statement, shortened to <see cref="ProfileOptions.MaxStatementLength"/>.</param>
/// <param name="DbSystem">Database system.</param>
/// <param name="DbName">Database.</param>
/// <param name="Tables">Tables the statement touches.</param>
/// <param name="Crud">The kind of access.</param>
/// <param name="Count">Number of calls.</param>
/// <param name="TotalMs">Sum of durations.</param>
/// <param name="MaxMs">Longest call.</param>
/// <param name="SharePercent">Total as a percentage of the response time.</param>
/// <param name="FirstStepIndex">Step of the first call.</param>
/// <param name="SlowestStepIndex">Step of the longest call.</param>
/// <param name="RowsReturned">Sum of rows returned, when any call reported it.</param>
/// <param name="MaxRowsReturned">Most rows one call returned, when any call reported it.</param>
/// <param name="MaxRowsStepIndex">Step of the call that returned the most rows; 0 when none reported rows.</param>
public sealed record SqlGroupProfile(
    string Fingerprint,
    string NormalizedText,
    string? DbSystem,
    string? DbName,
    IReadOnlyList<string> Tables,
    CrudKind Crud,
    int Count,
    double TotalMs,
    double MaxMs,
    double SharePercent,
    int FirstStepIndex,
    int SlowestStepIndex,
    long? RowsReturned,
    long? MaxRowsReturned,
    int MaxRowsStepIndex);

/// <summary>One outgoing HTTP or RPC call.</summary>
/// <param name="StepIndex">The step.</param>
/// <param name="Address">Host and port (<c>server.address</c>:<c>server.port</c>, else from the URL, else the peer service).</param>
/// <param name="Method">HTTP method or RPC method.</param>
/// <param name="Url">URL, without its query string.</param>
/// <param name="StatusCode">HTTP status code.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
/// <param name="SharePercent">Duration as a percentage of the response time.</param>
/// <param name="IsError">True for an error status, an HTTP status of 400 or more, or an exception.</param>
public sealed record ExternalCallProfile(
    int StepIndex,
    string Address,
    string? Method,
    string? Url,
    int? StatusCode,
    double DurationMs,
    double SharePercent,
    bool IsError);

/// <summary>Outgoing calls to one address.</summary>
/// <param name="Address">Host and port.</param>
/// <param name="Count">Number of calls.</param>
/// <param name="TotalMs">Sum of durations.</param>
/// <param name="MaxMs">Longest call.</param>
/// <param name="SharePercent">Total as a percentage of the response time.</param>
/// <param name="ErrorCount">Calls that failed.</param>
/// <param name="StatusCodes">Distinct HTTP status codes seen, ascending.</param>
/// <param name="SlowestStepIndex">Step of the longest call.</param>
/// <param name="SlowestMethod">Method of the longest call.</param>
/// <param name="SlowestUrl">URL of the longest call, without its query string.</param>
public sealed record ExternalTargetProfile(
    string Address,
    int Count,
    double TotalMs,
    double MaxMs,
    double SharePercent,
    int ErrorCount,
    IReadOnlyList<int> StatusCodes,
    int SlowestStepIndex,
    string? SlowestMethod,
    string? SlowestUrl);

/// <summary>One wait for a pooled connection.</summary>
/// <param name="StepIndex">The step.</param>
/// <param name="Name">Span name, e.g. <c>HikariPool.getConnection</c>.</param>
/// <param name="PoolName">Pool name from <c>db.client.connection.pool.name</c>.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
/// <param name="SharePercent">Duration as a percentage of the response time.</param>
public sealed record ConnectionWaitProfile(int StepIndex, string Name, string? PoolName, double DurationMs, double SharePercent);

/// <summary>Where an exception came from.</summary>
public enum ExceptionSource
{
    /// <summary>An <c>exception</c> event (or <c>exception.*</c> attributes) on a span.</summary>
    Span,
    /// <summary>A log record of severity ERROR or above carrying an exception.</summary>
    Log,
}

/// <summary>One exception recorded in the transaction.</summary>
/// <param name="StepIndex">The step of the span (or of the log record's span); 0 when it is not in the profile.</param>
/// <param name="Service">Service that recorded it.</param>
/// <param name="Type">Exception type, e.g. <c>java.sql.SQLTimeoutException</c>.</param>
/// <param name="Message">Message, shortened to <see cref="ProfileOptions.MaxMessageLength"/>.</param>
/// <param name="Causes">Types it wraps (<c>Caused by:</c>, inner exceptions), outermost first.</param>
/// <param name="InAppFrames">Application frames (not runtime or framework), top of the stack first.</param>
/// <param name="ThrownAt">The first application frame, as <c>Method(File:Line)</c>.</param>
/// <param name="Source">Span event or log record.</param>
public sealed record ExceptionProfile(
    int StepIndex,
    string Service,
    string Type,
    string? Message,
    IReadOnlyList<string> Causes,
    IReadOnlyList<string> InAppFrames,
    string? ThrownAt,
    ExceptionSource Source);

/// <summary>Counts and times over every span of the transaction.</summary>
/// <param name="SqlCount">Database calls.</param>
/// <param name="SqlDistinctCount">Distinct normalised statements among them.</param>
/// <param name="SqlTotalMs">Total time of the database calls.</param>
/// <param name="SqlSharePercent">That total as a share of the response time.</param>
/// <param name="ExternalCount">Outgoing HTTP/RPC calls.</param>
/// <param name="ExternalTotalMs">Their total time.</param>
/// <param name="ExternalSharePercent">That total as a share of the response time.</param>
/// <param name="ConnectionWaitCount">Connection-pool waits.</param>
/// <param name="ConnectionWaitTotalMs">Their total time.</param>
/// <param name="ExceptionCount">Exceptions (span events and ERROR logs, each once).</param>
/// <param name="ErrorSpanCount">Spans reporting an error.</param>
public sealed record ProfileTotals(
    int SqlCount,
    int SqlDistinctCount,
    double SqlTotalMs,
    double SqlSharePercent,
    int ExternalCount,
    double ExternalTotalMs,
    double ExternalSharePercent,
    int ConnectionWaitCount,
    double ConnectionWaitTotalMs,
    int ExceptionCount,
    int ErrorSpanCount);

/// <summary>What the caps of <see cref="ProfileOptions"/> left out of a profile.</summary>
/// <param name="StepsOmitted">Steps beyond <see cref="ProfileOptions.MaxSteps"/>.</param>
/// <param name="SqlOmitted">Database calls beyond <see cref="ProfileOptions.MaxSqlStatements"/>.</param>
/// <param name="SqlGroupsOmitted">Statement groups beyond <see cref="ProfileOptions.MaxSqlGroups"/>.</param>
/// <param name="ExternalCallsOmitted">Outgoing calls beyond <see cref="ProfileOptions.MaxExternalCalls"/>.</param>
/// <param name="ExternalTargetsOmitted">Addresses beyond <see cref="ProfileOptions.MaxExternalTargets"/>.</param>
/// <param name="ConnectionWaitsOmitted">Connection waits beyond <see cref="ProfileOptions.MaxSqlStatements"/>.</param>
/// <param name="ExceptionsOmitted">Exceptions beyond <see cref="ProfileOptions.MaxExceptions"/>.</param>
/// <param name="StatementsShortened">Statements cut at <see cref="ProfileOptions.MaxStatementLength"/>.</param>
public sealed record ProfileTruncation(
    int StepsOmitted,
    int SqlOmitted,
    int SqlGroupsOmitted,
    int ExternalCallsOmitted,
    int ExternalTargetsOmitted,
    int ConnectionWaitsOmitted,
    int ExceptionsOmitted,
    int StatementsShortened);
