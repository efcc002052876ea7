namespace Argus.Core.ChangeTracking;

/// <summary>A service's server spans in one window: requests, failed requests and latency percentiles in milliseconds.</summary>
public sealed record ServiceWindowStats(long Requests, long Errors, double P50Ms, double P90Ms, double P95Ms, double P99Ms)
{
    /// <summary>No request in the window.</summary>
    public static ServiceWindowStats Empty { get; } = new(0, 0, 0, 0, 0, 0);
}

/// <summary>One step of a service's series: its server spans whose start falls in step <paramref name="Index"/> (0-based from the range's start).</summary>
public sealed record ServiceStep(int Index, long Requests, long Errors, double P50Ms);

/// <summary>One endpoint (server span name) of a service over a window.</summary>
public sealed record EndpointWindowStats(string Name, long Requests, long Errors, double P50Ms);

/// <summary>
/// What change tracking reads from the telemetry store beside <c>ITelemetryReader</c>: one service's request totals over
/// a whole window, and a bounded random sample of its server-span durations for rank tests.
/// </summary>
public interface IServiceWindowReader
{
    /// <summary>Totals and percentiles of the service's server spans (kind SERVER) in <paramref name="range"/>.</summary>
    Task<ServiceWindowStats> GetServiceWindowAsync(string tenantId, string service, TimeRange range, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="maxSamples"/> server-span durations in milliseconds, drawn uniformly from the window.</summary>
    Task<IReadOnlyList<double>> GetServerDurationsAsync(string tenantId, string service, TimeRange range, int maxSamples, CancellationToken cancellationToken);

    /// <summary>The service's server spans per <paramref name="step"/> across <paramref name="range"/>; steps without spans are left out.</summary>
    Task<IReadOnlyList<ServiceStep>> GetServiceSeriesAsync(string tenantId, string service, TimeRange range, TimeSpan step, CancellationToken cancellationToken);

    /// <summary>The service's server spans per span name in <paramref name="range"/>, at most <paramref name="limit"/> names, busiest first.</summary>
    Task<IReadOnlyList<EndpointWindowStats>> GetEndpointStatsAsync(string tenantId, string service, TimeRange range, int limit, CancellationToken cancellationToken);

    /// <summary>The service's log records at or above <paramref name="minSeverity"/> (OTLP severity number) per step across <paramref name="range"/>, as (step index, count); empty steps are left out.</summary>
    Task<IReadOnlyList<(int Index, long Count)>> GetLogSeriesAsync(string tenantId, string service, TimeRange range, TimeSpan step, int minSeverity, CancellationToken cancellationToken);
}
