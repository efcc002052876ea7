namespace Argus.Core.Telemetry;

/// <summary>
/// One target a service calls (its client spans that are not database statements, which <see cref="ITelemetryReader.GetSqlStatementsAsync"/>
/// covers): the peer's address (<c>server.address</c>, <c>net.peer.name</c> or <c>peer.service</c>), else the host of
/// <c>url.full</c>, else the span name.
/// </summary>
public sealed record ExternalCallStats(string Target, long Count, long Errors, double P95Ms, double MaxMs);

/// <summary>A group of a service's failing spans: the operation and the exception type (null when none was recorded).</summary>
public sealed record ErrorSpanStats(string Operation, string? ExceptionType, string? Message, long Count, DateTimeOffset LastSeen, TraceId SampleTraceId);

/// <summary>
/// What the console's service page reads beside <see cref="ITelemetryReader"/>: where a service's outgoing calls go and
/// which of its operations fail. Scoped to one tenant like every reader.
/// </summary>
public interface IServiceCallReader
{
    /// <summary>The service's outgoing calls in <paramref name="range"/> by target, at most <paramref name="limit"/>, the most called first.</summary>
    Task<IReadOnlyList<ExternalCallStats>> GetExternalCallsAsync(string tenantId, string service, TimeRange range, int limit, CancellationToken cancellationToken);

    /// <summary>The service's error spans in <paramref name="range"/> by operation and exception type, at most <paramref name="limit"/>, the most frequent first.</summary>
    Task<IReadOnlyList<ErrorSpanStats>> GetErrorSpansAsync(string tenantId, string service, TimeRange range, int limit, CancellationToken cancellationToken);
}
