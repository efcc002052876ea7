using Argus.Core;
using Argus.Core.ChangeTracking;

namespace Argus.Storage.DuckDb;

// Change-tracking reads: a window's totals, a bounded duration sample, and the follow-up's series per step and totals
// per endpoint. Every query filters on start_ns first, so that the row groups' zone maps prune whole groups outside the window.
// The sample is a reservoir over the filtered
// rows (DuckDB's reservoir sampling reads the window once and keeps at most n rows), so its cost does not grow with
// the sample, and a window with fewer rows than n returns them all.
public sealed partial class DuckDbTelemetryStore : IServiceWindowReader
{
    /// <inheritdoc />
    public Task<ServiceWindowStats> GetServiceWindowAsync(string tenantId, string service, TimeRange range, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var command = Command(connection, $"""
                SELECT count(*), count(*) FILTER (WHERE {ErrorPredicate}), quantile_cont(duration_ns, [0.5, 0.9, 0.95, 0.99])
                FROM spans
                WHERE start_ns >= $from AND start_ns < $to AND tenant_id = $tenant AND service = $service AND kind = 2
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r =>
            {
                var requests = r.GetInt64(0);
                if (requests == 0)
                {
                    return ServiceWindowStats.Empty;
                }

                var q = r.GetFieldValue<List<double>>(2);
                return new ServiceWindowStats(requests, r.GetInt64(1), q[0] / 1e6, q[1] / 1e6, q[2] / 1e6, q[3] / 1e6);
            }, cancellationToken).FirstOrDefault() ?? ServiceWindowStats.Empty;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<double>> GetServerDurationsAsync(string tenantId, string service, TimeRange range, int maxSamples, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 1);
        return ReadAsync<IReadOnlyList<double>>(connection =>
        {
            // A fixed seed makes a re-run of the same check over the same data give the same sample (and verdict).
            using var command = Command(connection, $"""
                SELECT duration_ns FROM (
                    SELECT duration_ns FROM spans
                    WHERE start_ns >= $from AND start_ns < $to AND tenant_id = $tenant AND service = $service AND kind = 2
                ) USING SAMPLE reservoir({maxSamples} ROWS) REPEATABLE (42)
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r => r.GetInt64(0) / 1e6, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ServiceStep>> GetServiceSeriesAsync(string tenantId, string service, TimeRange range, TimeSpan step, CancellationToken cancellationToken)
    {
        var stepNs = (long)step.TotalNanoseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(stepNs, 1);
        return ReadAsync<IReadOnlyList<ServiceStep>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT CAST((start_ns - $from) // $step AS INTEGER) AS bucket, count(*), count(*) FILTER (WHERE {ErrorPredicate}), quantile_cont(duration_ns, 0.5)
                FROM spans
                WHERE start_ns >= $from AND start_ns < $to AND tenant_id = $tenant AND service = $service AND kind = 2
                GROUP BY bucket ORDER BY bucket
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()), ("step", stepNs));
            return Query(command, r => new ServiceStep(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3) / 1e6), cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<EndpointWindowStats>> GetEndpointStatsAsync(string tenantId, string service, TimeRange range, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<EndpointWindowStats>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT name, count(*) AS requests, count(*) FILTER (WHERE {ErrorPredicate}), quantile_cont(duration_ns, 0.5)
                FROM spans
                WHERE start_ns >= $from AND start_ns < $to AND tenant_id = $tenant AND service = $service AND kind = 2
                GROUP BY name ORDER BY requests DESC, name LIMIT {limit}
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r => new EndpointWindowStats(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3) / 1e6), cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(int Index, long Count)>> GetLogSeriesAsync(string tenantId, string service, TimeRange range, TimeSpan step, int minSeverity, CancellationToken cancellationToken)
    {
        var stepNs = (long)step.TotalNanoseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(stepNs, 1);
        return ReadAsync<IReadOnlyList<(int Index, long Count)>>(connection =>
        {
            // Steps start at the range's start (not at the epoch), so that the window and its baselines line up by offset.
            using var command = Command(connection, """
                SELECT CAST((time_ns - $from) // $step AS INTEGER) AS bucket, count(*)
                FROM logs
                WHERE time_ns >= $from AND time_ns < $to AND tenant_id = $tenant AND service = $service AND severity_number >= $severity
                GROUP BY bucket ORDER BY bucket
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()), ("step", stepNs), ("severity", minSeverity));
            return Query(command, r => (r.GetInt32(0), r.GetInt64(1)), cancellationToken);
        }, cancellationToken);
    }
}
