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
    public async Task<IReadOnlyList<IssueCountPoint>> GetIssueSeriesAsync(string tenantId, ulong issueId, TimeRange range, TimeSpan step, CancellationToken cancellationToken) =>
        (await GetIssueSeriesAsync(tenantId, [issueId], range, step, cancellationToken)).GetValueOrDefault(issueId) ?? [];

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<ulong, IReadOnlyList<IssueCountPoint>>> GetIssueSeriesAsync(
        string tenantId, IReadOnlyCollection<ulong> issueIds, TimeRange range, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issueIds);
        if (issueIds.Count == 0)
        {
            return new Dictionary<ulong, IReadOnlyList<IssueCountPoint>>();
        }

        var stepNanos = StepNanos(step);
        // The ids travel as one parameter, a comma-separated list unnested in SQL.
        var ids = string.Join(',', issueIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var rows = await ReadAsync<IReadOnlyList<(ulong Issue, IssueCountPoint Point)>>(connection =>
        {
            using var command = Command(connection, """
                WITH wanted AS (SELECT unnest(string_split($ids, ',')::UBIGINT[]) AS id)
                SELECT issue_id, (t // $step) * $step AS bucket, count(*)
                FROM (SELECT issue_id, time_ns AS t FROM logs
                      WHERE tenant_id = $tenant AND issue_id IN (SELECT id FROM wanted) AND time_ns >= $from AND time_ns < $to
                      UNION ALL
                      SELECT issue_id, start_ns FROM spans
                      WHERE tenant_id = $tenant AND issue_id IN (SELECT id FROM wanted) AND start_ns >= $from AND start_ns < $to)
                GROUP BY issue_id, bucket
                ORDER BY issue_id, bucket
                """,
                Parameters(("tenant", tenantId), ("ids", ids), ("from", range.FromUnixNano), ("to", range.ToUnixNano()), ("step", stepNanos)));
            return Query(command, r => (r.GetFieldValue<ulong>(0), new IssueCountPoint(TimeRange.FromUnixNanoToTime(r.GetInt64(1)), r.GetInt64(2))), cancellationToken);
        }, cancellationToken);
        return rows.GroupBy(r => r.Issue).ToDictionary(g => g.Key, g => (IReadOnlyList<IssueCountPoint>)[.. g.Select(r => r.Point)]);
    }

    /// <summary>
    /// The issue's records (logs and spans) in the range, counted per service and resource in SQL, then grouped by the
    /// resources' <c>service.version</c>, decoded here (<see cref="AttributeCodec"/>): a process has one resource, so
    /// there are few of them to decode.
    /// </summary>
    public async Task<IReadOnlyList<IssueVersionCount>> GetIssueVersionsAsync(string tenantId, ulong issueId, TimeRange range, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(connection =>
        {
            using var command = Command(connection, """
                WITH occurrences AS (
                    SELECT service, resource_id, count(*) AS n, min(t) AS first, max(t) AS last
                    FROM (SELECT service, resource_id, time_ns AS t FROM logs
                          WHERE tenant_id = $tenant AND issue_id = $issue AND time_ns >= $from AND time_ns < $to
                          UNION ALL
                          SELECT service, resource_id, start_ns FROM spans
                          WHERE tenant_id = $tenant AND issue_id = $issue AND start_ns >= $from AND start_ns < $to)
                    GROUP BY service, resource_id)
                SELECT o.service, r.attr_keys, r.attr_values, o.n, o.first, o.last
                FROM occurrences o
                LEFT JOIN resources r ON r.tenant_id = $tenant AND r.resource_id = o.resource_id
                """,
                Parameters(("tenant", tenantId), ("issue", issueId), ("from", range.FromUnixNano), ("to", range.ToUnixNano())));
            return Query(command, r => new IssueVersionCount(
                r.GetString(0),
                AttributeCodec.Decode(NullableString(r, 1), NullableString(r, 2))
                    .Where(a => a.Key == "service.version").Select(a => (string?)a.Value).FirstOrDefault(),
                r.GetInt64(3),
                TimeRange.FromUnixNanoToTime(r.GetInt64(4)),
                TimeRange.FromUnixNanoToTime(r.GetInt64(5))), cancellationToken);
        }, cancellationToken);
        return [.. rows
            .GroupBy(v => (v.Service, v.Version))
            .Select(g => new IssueVersionCount(g.Key.Service, g.Key.Version, g.Sum(v => v.Count), g.Min(v => v.FirstSeen), g.Max(v => v.LastSeen)))
            .OrderByDescending(v => v.Count).ThenBy(v => v.Service, StringComparer.Ordinal).ThenBy(v => v.Version, StringComparer.Ordinal)];
    }
}
