using Argus.Core;
using Argus.Core.ChangeTracking;

namespace Argus.Storage.DuckDb;

// Change-tracking reads: a window's totals and a bounded duration sample. The sample is a reservoir over the filtered
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
                WHERE tenant_id = $tenant AND service = $service AND kind = 2 AND start_ns >= $from AND start_ns < $to
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
                    WHERE tenant_id = $tenant AND service = $service AND kind = 2 AND start_ns >= $from AND start_ns < $to
                ) USING SAMPLE reservoir({maxSamples} ROWS) REPEATABLE (42)
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r => r.GetInt64(0) / 1e6, cancellationToken);
        }, cancellationToken);
    }
}
