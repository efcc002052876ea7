using System.Data.Common;
using Argus.Core;
using Argus.Core.Telemetry;
using DuckDB.NET.Data;

namespace Argus.Storage.DuckDb;

// The metric values query. One statement per call, built from constant fragments chosen by the metric's kind and the
// aggregation; the metric name, service, group-by keys and every number travel as parameters.
//
// The layers, each a CTE:
//   streams each stream in the range once (service, instance, resource, attributes) with its series key and a number:
//          the attribute strings are split once per stream, not per point, and the cumulative kinds' window partitions
//          by that number instead of by five strings;
//   raw    the metric's points in the range (and a look-back before it, for the cumulative kinds), each with its series key
//          (a VARCHAR[] of the group-by values) and, for cumulative kinds, the previous point of the same stream;
//   pts    one row per point with what it contributes to its time bucket: a gauge's value, a counter's increase, a
//          histogram's bucket counts, count and sum added since the previous point;
//   ranked the series by size (total increase, observations, mean absolute value), the largest first;
//   named  pts with the key replaced by NULL beyond the largest MaxSeries: those pool into the "other" series.
public sealed partial class DuckDbTelemetryStore : IMetricSeriesReader
{
    // A cumulative stream's first point in the range needs the one before it: read this far back at least.
    private const long MinLookbackNanos = 600_000_000_000L;

