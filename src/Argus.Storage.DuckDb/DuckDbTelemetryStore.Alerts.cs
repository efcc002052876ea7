using System.Text;
using Argus.Core.Alerting;
using Argus.Core.Telemetry;
using DuckDB.NET.Data;

namespace Argus.Storage.DuckDb;

// Alert-rule queries. Each signal is one predicate over spans or logs (connection waits also over a histogram metric),
// reduced to rows of occurrences: a value each (milliseconds, statements, rows or severity) and how many occurrences the
// row stands for (one, except for a histogram point); two small queries then give the counts per instance and the worst
// occurrence. Every filter is a constant fragment; user input travels as parameters only.
public sealed partial class DuckDbTelemetryStore : IAlertSignalReader
{
    // What the transaction profile (Argus.Analysis TransactionProfileBuilder) reads as a connection-pool wait: the span
    // name's letters, lower-cased, contain one of the wait words; or the span carries the pool's name
    // (db.client.connection.pool.name) and its name says wait, acquire or checkout.
    private const string ConnectionWaitPredicate = """
        ((lower(name) LIKE '%connection%' AND regexp_matches(regexp_replace(lower(name), '[^a-z]', '', 'g'),
            'getconnection|connectionacquire|acquireconnection|connectionwait|waitforconnection|connectioncheckout'))
         OR (attr_keys LIKE '%db.client.connection.pool.name%'
            AND list_contains(string_split(attr_keys, chr(31)), 'db.client.connection.pool.name')
            AND regexp_matches(regexp_replace(lower(name), '[^a-z]', '', 'g'), 'wait|acquire|checkout')))
        """;

    private const string DbPredicate = "(db_system IS NOT NULL OR db_statement IS NOT NULL)";

