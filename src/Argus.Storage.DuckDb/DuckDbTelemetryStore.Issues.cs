using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb;

// Issue occurrences are the log records and spans carrying an issue id; counting them here, rather than in a
// counter table maintained at ingest, keeps concurrent writers free of update conflicts and retention automatic.
public sealed partial class DuckDbTelemetryStore : IIssueCountReader
{
    /// <inheritdoc />
    public Task<IReadOnlyList<IssueCounts>> GetIssueCountsAsync(string tenantId, IssueCountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var service = query.Service is null ? "" : " AND service = $service";
        return ReadAsync<IReadOnlyList<IssueCounts>>(connection =>
        {
            using var command = Command(connection, $"""
                WITH occurrences AS (
                    SELECT issue_id, time_ns AS t, service, instance, trace_id, severity_number AS severity
                    FROM logs
                    WHERE tenant_id = $tenant AND issue_id <> 0{service}
                      AND (severity_number >= $minSeverity OR exception_type IS NOT NULL)
                      AND ((time_ns >= $from AND time_ns < $to) OR (time_ns >= $baseFrom AND time_ns < $baseTo))
                    UNION ALL
                    SELECT issue_id, start_ns, service, instance, trace_id, 17
                    FROM spans
                    WHERE tenant_id = $tenant AND issue_id <> 0{service}
                      AND ((start_ns >= $from AND start_ns < $to) OR (start_ns >= $baseFrom AND start_ns < $baseTo)))
                SELECT issue_id,
                       count(*) FILTER (WHERE t >= $from AND t < $to) AS current,
                       count(*) FILTER (WHERE t >= $baseFrom AND t < $baseTo) AS baseline,
                       max(severity) FILTER (WHERE t >= $from AND t < $to),
                       list(DISTINCT service ORDER BY service) FILTER (WHERE t >= $from AND t < $to),
                       list(DISTINCT instance ORDER BY instance) FILTER (WHERE t >= $from AND t < $to AND instance IS NOT NULL),
                       any_value(trace_id) FILTER (WHERE t >= $from AND t < $to AND trace_id IS NOT NULL AND trace_id <> 0),
                       min(t) FILTER (WHERE t >= $from AND t < $to),
                       max(t) FILTER (WHERE t >= $from AND t < $to)
                FROM occurrences
                GROUP BY issue_id
                HAVING current > 0
                ORDER BY current DESC, issue_id
                LIMIT $limit
                """,
                Parameters(("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()),
                    ("baseFrom", query.Baseline.FromUnixNano), ("baseTo", query.Baseline.ToUnixNano()),
                    ("minSeverity", query.MinSeverity), ("limit", Math.Clamp(query.Limit, 1, 10_000)),
                    query.Service is null ? default : ("service", query.Service)));
            return Query(command, r => new IssueCounts(
                r.GetFieldValue<ulong>(0),
                r.GetInt64(1),
                r.GetInt64(2),
                r.IsDBNull(3) ? 0 : Convert.ToInt32(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                r.GetFieldValue<List<string>>(4),
                r.IsDBNull(5) ? [] : r.GetFieldValue<List<string>>(5),
                r.IsDBNull(6) ? null : new TraceId(ReadUInt128(r, 6)).ToString(),
                TimeRange.FromUnixNanoToTime(r.GetInt64(7)),
                TimeRange.FromUnixNanoToTime(r.GetInt64(8))), cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<IssueCountPoint>> GetIssueSeriesAsync(string tenantId, ulong issueId, TimeRange range, TimeSpan step, CancellationToken cancellationToken)
    {
        var stepNanos = StepNanos(step);
        return ReadAsync<IReadOnlyList<IssueCountPoint>>(connection =>
        {
            using var command = Command(connection, """
                SELECT (t // $step) * $step AS bucket, count(*)
                FROM (SELECT time_ns AS t FROM logs WHERE tenant_id = $tenant AND issue_id = $issue AND time_ns >= $from AND time_ns < $to
                      UNION ALL
                      SELECT start_ns FROM spans WHERE tenant_id = $tenant AND issue_id = $issue AND start_ns >= $from AND start_ns < $to)
                GROUP BY bucket
                ORDER BY bucket
                """,
                Parameters(("tenant", tenantId), ("issue", issueId), ("from", range.FromUnixNano), ("to", range.ToUnixNano()), ("step", stepNanos)));
            return Query(command, r => new IssueCountPoint(TimeRange.FromUnixNanoToTime(r.GetInt64(0)), r.GetInt64(1)), cancellationToken);
        }, cancellationToken);
    }
}