    /// <inheritdoc />
    public Task<MetricDescriptor?> DescribeMetricAsync(string tenantId, string name, string? service, TimeRange range, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            // The kind with the most points in the range; a metric that sent nothing in the range is still known (an empty
            // answer, not a 404), so look at the whole store when the range has none.
            var sql = $"""
                SELECT kind, bool_or(monotonic), any_value(unit) FILTER (WHERE unit IS NOT NULL AND unit <> '')
                FROM metric_points
                WHERE tenant_id = $tenant AND name = $name{(service is null ? "" : " AND service = $service")} AND time_ns >= $from AND time_ns < $to
                GROUP BY kind
                ORDER BY count(*) DESC, kind
                LIMIT 1
                """;
            foreach (var (from, to) in new[] { (range.FromUnixNano, range.ToUnixNano()), (long.MinValue, long.MaxValue) })
            {
                using var command = Command(connection, sql, Parameters(("tenant", tenantId), ("name", name), ("from", from), ("to", to),
                    service is null ? default : ("service", service)));
                var found = Query(command, r => new MetricDescriptor(name, (MetricKind)r.GetFieldValue<sbyte>(0), r.GetBoolean(1), NullableString(r, 2)), cancellationToken);
                if (found.Count > 0)
                {
                    return found[0];
                }
            }

            return (MetricDescriptor?)null;
        }, cancellationToken);

    /// <summary>
    /// Time buckets per series. Counters: a cumulative point adds what it grew since the previous point of its stream
    /// (the same attributes, resource and instance); a value lower than the previous or a new start time is a reset and
    /// counts from zero; a stream's first point counts from zero when the stream started within the look-back, else it
    /// only serves as the baseline. Histograms turn cumulative bucket counts into per-point deltas the same way; the
    /// percentiles interpolate linearly within the bucket that holds the rank of the merged counts (as Prometheus'
    /// <c>histogram_quantile</c>: the first bucket starts at 0, a rank in the unbounded bucket answers the highest bound),
    /// over the points with the bucket layout most points use.
    /// </summary>
    public Task<MetricSeriesResult> QueryMetricSeriesAsync(string tenantId, MetricDescriptor metric, MetricSeriesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(query);
        if (!metric.AcceptedAggregations.Contains(query.Aggregation))
        {
            throw new ArgumentException($"A {metric.Kind} metric cannot be aggregated with {query.Aggregation}.", nameof(query));
        }

        var keys = query.Keys;
        if (keys.Count > MetricSeriesQuery.MaxGroupByKeys)
        {
            throw new ArgumentException($"At most {MetricSeriesQuery.MaxGroupByKeys} group-by keys.", nameof(query));
        }

        var step = StepNanos(query.Step);
        var cumulative = metric.IsHistogram || (metric.Kind is MetricKind.Sum && metric.IsMonotonic);
        var readFrom = cumulative ? query.Range.FromUnixNano - Math.Max(step, MinLookbackNanos) : query.Range.FromUnixNano;
        var parameters = new List<(string, object?)>
        {
            ("tenant", tenantId), ("name", metric.Name), ("kind", (int)metric.Kind), ("from", query.Range.FromUnixNano),
            ("readFrom", readFrom), ("to", query.Range.ToUnixNano()), ("step", step), ("maxSeries", Math.Clamp(query.MaxSeries, 1, MetricSeriesQuery.MaxMaxSeries)),
        };
        if (query.Service is not null)
        {
            parameters.Add(("service", query.Service));
        }

        var keyParts = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == MetricSeriesResult.ServiceKey)
            {
                keyParts.Add("s.service");
                continue;
            }

            parameters.Add(($"key{i}", keys[i]));
            keyParts.Add($"coalesce({AttributeValue("s", $"$key{i}")}, {AttributeValue("r", $"$key{i}")}, '')");
        }

        var needsResources = keys.Any(k => k != MetricSeriesResult.ServiceKey);
        var (points, size) = metric.IsHistogram ? HistogramPoints() : cumulative ? CounterPoints() : GaugePoints();
        var filter = $"p.tenant_id = $tenant AND p.name = $name AND p.kind = $kind AND p.time_ns >= $readFrom AND p.time_ns < $to{(query.Service is null ? "" : " AND p.service = $service")}";
        var series = $"""
            WITH streams AS (
                SELECT s.*, [{string.Join(", ", keyParts)}] AS key, row_number() OVER () AS sid
                FROM (SELECT DISTINCT p.service, p.instance, p.resource_id, p.attr_keys, p.attr_values FROM metric_points p WHERE {filter}) s
                {(needsResources ? "LEFT JOIN resources r ON r.tenant_id = $tenant AND r.resource_id = s.resource_id" : "")}),
            raw AS (
                SELECT p.time_ns AS t, p.start_ns, p.temporality, p.value, p.count, p.sum, p.bounds, p.bucket_counts, s.key{(cumulative ? """
                       ,
                       lag(p.start_ns) OVER w AS prev_start, lag(p.value) OVER w AS prev_value, lag(p.count) OVER w AS prev_count,
                       lag(p.sum) OVER w AS prev_sum, lag(p.bucket_counts) OVER w AS prev_counts
                """ : "")}
                FROM metric_points p
                JOIN streams s ON s.service = p.service AND s.resource_id = p.resource_id AND s.instance IS NOT DISTINCT FROM p.instance
                     AND s.attr_keys IS NOT DISTINCT FROM p.attr_keys AND s.attr_values IS NOT DISTINCT FROM p.attr_values
                WHERE {filter}
                {(cumulative ? "WINDOW w AS (PARTITION BY s.sid ORDER BY p.time_ns)" : "")}),
            pts AS MATERIALIZED (SELECT * FROM ({points}) WHERE t >= $from),
            ranked AS (
                SELECT key, row_number() OVER (ORDER BY {size} DESC NULLS LAST, key) AS rn FROM pts GROUP BY key),
            named AS (
                SELECT CASE WHEN ranked.rn <= $maxSeries THEN pts.key END AS k, least(ranked.rn, $maxSeries + 1) AS rn, pts.* EXCLUDE (key)
                FROM pts JOIN ranked ON ranked.key = pts.key)
            """;
        const string Others = "(SELECT count(*) FROM ranked WHERE rn > $maxSeries)";

        string sql;
        var heatmap = query.Aggregation is MetricAggregation.Heatmap;
        var quantile = Quantile(query.Aggregation);
        if (quantile is not null || heatmap)
        {
            // Only points with the layout most points use can be merged bucket by bucket.
            parameters.Add(("q", quantile ?? 0.5));
            sql = $"""
                {series},
                layout AS (SELECT bounds FROM named GROUP BY bounds ORDER BY count(*) DESC, bounds LIMIT 1),
                merged AS (
                    SELECT k, bucket, min(rn) AS rn, any_value(bounds) AS b, list(c ORDER BY i) AS m
                    FROM (
                        SELECT k, bucket, i, min(rn) AS rn, any_value(bounds) AS bounds, sum(d[i])::BIGINT AS c
                        FROM (SELECT k, bucket, rn, bounds, d, unnest(range(1, len(d) + 1)) AS i FROM named WHERE bounds = (SELECT bounds FROM layout))
                        GROUP BY k, bucket, i)
                    GROUP BY k, bucket),
                ranks AS (SELECT *, list_sum(m) AS total, $q * list_sum(m) AS target, [list_sum(m[1:i]) FOR i IN range(1, len(m) + 1)] AS cum FROM merged),
                found AS (SELECT *, list_position([x >= target FOR x IN cum], true) AS idx FROM ranks),
                located AS (SELECT *, CASE WHEN idx = 1 THEN least(0.0, b[1]) ELSE b[idx - 1] END AS lo FROM found)
                SELECT k, bucket,
                       CASE WHEN total = 0 THEN NULL
                            WHEN idx > len(b) THEN b[len(b)]
                            ELSE lo + (b[idx] - lo) * (target - (cum[idx] - m[idx])) / m[idx] END::DOUBLE AS value,
                       m, b, {Others}
                FROM located
                {(heatmap ? "" : "WHERE total > 0")}
                ORDER BY rn, bucket
                """;
        }
        else
        {
            var aggregate = query.Aggregation switch
            {
                MetricAggregation.Avg when metric.IsHistogram => "sum(ds) / nullif(sum(dc), 0)",
                MetricAggregation.Count => "sum(dc) / $stepSeconds",
                MetricAggregation.Rate => "sum(v) / $stepSeconds",
                MetricAggregation.Increase or MetricAggregation.Sum => "sum(v)",
                MetricAggregation.Avg => "avg(v)",
                MetricAggregation.Min => "min(v)",
                MetricAggregation.Max => "max(v)",
                MetricAggregation.Last => "arg_max(v, t)",
                _ => throw new ArgumentOutOfRangeException(nameof(query), query.Aggregation, "Unknown aggregation."),
            };
            if (aggregate.Contains("$stepSeconds", StringComparison.Ordinal))
            {
                parameters.Add(("stepSeconds", query.Step.TotalSeconds));
            }

            sql = $"""
                {series}
                SELECT * FROM (
                    SELECT k, bucket, ({aggregate})::DOUBLE AS value, NULL::BIGINT[] AS m, NULL::DOUBLE[] AS b, {Others}, min(rn) AS rn
                    FROM named GROUP BY k, bucket)
                WHERE value IS NOT NULL
                ORDER BY rn, bucket
                """;
        }

        return ReadAsync(connection =>
        {
            using var command = Command(connection, sql, [.. parameters]);
            var rows = Query(command, r => (
                Key: r.IsDBNull(0) ? null : r.GetFieldValue<List<string>>(0),
                Point: new MetricSeriesPoint(
                    TimeRange.FromUnixNanoToTime(r.GetInt64(1)),
                    heatmap || r.IsDBNull(2) ? null : r.GetDouble(2),
                    heatmap && !r.IsDBNull(3) ? r.GetFieldValue<List<long>>(3) : null),
                Bounds: heatmap && !r.IsDBNull(4) ? r.GetFieldValue<List<double>>(4) : null,
                Others: r.GetInt64(5)), cancellationToken);

            // Rows come ordered by series rank, then time: consecutive rows with the same key make one series.
            var result = new List<MetricSeries>();
            List<MetricSeriesPoint>? current = null;
            IReadOnlyList<string>? currentKey = null;
            foreach (var row in rows)
            {
                if (current is null || !SameKey(currentKey, row.Key))
                {
                    current = [];
                    currentKey = row.Key;
                    result.Add(new MetricSeries(currentKey, current));
                }

                current.Add(row.Point);
            }

            IReadOnlyList<double>? bounds = heatmap ? rows.Select(r => r.Bounds).FirstOrDefault(b => b is not null) ?? [] : null;
            return new MetricSeriesResult(metric, query.Aggregation, keys, result, rows.Count == 0 ? 0 : (int)rows[0].Others, bounds);
        }, cancellationToken);

        (string Sql, string Size) GaugePoints() => ("""
            SELECT (t // $step) * $step AS bucket, key, t, value AS v FROM raw WHERE value IS NOT NULL
            """, "avg(abs(v))");

        (string Sql, string Size) CounterPoints() => ($"""
            SELECT * FROM (
                SELECT (t // $step) * $step AS bucket, key, t, {Increase("value", "prev_value", "value < prev_value")} AS v FROM raw WHERE value IS NOT NULL)
            WHERE v IS NOT NULL
            """, "sum(v)");

        (string Sql, string Size) HistogramPoints()
        {
            const string Reset = "count < prev_count OR len(prev_counts) <> len(bucket_counts)";
            var counts = Increase(
                "[c::BIGINT FOR c IN bucket_counts]",
                "[greatest(bucket_counts[i]::BIGINT - prev_counts[i]::BIGINT, 0) FOR i IN range(1, len(bucket_counts) + 1)]",
                Reset,
                subtract: false);
            return ($"""
                SELECT (t // $step) * $step AS bucket, key, t, bounds, {counts} AS d,
                       {Increase("count::BIGINT", "prev_count::BIGINT", Reset)} AS dc, {Increase("sum", "prev_sum", Reset)} AS ds
                FROM raw WHERE bucket_counts IS NOT NULL AND {BaselineOnly} IS NOT TRUE
                """, "sum(dc)");
        }
    }

    /// <summary>
    /// The points that <see cref="Increase"/> answers NULL for (the first point of a cumulative stream older than the
    /// look-back), as a scalar test: filtering on the increase itself made DuckDB work out a histogram's bucket list twice.
    /// </summary>
    private const string BaselineOnly = "(temporality = 2 AND prev_start IS NULL AND start_ns < $readFrom)";

    /// <summary>
    /// What a point adds to its stream: a delta point its value; a cumulative one the difference to the previous point, or
    /// its whole value after a reset (<paramref name="reset"/>, or a new start time) and as the first point of a stream
    /// that started within the look-back; NULL for the first point of an older stream (only a baseline).
    /// With <paramref name="subtract"/> false, <paramref name="previous"/> is already the difference.
    /// </summary>
    private static string Increase(string current, string previous, string reset, bool subtract = true) => $"""
        CASE WHEN temporality <> 2 THEN {current}
             WHEN prev_start IS NULL THEN CASE WHEN start_ns >= $readFrom THEN {current} END
             WHEN start_ns <> prev_start OR {reset} THEN {current}
             ELSE {(subtract ? $"{current} - {previous}" : previous)} END
        """;

    /// <summary>The value of the attribute named by <paramref name="keyParameter"/> in a table's attribute columns, unescaped (see <see cref="AttributeCodec"/>).</summary>
    private static string AttributeValue(string alias, string keyParameter) => $"""
        replace(replace(replace(
            string_split({alias}.attr_values, chr(31))[list_position(string_split({alias}.attr_keys, chr(31)), {keyParameter})],
            chr(27) || '2', ''), chr(27) || '1', chr(31)), chr(27) || '0', chr(27))
        """;

    private static double? Quantile(MetricAggregation aggregation) => aggregation switch
    {
        MetricAggregation.P50 => 0.5,
        MetricAggregation.P90 => 0.9,
        MetricAggregation.P95 => 0.95,
        MetricAggregation.P99 => 0.99,
        _ => null,
    };

    private static bool SameKey(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
