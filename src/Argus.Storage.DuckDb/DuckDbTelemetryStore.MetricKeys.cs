using Argus.Core;

namespace Argus.Storage.DuckDb;

// The keys a metric's series can be grouped by. Kept apart from the series query (DuckDbTelemetryStore.MetricSeries.cs):
// it reads only the key columns, never the values.
public sealed partial class DuckDbTelemetryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetMetricAttributeKeysAsync(string tenantId, string name, string? service, TimeRange range, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<string>>(connection =>
        {
            // The key strings repeat for every point of a stream, so the distinct ones are few; they are split only then.
            // A key is decoded as AttributeCodec encodes it (ESC '1' is US, ESC '0' is ESC, ESC '2' an empty item).
            using var command = Command(connection, $"""
                WITH p AS (
                    SELECT DISTINCT attr_keys, resource_id FROM metric_points
                    WHERE time_ns >= $from AND time_ns < $to AND tenant_id = $tenant AND name = $name{(service is null ? "" : " AND service = $service")}),
                point_keys AS (
                    SELECT unnest(string_split(attr_keys, chr(31))) AS k, 0 AS source FROM (SELECT DISTINCT attr_keys FROM p WHERE attr_keys <> '')),
                resource_keys AS (
                    SELECT unnest(string_split(r.attr_keys, chr(31))) AS k, 1 AS source
                    FROM (SELECT DISTINCT resource_id FROM p) q JOIN resources r ON r.tenant_id = $tenant AND r.resource_id = q.resource_id
                    WHERE r.attr_keys <> '')
                SELECT replace(replace(replace(k, chr(27) || '2', ''), chr(27) || '1', chr(31)), chr(27) || '0', chr(27)) AS key, min(source) AS source
                FROM (SELECT * FROM point_keys UNION ALL SELECT * FROM resource_keys)
                GROUP BY key HAVING key <> ''
                ORDER BY source, key LIMIT {limit}
                """,
                Parameters(("tenant", tenantId), ("name", name), ("from", range.FromUnixNano), ("to", range.ToUnixNano()),
                    service is null ? default : ("service", service)));
            return Query(command, r => r.GetString(0), cancellationToken);
        }, cancellationToken);
    }
}
