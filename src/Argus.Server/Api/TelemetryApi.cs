using System.Globalization;
using System.Security.Claims;
using Argus.Analysis.Sql;
using Argus.Core;
using Argus.Core.Telemetry;
using Argus.Core.Tenancy;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Api;

/// <summary>The tenant-scoped telemetry query API under <c>/api</c>.</summary>
internal static class TelemetryApi
{
    public static RouteGroupBuilder MapTelemetryApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").RequireAuthorization(ArgusPolicies.Read);

        group.MapGet("/services", GetServicesAsync);
        group.MapGet("/services/{service}/red", GetRedAsync);
        group.MapGet("/services/{service}/calls", GetServiceCallsAsync);
        group.MapGet("/services/{service}/errors", GetServiceErrorsAsync);
        group.MapGet("/traces", SearchTracesAsync);
        group.MapGet("/traces/{traceId}", GetTraceAsync);
        group.MapGet("/sql", GetSqlAsync);
        group.MapGet("/logs", SearchLogsAsync);
        group.MapGet("/logs/levels", GetLogLevelsAsync);
        group.MapGet("/metrics", GetMetricsAsync);
        group.MapGet("/metrics/{name}/series", GetMetricSeriesAsync);
        group.MapGet("/metrics/{name}/attributes", GetMetricAttributesAsync);
        return api;
    }

    internal static string Tenant(this ClaimsPrincipal user) =>
        user.FindFirstValue(ArgusClaimTypes.TenantId) ?? throw new InvalidOperationException("An authenticated caller has no tenant claim.");

    private static async Task<Results<Ok<ServicesResponse>, ValidationProblem>> GetServicesAsync(
        string? from, string? to, ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var services = await reader.GetServicesAsync(user.Tenant(), range, ct);
        return TypedResults.Ok(new ServicesResponse(range.From, range.To, services));
    }

    private static async Task<Results<Ok<RedResponse>, ValidationProblem>> GetRedAsync(
        string service, string? from, string? to, string? step, string? endpoint, string? byEndpoint,
        ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var stepSpan = q.Step(step, range);
        var perEndpoint = true;
        if (byEndpoint is not null && !bool.TryParse(byEndpoint, out perEndpoint))
        {
            q.Add("byEndpoint", $"'byEndpoint' must be true (a point per step and endpoint, the default) or false (a point per step over all endpoints); it is '{byEndpoint}'.");
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var points = await reader.GetRedAsync(user.Tenant(), new RedQuery(service, range, stepSpan, endpoint, perEndpoint), ct);
        return TypedResults.Ok(new RedResponse(service, range.From, range.To, stepSpan.TotalSeconds, points));
    }

    /// <summary>At most this many targets or error groups a service answer.</summary>
    private const int MaxBreakdownRows = 100;

    private static Task<Results<Ok<ServiceCallsResponse>, ValidationProblem>> GetServiceCallsAsync(
        string service, string? from, string? to, string? limit, ClaimsPrincipal user, IServiceCallReader reader, TimeProvider time, CancellationToken ct) =>
        BreakdownAsync(from, to, limit, time, async (range, max) =>
            new ServiceCallsResponse(service, range.From, range.To, await reader.GetExternalCallsAsync(user.Tenant(), service, range, max, ct)));

    private static Task<Results<Ok<ServiceErrorsResponse>, ValidationProblem>> GetServiceErrorsAsync(
        string service, string? from, string? to, string? limit, ClaimsPrincipal user, IServiceCallReader reader, TimeProvider time, CancellationToken ct) =>
        BreakdownAsync(from, to, limit, time, async (range, max) => new ServiceErrorsResponse(service, range.From, range.To,
            [.. (await reader.GetErrorSpansAsync(user.Tenant(), service, range, max, ct))
                .Select(e => new ServiceErrorItem(e.Operation, e.ExceptionType, e.Message, e.Count, e.LastSeen, e.SampleTraceId.ToString()))]));

    // A service breakdown's parameters: the range and how many rows.
    private static async Task<Results<Ok<T>, ValidationProblem>> BreakdownAsync<T>(
        string? from, string? to, string? limit, TimeProvider time, Func<TimeRange, int, Task<T>> read)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var max = q.Limit(limit, 20, MaxBreakdownRows);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        return TypedResults.Ok(await read(range, max));
    }

    private static async Task<Results<Ok<TraceListResponse>, ValidationProblem>> SearchTracesAsync(
        string? service, string? operation, string? minDurationMs, string? maxDurationMs, string? status, string[]? attr, string? from, string? to, string? limit,
        ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var min = q.PositiveNumber("minDurationMs", minDurationMs);
        var maxDuration = q.PositiveNumber("maxDurationMs", maxDurationMs);
        if (min > maxDuration)
        {
            q.Add("maxDurationMs", "'maxDurationMs' must not be less than 'minDurationMs'.");
        }

        var attributes = new List<TelemetryAttribute>();
        foreach (var text in attr ?? [])
        {
            if (AttributeFilter.TryParse(text, out var attribute))
            {
                attributes.Add(attribute);
            }
            else
            {
                q.Add("attr", $"'attr' must be key=value with a key before the '=' (got '{text}').");
            }
        }

        if (attributes.Count > AttributeFilter.MaxPerQuery)
        {
            q.Add("attr", $"At most {AttributeFilter.MaxPerQuery} 'attr' filters per search.");
        }

        var max = q.Limit(limit, 20, 1_000);
        SpanStatusCode? statusCode = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<SpanStatusCode>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, CultureInfo.InvariantCulture, out _))
            {
                statusCode = parsed;
            }
            else
            {
                q.Add("status", "'status' must be one of unset, ok, error.");
            }
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var traces = await reader.SearchTracesAsync(user.Tenant(), new TraceQuery(range, service, operation, min, statusCode, max, maxDuration, attributes), ct);
        return TypedResults.Ok(new TraceListResponse(
            [.. traces.Select(t => new TraceListItem(t.TraceId.ToString(), t.RootService, t.RootName, t.Start, t.DurationMs, t.SpanCount, t.ErrorCount))]));
    }

    private static async Task<Results<Ok<TraceResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> GetTraceAsync(
        string traceId, string? maxSpans, ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        if (!TraceId.TryParse(traceId, out var id))
        {
            q.Add("traceId", "A trace id is 32 hexadecimal characters.");
        }

        var shown = q.Limit("maxSpans", maxSpans, TraceView.DefaultMaxSpans, TraceView.MaxMaxSpans);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var spans = await reader.GetTraceAsync(user.Tenant(), id, ct);
        if (spans.Count == 0)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Trace not found",
                Detail = $"No spans of trace {id} are stored for this project.",
            });
        }

        return TypedResults.Ok(TraceView.Build(id, spans, shown));
    }

    private static async Task<Results<Ok<SqlResponse>, ValidationProblem>> GetSqlAsync(
        string? service, string? from, string? to, string? orderBy, string? limit,
        ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var max = q.Limit(limit, 50, 1_000);
        var order = (orderBy ?? "total").ToLowerInvariant() switch
        {
            "total" => SqlOrder.Total,
            "avg" or "average" => SqlOrder.Average,
            "max" => SqlOrder.Max,
            "count" => SqlOrder.Count,
            _ => (SqlOrder?)null,
        };
        if (order is null)
        {
            q.Add("orderBy", "'orderBy' must be one of total, avg, max, count.");
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var stats = await reader.GetSqlStatementsAsync(user.Tenant(), new SqlQuery(range, service, order!.Value, max), ct);
        var items = stats.Select(s =>
        {
            var shape = SqlNormalizer.Analyze(s.SampleStatement);
            return new SqlStatementItem(
                s.Fingerprint.ToString("x16", CultureInfo.InvariantCulture),
                shape.NormalizedText,
                s.SampleStatement,
                shape.Crud.ToString().ToUpperInvariant(),
                shape.Tables,
                s.DbSystem,
                s.DbName,
                s.Count,
                s.TotalMs,
                s.AverageMs,
                s.MaxMs,
                s.ErrorCount);
        }).ToList();
        return TypedResults.Ok(new SqlResponse(range.From, range.To, order.Value.ToString().ToLowerInvariant(), items));
    }

    private static async Task<Results<Ok<LogsResponse>, ValidationProblem>> SearchLogsAsync(
        string? service, string? minSeverity, string? query, string? traceId, string? from, string? to, string? limit,
        ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var max = q.Limit(limit, 100, 5_000);
        var severity = q.Severity(minSeverity, 0);

        TraceId? trace = null;
        if (!string.IsNullOrWhiteSpace(traceId))
        {
            if (TraceId.TryParse(traceId, out var parsed))
            {
                trace = parsed;
            }
            else
            {
                q.Add("traceId", "A trace id is 32 hexadecimal characters.");
            }
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var logs = await reader.SearchLogsAsync(user.Tenant(), new LogQuery(range, service, severity, query, trace, max), ct);
        return TypedResults.Ok(new LogsResponse([.. logs.Select(ToLogItem)]));
    }

    internal static LogItem ToLogItem(LogRecord l) => new(
        TimeRange.FromUnixNanoToTime(l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano),
        SeverityLevels.NameOf(l.SeverityNumber),
        l.SeverityNumber,
        l.SeverityText,
        l.Body,
        l.ServiceName,
        l.ServiceInstanceId,
        l.TraceId.IsEmpty ? null : l.TraceId.ToString(),
        l.SpanId.IsEmpty ? null : l.SpanId.ToString(),
        l.ExceptionType,
        l.ExceptionMessage,
        TraceView.Attributes(l.Attributes),
        l.IssueId == 0 ? null : l.IssueId.ToString("x16", CultureInfo.InvariantCulture));

    private static async Task<Results<Ok<LogLevelsResponse>, ValidationProblem>> GetLogLevelsAsync(
        string? service, string? from, string? to, string? step,
        ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var stepSpan = q.Step(step, range);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var counts = await reader.GetLogLevelCountsAsync(user.Tenant(), new LogLevelQuery(range, stepSpan, service), ct);
        return TypedResults.Ok(new LogLevelsResponse(range.From, range.To, stepSpan.TotalSeconds, counts));
    }

    private static async Task<Results<Ok<MetricsResponse>, ValidationProblem>> GetMetricsAsync(
        string? service, string? from, string? to, ClaimsPrincipal user, ITelemetryReader reader, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        return TypedResults.Ok(new MetricsResponse(await reader.GetMetricsAsync(user.Tenant(), service, range, ct)));
    }

    private static async Task<Results<Ok<MetricSeriesResponse>, ValidationProblem, ProblemHttpResult>> GetMetricSeriesAsync(
        string name, string? service, string? groupBy, string? step, string? from, string? to, string? agg, string? limit,
        ClaimsPrincipal user, IMetricSeriesReader reader, TimeProvider time, CancellationToken ct)
    {
        // A metric name may hold '/' (OpenTelemetry allows it), which a path segment carries as %2F; routing leaves it encoded.
        name = Uri.UnescapeDataString(name);
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        var stepSpan = q.Step(step, range, MetricSeriesQuery.MaxBuckets);
        var maxSeries = q.Limit(limit, MetricSeriesQuery.DefaultMaxSeries, MetricSeriesQuery.MaxMaxSeries);
        var keys = (groupBy ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count > MetricSeriesQuery.MaxGroupByKeys)
        {
            q.Add("groupBy", $"'groupBy' takes at most {MetricSeriesQuery.MaxGroupByKeys} comma-separated attribute keys; it has {keys.Count}.");
        }

        MetricAggregation? aggregation = null;
        if (!string.IsNullOrWhiteSpace(agg))
        {
            // Names only: Enum.TryParse would also take numbers.
            aggregation = Enum.GetValues<MetricAggregation>().Where(a => string.Equals(a.ToString(), agg.Trim(), StringComparison.OrdinalIgnoreCase)).Cast<MetricAggregation?>().FirstOrDefault();
            if (aggregation is null)
            {
                q.Add("agg", $"'agg' must be one of {string.Join(", ", Enum.GetValues<MetricAggregation>().Select(AggregationName))}.");
            }
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var metric = await reader.DescribeMetricAsync(user.Tenant(), name, service, range, ct);
        if (metric is null)
        {
            return MetricNotFound(name, service);
        }

        var accepted = metric.AcceptedAggregations;
        var chosen = aggregation ?? metric.DefaultAggregation;
        if (chosen is null || !accepted.Contains(chosen.Value))
        {
            var what = metric.Kind is MetricKind.Sum ? (metric.IsMonotonic ? "monotonic sum (counter)" : "non-monotonic sum") : metric.Kind.ToString().ToLowerInvariant();
            q.Add("agg", accepted.Count == 0
                ? $"'{name}' is a {what} metric, which has no series to chart."
                : $"'{name}' is a {what} metric; 'agg' must be one of {string.Join(", ", accepted.Select(AggregationName))}.");
            return TypedResults.ValidationProblem(q.Errors);
        }

        var result = await reader.QueryMetricSeriesAsync(
            user.Tenant(), metric, new MetricSeriesQuery(name, range, stepSpan, chosen.Value, service, keys, maxSeries), ct);
        return TypedResults.Ok(new MetricSeriesResponse(
            metric.Name, metric.Kind, metric.Unit, metric.IsMonotonic, AggregationName(result.Aggregation), range.From, range.To, stepSpan.TotalSeconds,
            result.Keys,
            [.. result.Series.Select(s => new MetricSeriesItem(
                s.Values is null ? null : result.Keys.Zip(s.Values).ToDictionary(kv => kv.First, kv => kv.Second, StringComparer.Ordinal),
                s.IsOther,
                s.Points))],
            result.OtherSeriesCount,
            result.Bounds));
    }

    private static string AggregationName(MetricAggregation aggregation) => aggregation.ToString().ToLowerInvariant();

    private static ProblemHttpResult MetricNotFound(string name, string? service) => TypedResults.Problem(
        $"No metric named '{name}' is stored for this project{(service is null ? "" : $" from service '{service}'")}; GET /api/metrics lists the names.",
        statusCode: StatusCodes.Status404NotFound, title: "Metric not found");

    /// <summary>At most this many keys: a metric with more attributes than this is not grouped by hand.</summary>
    private const int MaxAttributeKeys = 100;

    private static async Task<Results<Ok<MetricAttributesResponse>, ValidationProblem, ProblemHttpResult>> GetMetricAttributesAsync(
        string name, string? service, string? from, string? to, ClaimsPrincipal user, IMetricSeriesReader reader, TimeProvider time, CancellationToken ct)
    {
        name = Uri.UnescapeDataString(name);
        var q = new QueryParameters(time);
        var range = q.Range(from, to);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        if (await reader.DescribeMetricAsync(user.Tenant(), name, service, range, ct) is null)
        {
            return MetricNotFound(name, service);
        }

        return TypedResults.Ok(new MetricAttributesResponse(name, await reader.GetMetricAttributeKeysAsync(user.Tenant(), name, service, range, MaxAttributeKeys, ct)));
    }
}
