using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb;

// The service page's breakdowns: where a service's client spans go and which of its spans fail. Like every read, the
// filter starts with start_ns so the row groups' zone maps skip whole groups outside the range.
public sealed partial class DuckDbTelemetryStore : IServiceCallReader
{
    // The peer as the mapper promoted it (server.address, net.peer.name or peer.service), else url.full's host, else the span name.
    private const string CallTarget = """
        coalesce(nullif(server_address, ''), nullif(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1), ''), name)
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<ExternalCallStats>> GetExternalCallsAsync(string tenantId, string service, TimeRange range, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<ExternalCallStats>>(connection =>
        {
            // Kind 3 is CLIENT; database statements (db_system set) are the SQL breakdown's, not calls to another service.
            using var command = Command(connection, $"""
                SELECT {CallTarget} AS target, count(*) AS calls, count(*) FILTER (WHERE {ErrorPredicate}),
                       quantile_cont(duration_ns, 0.95), max(duration_ns)
                FROM spans
                WHERE start_ns >= $from AND start_ns < $to AND tenant_id = $tenant AND service = $service AND kind = 3 AND db_system IS NULL
                GROUP BY target ORDER BY calls DESC, target LIMIT {limit}
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r => new ExternalCallStats(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3) / 1e6, r.GetInt64(4) / 1e6), cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ErrorSpanStats>> GetErrorSpansAsync(string tenantId, string service, TimeRange range, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<ErrorSpanStats>>(connection =>
        {
            // The newest span of each group gives its message and sample trace.
            using var command = Command(connection, $"""
                SELECT name, exception_type, arg_max(coalesce(exception_message, status_message), start_ns), count(*) AS errors,
                       max(start_ns), arg_max(trace_id, start_ns)
                FROM spans
                WHERE start_ns >= $from AND start_ns < $to AND tenant_id = $tenant AND service = $service AND {ErrorPredicate}
                GROUP BY name, exception_type ORDER BY errors DESC, name, exception_type LIMIT {limit}
                """,
                ("tenant", tenantId), ("service", service), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r => new ErrorSpanStats(
                r.GetString(0), NullableString(r, 1), NullableString(r, 2), r.GetInt64(3), TimeRange.FromUnixNanoToTime(r.GetInt64(4)),
                new TraceId(ReadUInt128(r, 5))), cancellationToken);
        }, cancellationToken);
    }
}
