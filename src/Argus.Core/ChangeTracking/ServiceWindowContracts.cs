namespace Argus.Core.ChangeTracking;

/// <summary>A service's server spans in one window: requests, failed requests and latency percentiles in milliseconds.</summary>
public sealed record ServiceWindowStats(long Requests, long Errors, double P50Ms, double P90Ms, double P95Ms, double P99Ms)
{
    /// <summary>No request in the window.</summary>
    public static ServiceWindowStats Empty { get; } = new(0, 0, 0, 0, 0, 0);
}

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
}