    /// <inheritdoc />
    public Task<AlertSignalResult> QueryAlertSignalAsync(string tenantId, AlertSignalQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<(string, object?)> { ("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()) };
        var occurrences = Occurrences(query, parameters);
        return ReadAsync(connection =>
        {
            using var byInstance = Command(connection, $"""
                WITH m AS ({occurrences})
                SELECT inst, sum(n)::BIGINT AS total FROM m GROUP BY inst ORDER BY total DESC, inst
                """, [.. parameters]);
            var instances = Query(byInstance, r => new InstanceCount(r.GetString(0), r.GetInt64(1)), cancellationToken);
            var total = instances.Sum(i => i.Count);
            if (total == 0)
            {
                return AlertSignalResult.None;
            }

            // The worst occurrence that belongs to a transaction, ties to the newest; when none does (a histogram point, a log
            // written outside any trace), the worst occurrence of all.
            using var worst = Command(connection, $"""
                WITH m AS ({occurrences})
                SELECT CASE WHEN trace_id <> 0 THEN trace_id END, value, service FROM m
                ORDER BY coalesce(trace_id <> 0, false) DESC, value DESC, t DESC
                LIMIT 1
                """, [.. parameters]);
            using var reader = worst.ExecuteReader();
            TraceId? traceId = null;
            double value = 0;
            string? service = null;
            if (reader.Read())
            {
                traceId = reader.IsDBNull(0) ? null : new TraceId(ReadUInt128(reader, 0));
                value = reader.GetDouble(1);
                service = reader.GetString(2);
            }

            return new AlertSignalResult(total, [.. instances.Take(Math.Max(1, query.MaxInstances))], traceId, value, service);
        }, cancellationToken);
    }

    /// <summary>
    /// Connection-pool waits from the <c>db.client.connection.wait_time</c> histogram (seconds; the older
    /// <c>db.client.connections.wait_time</c> in milliseconds), one row per point with waits at or over the threshold:
    /// <c>n</c> counts the observations in buckets whose lower bound reaches the threshold, for a cumulative series
    /// those added since its previous point (a series that began within the look-back counts from zero). The bucket that
    /// holds the threshold counts once when a delta point's max reaches it. The value is the max of a delta point, else
    /// the lower bound of the highest bucket that grew: a wait at least that long.
    /// </summary>
    private static string ConnectionWaitMetric(AlertSignalQuery query, List<(string, object?)> parameters)
    {
        var length = query.Range.ToUnixNano() - query.Range.FromUnixNano;
        parameters.Add(("lookback", query.Range.FromUnixNano - Math.Max(length, 600_000_000_000L)));
        parameters.Add(("waitThreshold", query.MinDurationMs ?? 0));

        // Metric points keep the environment in their resource only.
        var scope = (query.Service is null ? "" : " AND service = $service") + (query.Environment is null ? "" : """
             AND resource_id IN (
                SELECT resource_id FROM resources
                WHERE tenant_id = $tenant AND lower(coalesce(
                    string_split(attr_values, chr(31))[list_position(string_split(attr_keys, chr(31)), 'deployment.environment.name')],
                    string_split(attr_values, chr(31))[list_position(string_split(attr_keys, chr(31)), 'deployment.environment')])) = lower($environment))
            """);
        return $"""
            SELECT t, NULL::UHUGEINT AS trace_id, service, inst,
                   greatest(list_sum([counts[i] FOR i IN range(2, len(counts) + 1) IF bounds[i - 1] * scale >= $waitThreshold]),
                            CASE WHEN temporality <> 2 AND max * scale >= $waitThreshold THEN 1 ELSE 0 END)::BIGINT AS n,
                   coalesce(CASE WHEN temporality <> 2 THEN max * scale END,
                            list_max([bounds[i - 1] * scale FOR i IN range(2, len(counts) + 1) IF counts[i] > 0]), 0)::DOUBLE AS value
            FROM (
                SELECT time_ns AS t, service, coalesce(instance, service) AS inst, bounds, max, scale, temporality,
                       CASE WHEN temporality <> 2 THEN [c::BIGINT FOR c IN bucket_counts]
                            WHEN len(prev) = len(bucket_counts) THEN [greatest(bucket_counts[i]::BIGINT - prev[i]::BIGINT, 0) FOR i IN range(1, len(bucket_counts) + 1)]
                            WHEN prev IS NULL AND start_ns >= $lookback THEN [c::BIGINT FOR c IN bucket_counts]
                       END AS counts
                FROM (
                    SELECT *, lag(bucket_counts) OVER (PARTITION BY service, instance, resource_id, attr_keys, attr_values, start_ns ORDER BY time_ns) AS prev,
                           CASE WHEN unit = 'ms' OR (coalesce(unit, '') = '' AND name = 'db.client.connections.wait_time') THEN 1.0 ELSE 1000.0 END AS scale
                    FROM metric_points
                    WHERE tenant_id = $tenant AND time_ns >= $lookback AND time_ns < $to AND kind = {(int)MetricKind.Histogram}
                      AND name IN ('db.client.connection.wait_time', 'db.client.connections.wait_time'){scope}))
            WHERE t >= $from AND counts IS NOT NULL AND n > 0
            """;
    }

    /// <summary>The service and environment filters, for a table alias such as <c>l.</c> (or none).</summary>
    private static string Scope(AlertSignalQuery query, string alias) =>
        (query.Service is null ? "" : $" AND {alias}service = $service")
        + (query.Environment is null ? "" : $" AND lower({alias}environment) = lower($environment)");

    /// <summary>The SELECT that yields the occurrences: <c>t, trace_id, service, inst, n, value</c>, where <c>n</c> is how many occurrences the row stands for.</summary>
    private static string Occurrences(AlertSignalQuery query, List<(string, object?)> parameters)
    {
        if (query.Service is not null)
        {
            parameters.Add(("service", query.Service));
        }

        if (query.Environment is not null)
        {
            parameters.Add(("environment", query.Environment));
        }

        var filters = new StringBuilder(Scope(query, ""));

        if (query.Signal is AlertSignal.Log)
        {
            parameters.Add(("minSeverity", query.MinSeverity));
            return $"""
                SELECT time_ns AS t, trace_id, service, coalesce(instance, service) AS inst, 1 AS n, severity_number::DOUBLE AS value
                FROM logs
                WHERE tenant_id = $tenant AND time_ns >= $from AND time_ns < $to AND severity_number >= $minSeverity{filters}
                """;
        }

        if (query.Endpoint is not null)
        {
            filters.Append(" AND name = $endpoint");
            parameters.Add(("endpoint", query.Endpoint));
        }

        if (query.MinDurationMs is { } minMs && query.Signal is not (AlertSignal.Exception or AlertSignal.ExcessiveSql or AlertSignal.ExcessiveRows or AlertSignal.ServerError))
        {
            filters.Append(" AND duration_ns >= $minDuration");
            parameters.Add(("minDuration", (long)(minMs * 1e6)));
        }

        if (query.Host is not null)
        {
            filters.Append(" AND server_address = $host");
            parameters.Add(("host", query.Host));
        }

        const string Span = "SELECT start_ns AS t, trace_id, service, coalesce(instance, service) AS inst, 1 AS n";
        const string Window = "tenant_id = $tenant AND start_ns >= $from AND start_ns < $to";
        switch (query.Signal)
        {
            case AlertSignal.SlowSql:
                return $"{Span}, duration_ns / 1e6 AS value FROM spans WHERE {Window} AND {DbPredicate}{filters}";
            case AlertSignal.DbConnectionWait:
                // Spans show each wait with its transaction; the pool's wait-time histogram counts the waits of services
                // that record no such spans. An instance with both is counted from its spans only, so no wait counts twice.
                var waitSpans = $"{Span}, duration_ns / 1e6 AS value FROM spans WHERE {Window} AND {ConnectionWaitPredicate}{filters}";
                return $"""
                    WITH waits AS ({waitSpans})
                    SELECT * FROM waits
                    UNION ALL
                    SELECT * FROM ({ConnectionWaitMetric(query, parameters)}) h WHERE h.inst NOT IN (SELECT inst FROM waits)
                    """;
            case AlertSignal.ExternalDelay:
                return $"""
                    {Span}, duration_ns / 1e6 AS value FROM spans
                    WHERE {Window} AND kind = 3 AND NOT {DbPredicate}
                      AND (http_method IS NOT NULL OR url IS NOT NULL OR server_address IS NOT NULL){filters}
                    """;
            case AlertSignal.ServerError:
                return $"{Span}, duration_ns / 1e6 AS value FROM spans WHERE {Window} AND kind = 2 AND {ErrorPredicate}{filters}";
            case AlertSignal.SlowServer:
                return $"{Span}, duration_ns / 1e6 AS value FROM spans WHERE {Window} AND kind = 2{filters}";
            case AlertSignal.ExcessiveRows:
                parameters.Add(("minRows", query.MinCount ?? 1));
                return $"""
                    SELECT * FROM (
                        {Span}, TRY_CAST(string_split(attr_values, chr(31))[list_position(string_split(attr_keys, chr(31)), 'db.response.returned_rows')] AS DOUBLE) AS value
                        FROM spans
                        WHERE {Window} AND {DbPredicate} AND attr_keys LIKE '%db.response.returned_rows%'{filters})
                    WHERE value >= $minRows
                    """;
            case AlertSignal.ExcessiveSql:
                parameters.Add(("minStatements", query.MinCount ?? 1));
                return $"""
                    SELECT max(start_ns) AS t, trace_id, any_value(service) AS service, any_value(coalesce(instance, service)) AS inst, 1 AS n, count(*)::DOUBLE AS value
                    FROM spans
                    WHERE {Window} AND {DbPredicate}{filters}
                    GROUP BY trace_id
                    HAVING count(*) >= $minStatements
                    """;
            case AlertSignal.Exception:
                var type = "";
                if (query.ExceptionType is not null)
                {
                    // The simple name matches the qualified one: "SQLException" matches "java.sql.SQLException".
                    type = " AND (exception_type = $exceptionType OR exception_type LIKE '%.' || $exceptionType)";
                    parameters.Add(("exceptionType", query.ExceptionType));
                }

                var spanPredicate = query.ExceptionType is null ? ErrorPredicate : "exception_type IS NOT NULL";

                // A log record written inside a span that already shows the exception is the same occurrence.
                return $"""
                    {Span}, duration_ns / 1e6 AS value FROM spans WHERE {Window} AND {spanPredicate}{type}{filters}
                    UNION ALL
                    SELECT l.time_ns, l.trace_id, l.service, coalesce(l.instance, l.service), 1, 0.0
                    FROM logs l
                    WHERE l.tenant_id = $tenant AND l.time_ns >= $from AND l.time_ns < $to AND l.severity_number >= 17
                      AND l.exception_type IS NOT NULL{type.Replace("exception_type", "l.exception_type", StringComparison.Ordinal)}{Scope(query, "l.")}
                      AND NOT EXISTS (
                          SELECT 1 FROM spans s
                          WHERE s.tenant_id = $tenant AND s.start_ns >= $from - 3600000000000 AND s.start_ns < $to
                            AND s.trace_id = l.trace_id AND s.span_id = l.span_id AND s.exception_type IS NOT NULL)
                    """;
            default:
                throw new ArgumentOutOfRangeException(nameof(query), query.Signal, "Unknown alert signal.");
        }
    }
}
