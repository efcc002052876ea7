using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text;
using Argus.Core;
using Argus.Core.Telemetry;
using DuckDB.NET.Data;

namespace Argus.Storage.DuckDb;

// Every query is tenant-scoped and parameterised. Optional filters add constant SQL fragments; user input only ever
// travels as a parameter value. Time predicates use the raw start/time column so DuckDB's zone maps skip row groups.
public sealed partial class DuckDbTelemetryStore
{
    private const string ErrorPredicate = "(status = 2 OR exception_type IS NOT NULL)";

    /// <summary>Example traces kept per SQL fingerprint, and the slowest statements read to find them.</summary>
    private const int SqlExampleCount = 3, ExampleCandidates = 10;

    /// <inheritdoc />
    public Task<IReadOnlyList<ServiceSummary>> GetServicesAsync(string tenantId, TimeRange range, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ServiceSummary>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT service, count(*), count(*) FILTER (WHERE {ErrorPredicate}), count(*) FILTER (WHERE kind = 2)
                FROM spans
                WHERE tenant_id = $tenant AND start_ns >= $from AND start_ns < $to
                GROUP BY service
                ORDER BY service
                """,
                ("tenant", tenantId), ("from", range.FromUnixNano), ("to", range.ToUnixNano()));
            return Query(command, r => new ServiceSummary(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Rate, errors and duration per step and endpoint (span name of the service's SERVER spans).
    /// Percentiles are exact and use <c>quantile_cont</c>: linear interpolation between the two nearest ranks
    /// (position <c>(n - 1) * q</c> of the sorted durations, the definition of NumPy's default and R's type 7).
    /// </summary>
    public Task<IReadOnlyList<RedPoint>> GetRedAsync(string tenantId, RedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadRedAsync(tenantId, query.Range, [query.Step], query.Service, query.Endpoint, query.ByEndpoint, static (_, _, point) => point, cancellationToken);
    }

    /// <summary>
    /// <see cref="GetRedAsync"/> for every service and step at once: one scan of the range's SERVER spans instead of one per
    /// service and step (the steps are grouping sets of one aggregation), whose points are the same as each service's own read.
    /// </summary>
    public Task<IReadOnlyList<ServiceRedPoint>> GetServicesRedAsync(string tenantId, TimeRange range, IReadOnlyList<TimeSpan> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Count == 0
            ? Task.FromResult<IReadOnlyList<ServiceRedPoint>>([])
            : ReadRedAsync(tenantId, range, [.. steps.Distinct()], null, null, true, static (service, step, point) => new ServiceRedPoint(service, step, point), cancellationToken);
    }

    // The RED statement of both reads above. With a service it filters on it, without it groups by it (column 5; the
    // per-service read gets its service back). Each step buckets in a column of its own (b0, b1, ...) and a grouping set;
    // a row's step is the one bucket column it is grouped by (GROUPING() = 0), named in column 6. Not by endpoint, the
    // points are over all of them (their endpoint is empty).
    private Task<IReadOnlyList<T>> ReadRedAsync<T>(
        string tenantId, TimeRange range, TimeSpan[] steps, string? service, string? endpoint, bool byEndpoint,
        Func<string, TimeSpan, RedPoint, T> map, CancellationToken cancellationToken)
    {
        var name = byEndpoint ? ", name" : "";
        var parameters = new List<(string, object?)> { ("tenant", tenantId), ("from", range.FromUnixNano), ("to", range.ToUnixNano()) };
        var perService = service is null;
        var key = perService ? "service, " : "";
        if (!perService)
        {
            parameters.Add(("service", service));
        }

        if (endpoint is not null)
        {
            parameters.Add(("endpoint", endpoint));
        }

        var buckets = new List<string>();
        for (var i = 0; i < steps.Length; i++)
        {
            parameters.Add(($"step{i}", StepNanos(steps[i])));
            buckets.Add($"(start_ns // $step{i}) * $step{i} AS b{i}");
        }

        var (bucket, groups, which) = steps.Length == 1
            ? ("b0", $"{key}b0{name}", "0")
            : ($"coalesce({string.Join(", ", Enumerable.Range(0, steps.Length).Select(i => $"b{i}"))})",
                $"GROUPING SETS ({string.Join(", ", Enumerable.Range(0, steps.Length).Select(i => $"({key}b{i}{name})"))})",
                $"CASE {string.Join(" ", Enumerable.Range(0, steps.Length).Select(i => $"WHEN GROUPING(b{i}) = 0 THEN {i}"))} END");
        return ReadAsync<IReadOnlyList<T>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT * FROM (
                    SELECT {bucket} AS bucket, {(byEndpoint ? "name" : "''")} AS name, count(*) AS n,
                           count(*) FILTER (WHERE {ErrorPredicate}),
                           quantile_cont(duration_ns, [0.5, 0.9, 0.95, 0.99]), {(perService ? "service" : "NULL")} AS service, {which} AS step
                    FROM (SELECT *, {string.Join(", ", buckets)} FROM spans
                          WHERE tenant_id = $tenant{(perService ? "" : " AND service = $service")} AND kind = 2 AND start_ns >= $from AND start_ns < $to
                          {(endpoint is null ? "" : "AND name = $endpoint")})
                    GROUP BY {groups})
                ORDER BY step, {key}bucket{name}
                """, [.. parameters]);
            return Query(command, r =>
            {
                var q = r.GetFieldValue<List<double>>(4);
                var point = new RedPoint(
                    TimeRange.FromUnixNanoToTime(r.GetInt64(0)), r.GetString(1), r.GetInt64(2), r.GetInt64(3),
                    q[0] / 1e6, q[1] / 1e6, q[2] / 1e6, q[3] / 1e6);
                return map(perService ? r.GetString(5) : service!, steps[r.GetInt32(6)], point);
            }, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SpanRecord>> GetTraceAsync(string tenantId, TraceId traceId, CancellationToken cancellationToken) =>
        ReadTraceAsync(tenantId, traceId, long.MinValue, long.MaxValue, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SpanRecord>> GetTraceAsync(string tenantId, TraceId traceId, TimeRange within, CancellationToken cancellationToken) =>
        ReadTraceAsync(tenantId, traceId, within.FromUnixNano, within.ToUnixNano(), cancellationToken);

    private Task<IReadOnlyList<SpanRecord>> ReadTraceAsync(string tenantId, TraceId traceId, long fromNanos, long toNanos, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<SpanRecord>>(connection =>
        {
            // No index on trace_id: an ART index measured too costly on ingest and in memory; a scan of the
            // trace_id column is fast enough at the sizes an embedded store holds (see the report in the tests).
            // A time range lets the start_ns zone maps skip most row groups before trace_id is read at all.
            using var command = Command(connection, $"""
                SELECT {Schema.SpanSelectColumns}
                FROM spans s LEFT JOIN resources r ON r.tenant_id = s.tenant_id AND r.resource_id = s.resource_id
                WHERE s.tenant_id = $tenant AND s.trace_id = $trace::UHUGEINT AND s.start_ns >= $from AND s.start_ns < $to
                ORDER BY s.start_ns, s.span_id
                """,
                ("tenant", tenantId), ("trace", TraceParameter(traceId)), ("from", fromNanos), ("to", toNanos));
            return Query(command, ReadSpan, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Finds traces with at least one span matching every filter, newest first, and describes each by its root span
    /// (no parent; else the earliest) over all of the trace's spans.
    /// </summary>
    public Task<IReadOnlyList<TraceSummary>> SearchTracesAsync(string tenantId, TraceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filters = new StringBuilder();
        var parameters = new List<(string, object?)>
        {
            ("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()), ("limit", Math.Clamp(query.Limit, 1, 10_000)),
        };
        if (query.Service is not null)
        {
            filters.Append(" AND service = $service");
            parameters.Add(("service", query.Service));
        }

        if (query.Operation is not null)
        {
            filters.Append(" AND name = $operation");
            parameters.Add(("operation", query.Operation));
        }

        if (query.MinDurationMs is { } minMs)
        {
            filters.Append(" AND duration_ns >= $minDuration");
            parameters.Add(("minDuration", (long)(minMs * 1e6)));
        }

        if (query.MaxDurationMs is { } maxMs)
        {
            filters.Append(" AND duration_ns <= $maxDuration");
            parameters.Add(("maxDuration", (long)(maxMs * 1e6)));
        }

        if (query.Status is { } status)
        {
            filters.Append(" AND status = $status");
            parameters.Add(("status", (int)status));
        }

        AppendAttributeFilters(filters, parameters, query.Attributes ?? []);

        return ReadAsync<IReadOnlyList<TraceSummary>>(connection =>
        {
            // The newest traces first. The range is read in stretches from its end (see NewestFirst), each trace with its
            // newest matching span, until enough traces are found: a trace found in a later (older) stretch has no matching
            // span in the earlier ones, so the newest traces of the stretches read so far are the newest of the whole range.
            // The search proper then reads only that part of the range (its `matched`), each trace over all of its spans.
            var limit = Math.Clamp(query.Limit, 1, 10_000);
            using var find = Command(connection, $"""
                SELECT trace_id
                FROM spans
                WHERE tenant_id = $tenant AND start_ns >= $from AND start_ns < $to{filters}
                GROUP BY trace_id
                LIMIT $limit
                """, [.. parameters]);
            var seen = new HashSet<UInt128>();
            var from = query.Range.FromUnixNano;
            foreach (var stretch in NewestFirst(query.Range.FromUnixNano, query.Range.ToUnixNano()))
            {
                find.Parameters["from"].Value = stretch.From;
                find.Parameters["to"].Value = stretch.To;
                seen.UnionWith(Query(find, r => ReadUInt128(r, 0), cancellationToken));
                if (seen.Count >= limit)
                {
                    from = stretch.From;
                    break;
                }
            }

            if (seen.Count == 0)
            {
                return [];
            }

            using var command = Command(connection, $"""
                WITH matched AS (
                    SELECT trace_id, max(start_ns) AS newest
                    FROM spans
                    WHERE tenant_id = $tenant AND start_ns >= $from AND start_ns < $to{filters}
                    GROUP BY trace_id
                    ORDER BY newest DESC
                    LIMIT $limit)
                SELECT trace_id,
                       arg_min(service, [CASE WHEN parent_span_id = 0 THEN 0 ELSE 1 END, start_ns]),
                       arg_min(name, [CASE WHEN parent_span_id = 0 THEN 0 ELSE 1 END, start_ns]),
                       min(start_ns), max(start_ns + duration_ns) - min(start_ns), count(*),
                       count(*) FILTER (WHERE {ErrorPredicate})
                FROM spans
                WHERE tenant_id = $tenant AND trace_id IN (SELECT trace_id FROM matched)
                GROUP BY trace_id
                ORDER BY min(start_ns) DESC, trace_id
                """, [.. parameters]);
            command.Parameters["from"].Value = from;
            return Query(command, r => new TraceSummary(
                new TraceId(ReadUInt128(r, 0)), r.GetString(1), r.GetString(2), TimeRange.FromUnixNanoToTime(r.GetInt64(3)),
                r.GetInt64(4) / 1e6, (int)r.GetInt64(5), (int)r.GetInt64(6)), cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The first stretch a newest-first search reads: the last five minutes of its range.</summary>
    private const long FirstStretchNanos = 300_000_000_000L;

    /// <summary>
    /// A range cut into stretches from its end backwards, each four times longer than the one before, the first
    /// <see cref="FirstStretchNanos"/> long: [to - 5 min, to), [to - 25 min, to - 5 min), ... down to <paramref name="from"/>.
    /// A newest-first search with a limit reads them in turn and stops once it has enough rows. Rows are written roughly
    /// in time order, so the zone maps on the time column skip the row groups outside a stretch: a search whose answer
    /// lies in the last minutes reads those, not the whole range; one that needs the whole range reads each row once.
    /// </summary>
    private static IEnumerable<(long From, long To)> NewestFirst(long from, long to)
    {
        Int128 width = FirstStretchNanos;
        for (var end = to; end > from; width *= 4)
        {
            var start = end - width <= from ? from : (long)(end - width);
            yield return (start, end);
            end = start;
        }
    }

    // Each key=value pair matches a span when the span's own attributes have it, or the promoted column that replaced
    // the attribute holds it (the mask bit says the attribute was there), or the span's resource has it. The stored
    // strings are split at the separator; the key's position among the keys picks the value to compare.
    private static void AppendAttributeFilters(StringBuilder filters, List<(string, object?)> parameters, IReadOnlyList<TelemetryAttribute> attributes)
    {
        var separator = AttributeCodec.SeparatorCode.ToString(CultureInfo.InvariantCulture);
        string Item(string keys, string values, int i) =>
            $"string_split({values}, chr({separator}))[list_position(string_split({keys}, chr({separator})), $ak{i})] IN ($av{i}, $avf{i})";
        for (var i = 0; i < attributes.Count; i++)
        {
            var (key, value) = (attributes[i].Key, attributes[i].Value);
            parameters.Add(($"ak{i}", AttributeCodec.EncodeItem(key, out _)));
            parameters.Add(($"av{i}", AttributeCodec.EncodeItem(value, out var emptyFirst)));
            parameters.Add(($"avf{i}", emptyFirst));
            filters.Append(CultureInfo.InvariantCulture, $" AND ({Item("attr_keys", "attr_values", i)}");
            var bit = Array.IndexOf(AttributeCodec.PromotedKeys, key);
            if (bit >= 0)
            {
                parameters.Add(($"ap{i}", value));
                filters.Append(CultureInfo.InvariantCulture, $" OR ((promoted_keys & {1 << bit}) <> 0 AND CAST({AttributeCodec.PromotedColumns[bit]} AS VARCHAR) = $ap{i})");
            }

            filters.Append(CultureInfo.InvariantCulture,
                $" OR resource_id IN (SELECT resource_id FROM resources WHERE tenant_id = $tenant AND {Item("attr_keys", "attr_values", i)}))");
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SqlStatementStats>> GetSqlStatementsAsync(string tenantId, SqlQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var order = query.OrderBy switch
        {
            SqlOrder.Average => "avg_ns",
            SqlOrder.Max => "max_ns",
            SqlOrder.Count => "n",
            _ => "total_ns",
        };
        return ReadAsync<IReadOnlyList<SqlStatementStats>>(connection =>
        {
            // Two steps: the statement text is by far the largest column, so the aggregation leaves it out and one
            // LIMIT 1 look-up per returned group fetches a sample (it stops at the first match).
            using var command = Command(connection, $"""
                SELECT db_fingerprint, any_value(db_system), any_value(db_name),
                       count(*) AS n, sum(duration_ns)::DOUBLE AS total_ns, avg(duration_ns) AS avg_ns, max(duration_ns) AS max_ns,
                       count(*) FILTER (WHERE {ErrorPredicate}),
                       max_by(trace_id, duration_ns, {ExampleCandidates}) FILTER (WHERE trace_id <> 0),
                       max(duration_ns, {ExampleCandidates}) FILTER (WHERE trace_id <> 0)
                FROM spans
                WHERE tenant_id = $tenant AND db_fingerprint <> 0 AND start_ns >= $from AND start_ns < $to
                {(query.Service is null ? "" : "AND service = $service")}
                GROUP BY db_fingerprint
                ORDER BY {order} DESC, db_fingerprint
                LIMIT $limit
                """,
                Parameters(("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()),
                    ("limit", Math.Clamp(query.Limit, 1, 10_000)), query.Service is null ? default : ("service", query.Service)));
            var groups = Query(command, r => new SqlStatementStats(
                r.GetFieldValue<ulong>(0), "", NullableString(r, 1), NullableString(r, 2),
                r.GetInt64(3), r.GetDouble(4) / 1e6, r.GetDouble(5) / 1e6, r.GetInt64(6) / 1e6, r.GetInt64(7))
            {
                Examples = r.IsDBNull(8) ? [] : SqlExamples(r.GetFieldValue<List<BigInteger>>(8), r.GetFieldValue<List<long>>(9)),
            }, cancellationToken);

            using var sample = Command(connection, $"""
                SELECT db_statement FROM spans
                WHERE tenant_id = $tenant AND db_fingerprint = $fingerprint AND start_ns >= $from AND start_ns < $to
                {(query.Service is null ? "" : "AND service = $service")}
                LIMIT 1
                """,
                Parameters(("tenant", tenantId), ("fingerprint", 0UL), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()),
                    query.Service is null ? default : ("service", query.Service)));
            for (var i = 0; i < groups.Count; i++)
            {
                sample.Parameters["fingerprint"].Value = groups[i].Fingerprint;
                groups[i] = groups[i] with { SampleStatement = sample.ExecuteScalar() as string ?? "" };
            }

            return groups;
        }, cancellationToken);
    }

    /// <summary>
    /// The slowest statements' traces of a group, slowest first, one entry a trace. <c>max_by(…, n)</c> and
    /// <c>max(…, n)</c> both order by duration, so their lists pair up; a few more candidates than are kept are read,
    /// since one trace often runs the same statement many times (an N+1 loop).
    /// </summary>
    private static List<SqlExampleTrace> SqlExamples(List<BigInteger> traces, List<long> durations)
    {
        var examples = new List<SqlExampleTrace>(SqlExampleCount);
        for (var i = 0; i < traces.Count && i < durations.Count && examples.Count < SqlExampleCount; i++)
        {
            var trace = new TraceId((UInt128)traces[i]);
            if (!trace.IsEmpty && !examples.Exists(e => e.TraceId == trace))
            {
                examples.Add(new SqlExampleTrace(trace, durations[i] / 1e6));
            }
        }

        return examples;
    }

    /// <summary>Log records matching every filter, newest first. The text filter is a case-insensitive substring of the body.</summary>
    public Task<IReadOnlyList<LogRecord>> SearchLogsAsync(string tenantId, LogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filters = new StringBuilder();
        var parameters = new List<(string, object?)>
        {
            ("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()), ("limit", Math.Clamp(query.Limit, 1, 10_000)),
        };
        if (query.Service is not null)
        {
            filters.Append(" AND l.service = $service");
            parameters.Add(("service", query.Service));
        }

        if (query.MinSeverity > 0)
        {
            filters.Append(" AND l.severity_number >= $minSeverity");
            parameters.Add(("minSeverity", query.MinSeverity));
        }

        if (!string.IsNullOrEmpty(query.Text))
        {
            // contains() rather than ILIKE: the text needs no escaping of % and _.
            filters.Append(" AND contains(lower(l.body), lower($text))");
            parameters.Add(("text", query.Text));
        }

        if (query.IssueId is { } issueId)
        {
            filters.Append(" AND l.issue_id = $issue");
            parameters.Add(("issue", issueId));
        }

        if (query.TraceId is { } traceId)
        {
            filters.Append(" AND l.trace_id = $trace::UHUGEINT");
            parameters.Add(("trace", TraceParameter(traceId)));
        }

        if (query.SpanId is { } spanId)
        {
            filters.Append(" AND l.span_id = $span");
            parameters.Add(("span", spanId.Value));
        }

        return ReadAsync<IReadOnlyList<LogRecord>>(connection =>
        {
            // Newest first, stretch by stretch from the range's end (see NewestFirst): each stretch is older than every
            // row found before it, so its rows follow them in order, and the search stops once it has the limit.
            var limit = Math.Clamp(query.Limit, 1, 10_000);
            using var command = Command(connection, $"""
                SELECT l.tenant_id, l.service, l.time_ns, l.observed_ns, l.severity_number, l.severity_text, l.body, l.instance,
                       l.environment, l.scope, l.trace_id, l.span_id, l.event_name, l.exception_type, l.exception_message,
                       l.exception_stacktrace, l.attr_keys, l.attr_values, r.attr_keys, r.attr_values, l.issue_id
                FROM logs l LEFT JOIN resources r ON r.tenant_id = l.tenant_id AND r.resource_id = l.resource_id
                WHERE l.tenant_id = $tenant AND l.time_ns >= $from AND l.time_ns < $to{filters}
                ORDER BY l.time_ns DESC
                LIMIT $limit
                """, [.. parameters]);
            var records = new List<LogRecord>();
            foreach (var (from, to) in NewestFirst(query.Range.FromUnixNano, query.Range.ToUnixNano()))
            {
                command.Parameters["from"].Value = from;
                command.Parameters["to"].Value = to;
                command.Parameters["limit"].Value = limit - records.Count;
                records.AddRange(Query(command, ReadLog, cancellationToken));
                if (records.Count >= limit)
                {
                    break;
                }
            }

            return records;
        }, cancellationToken);
    }

    private static LogRecord ReadLog(DbDataReader r) => new()
        {
            TenantId = r.GetString(0),
            ServiceName = r.GetString(1),
            TimeUnixNano = r.GetInt64(2),
            ObservedTimeUnixNano = r.GetInt64(3),
            SeverityNumber = r.GetFieldValue<sbyte>(4),
            SeverityText = NullableString(r, 5),
            Body = r.GetString(6),
            ServiceInstanceId = NullableString(r, 7),
            DeploymentEnvironment = NullableString(r, 8),
            ScopeName = NullableString(r, 9),
            TraceId = r.IsDBNull(10) ? TraceId.Empty : new TraceId(ReadUInt128(r, 10)),
            SpanId = r.IsDBNull(11) ? SpanId.Empty : new SpanId(r.GetFieldValue<ulong>(11)),
            EventName = NullableString(r, 12),
            ExceptionType = NullableString(r, 13),
            ExceptionMessage = NullableString(r, 14),
            ExceptionStacktrace = NullableString(r, 15),
            Attributes = AttributeCodec.Decode(NullableString(r, 16), NullableString(r, 17)),
            ResourceAttributes = AttributeCodec.Decode(NullableString(r, 18), NullableString(r, 19)),
            IssueId = r.IsDBNull(20) ? 0 : r.GetFieldValue<ulong>(20),
        };

    /// <summary>Log counts per step and level; the level names come from <see cref="SeverityLevels.NameOf"/>.</summary>
    public Task<IReadOnlyList<LogLevelCount>> GetLogLevelCountsAsync(string tenantId, LogLevelQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var step = StepNanos(query.Step);
        return ReadAsync<IReadOnlyList<LogLevelCount>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT (time_ns // $step) * $step AS bucket, severity_number, count(*)
                FROM logs
                WHERE tenant_id = $tenant AND time_ns >= $from AND time_ns < $to
                {(query.Service is null ? "" : "AND service = $service")}
                GROUP BY ALL
                """,
                Parameters(("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()), ("step", step),
                    query.Service is null ? default : ("service", query.Service)));
            var rows = Query(command, r => (Bucket: r.GetInt64(0), Level: SeverityLevels.NameOf(r.GetFieldValue<sbyte>(1)), Count: r.GetInt64(2)), cancellationToken);

            // Severity numbers fold into levels here so that the one definition in Core decides the names.
            return rows
                .GroupBy(row => (row.Bucket, row.Level))
                .Select(g => new LogLevelCount(TimeRange.FromUnixNanoToTime(g.Key.Bucket), g.Key.Level, g.Sum(row => row.Count)))
                .OrderBy(c => c.Time).ThenBy(c => c.Level, StringComparer.Ordinal)
                .ToList();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MetricSummary>> GetMetricsAsync(string tenantId, string? service, TimeRange range, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<MetricSummary>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT name, kind, any_value(unit), service, count(*)
                FROM metric_points
                WHERE tenant_id = $tenant AND time_ns >= $from AND time_ns < $to
                {(service is null ? "" : "AND service = $service")}
                GROUP BY name, kind, service
                ORDER BY name, service, kind
                """,
                Parameters(("tenant", tenantId), ("from", range.FromUnixNano), ("to", range.ToUnixNano()),
                    service is null ? default : ("service", service)));
            return Query(command, r => new MetricSummary(
                r.GetString(0), (MetricKind)r.GetFieldValue<sbyte>(1), NullableString(r, 2), r.GetString(3), r.GetInt64(4)), cancellationToken);
        }, cancellationToken);

    private static SpanRecord ReadSpan(DbDataReader r)
    {
        var span = new SpanRecord
        {
            TenantId = r.GetString(0),
            ServiceName = r.GetString(1),
            Name = r.GetString(2),
            StartTimeUnixNano = r.GetInt64(3),
            DurationNano = r.GetInt64(4),
            TraceId = new TraceId(ReadUInt128(r, 5)),
            SpanId = new SpanId(r.GetFieldValue<ulong>(6)),
            ParentSpanId = new SpanId(r.GetFieldValue<ulong>(7)),
            Kind = (SpanKind)r.GetFieldValue<sbyte>(8),
            StatusCode = (SpanStatusCode)r.GetFieldValue<sbyte>(9),
            StatusMessage = NullableString(r, 10),
            ServiceInstanceId = NullableString(r, 11),
            DeploymentEnvironment = NullableString(r, 12),
            ScopeName = NullableString(r, 13),
            DbSystem = NullableString(r, 14),
            DbStatement = NullableString(r, 15),
            DbOperation = NullableString(r, 16),
            DbName = NullableString(r, 17),
            DbFingerprint = r.GetFieldValue<ulong>(18),
            ServerAddress = NullableString(r, 19),
            ServerPort = r.IsDBNull(20) ? null : r.GetInt32(20),
            HttpMethod = NullableString(r, 21),
            HttpRoute = NullableString(r, 22),
            HttpStatusCode = r.IsDBNull(23) ? null : r.GetInt32(23),
            Url = NullableString(r, 24),
            ExceptionType = NullableString(r, 25),
            ExceptionMessage = NullableString(r, 26),
            Events = AttributeCodec.DecodeEvents(NullableString(r, 29)),
            ResourceAttributes = AttributeCodec.Decode(NullableString(r, 31), NullableString(r, 32)),
            IssueId = r.IsDBNull(33) ? 0 : r.GetFieldValue<ulong>(33),
        };
        var attributes = AttributeCodec.Decode(NullableString(r, 27), NullableString(r, 28));
        AttributeCodec.AddPromoted(span, r.GetFieldValue<ushort>(30), attributes);
        return span with { Attributes = attributes };
    }

    private static List<T> Query<T>(DuckDBCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        // DuckDB interrupts the running query on Cancel; the reader then throws, and we report the cancellation.
        using var registration = cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), command);
        var results = new List<T>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                results.Add(map(reader));
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return results;
    }

    private static (string, object?)[] Parameters(params (string Name, object? Value)[] parameters) =>
        parameters.Where(p => p.Name is not null).ToArray();

    private static long StepNanos(TimeSpan step) =>
        step > TimeSpan.Zero ? step.Ticks * 100 : throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive.");

    // DuckDB.NET binds UInt128 as text, so trace ids travel as decimal strings and are cast in SQL.
    private static string TraceParameter(TraceId traceId) => traceId.Value.ToString(CultureInfo.InvariantCulture);

    private static UInt128 ReadUInt128(DbDataReader reader, int ordinal) => (UInt128)reader.GetFieldValue<BigInteger>(ordinal);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
