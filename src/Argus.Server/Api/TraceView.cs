using Argus.Analysis.Sql;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Server.Api;

/// <summary>Turns a trace's spans into the API's tree with the SQL, external calls and exceptions pulled out.</summary>
internal static class TraceView
{
    public static TraceResponse Build(TraceId traceId, IReadOnlyList<SpanRecord> spans)
    {
        // Profile order: start time, then the parent before its children when they start together.
        var ordered = spans.OrderBy(s => s.StartTimeUnixNano).ThenBy(s => s.ParentSpanId.IsEmpty ? 0 : 1).ToList();
        var start = ordered.Min(s => s.StartTimeUnixNano);
        var end = ordered.Max(s => s.EndTimeUnixNano);
        var totalNs = Math.Max(1, end - start);

        var index = new Dictionary<SpanId, int>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            index.TryAdd(ordered[i].SpanId, i);
        }

        var children = new Dictionary<SpanId, List<SpanRecord>>();
        var roots = new List<SpanRecord>();
        foreach (var span in ordered)
        {
            // A span whose parent is missing (not yet arrived, or from another system) is shown as a root.
            if (span.ParentSpanId.IsEmpty || !index.ContainsKey(span.ParentSpanId) || span.ParentSpanId == span.SpanId)
            {
                roots.Add(span);
            }
            else
            {
                if (!children.TryGetValue(span.ParentSpanId, out var list))
                {
                    children[span.ParentSpanId] = list = [];
                }

                list.Add(span);
            }
        }

        var visited = new HashSet<SpanId>();
        SpanNode ToNode(SpanRecord s)
        {
            visited.Add(s.SpanId);
            var kids = children.TryGetValue(s.SpanId, out var list)
                ? list.Where(c => !visited.Contains(c.SpanId)).Select(ToNode).ToList()
                : [];
            return new SpanNode(
                index[s.SpanId],
                s.SpanId.ToString(),
                s.ParentSpanId.IsEmpty ? null : s.ParentSpanId.ToString(),
                s.ServiceName,
                s.ServiceInstanceId,
                s.Name,
                s.Kind.ToString().ToUpperInvariant(),
                TimeRange.FromUnixNanoToTime(s.StartTimeUnixNano),
                Ms(s.StartTimeUnixNano - start),
                Ms(s.DurationNano),
                Share(s.DurationNano, totalNs),
                s.StatusCode.ToString().ToUpperInvariant(),
                s.StatusMessage,
                s.DbSystem,
                s.DbStatement,
                s.ServerAddress,
                s.HttpMethod,
                s.HttpRoute,
                s.HttpStatusCode,
                s.Url,
                s.ExceptionType,
                s.ExceptionMessage,
                Attributes(s.Attributes),
                Attributes(s.ResourceAttributes),
                [.. s.Events.Select(e => new SpanEventDto(e.Name, TimeRange.FromUnixNanoToTime(e.TimeUnixNano), Attributes(e.Attributes)))],
                kids);
        }

        var rootNodes = roots.Select(ToNode).ToList();

        var sql = new List<SqlCall>();
        var external = new List<ExternalCall>();
        var exceptions = new List<ExceptionInfo>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var s = ordered[i];
            if (s.DbStatement is { Length: > 0 } statement)
            {
                var shape = SqlNormalizer.Analyze(statement);
                sql.Add(new SqlCall(i, s.SpanId.ToString(), s.ServiceName, s.DbSystem, s.DbName, statement, shape.NormalizedText,
                    shape.Crud.ToString().ToUpperInvariant(), shape.Tables, Ms(s.DurationNano), Share(s.DurationNano, totalNs), s.IsError));
            }
            else if (s.Kind is SpanKind.Client or SpanKind.Producer && s.DbSystem is null && (s.ServerAddress is not null || s.Url is not null))
            {
                external.Add(new ExternalCall(i, s.SpanId.ToString(), s.ServiceName, s.Name, s.ServerAddress, s.ServerPort, s.Url, s.HttpMethod,
                    s.HttpStatusCode, Ms(s.DurationNano), Share(s.DurationNano, totalNs), s.IsError));
            }

            foreach (var e in s.Events)
            {
                if (e.Name == "exception")
                {
                    exceptions.Add(new ExceptionInfo(i, s.SpanId.ToString(), s.ServiceName,
                        Find(e.Attributes, "exception.type") ?? "Exception",
                        Find(e.Attributes, "exception.message"),
                        Find(e.Attributes, "exception.stacktrace")));
                }
            }

            if (s.ExceptionType is not null && !s.Events.Any(e => e.Name == "exception"))
            {
                exceptions.Add(new ExceptionInfo(i, s.SpanId.ToString(), s.ServiceName, s.ExceptionType, s.ExceptionMessage, null));
            }
        }

        return new TraceResponse(
            traceId.ToString(),
            TimeRange.FromUnixNanoToTime(start),
            Ms(end - start),
            ordered.Count,
            [.. ordered.Select(s => s.ServiceName).Distinct(StringComparer.Ordinal)],
            rootNodes,
            sql,
            external,
            exceptions);
    }

    private static double Ms(long nanos) => Math.Round(nanos / 1_000_000.0, 3);

    private static double Share(long nanos, long totalNs) => Math.Round(100.0 * nanos / totalNs, 2);

    private static string? Find(IReadOnlyList<TelemetryAttribute> attributes, string key)
    {
        foreach (var a in attributes)
        {
            if (a.Key == key)
            {
                return a.Value;
            }
        }

        return null;
    }

    internal static IReadOnlyList<AttributeDto> Attributes(IReadOnlyList<TelemetryAttribute> attributes) =>
        [.. attributes.Select(a => new AttributeDto(a.Key, a.Value))];
}
