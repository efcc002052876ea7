using Argus.Analysis.Profiles;
using Argus.Analysis.Sql;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Server.Api;

/// <summary>Turns a trace's spans into the API's flat tree with the SQL, external calls and exceptions pulled out.</summary>
internal static class TraceView
{
    /// <summary>The most spans one answer lists unless the caller asks for fewer or more (<c>maxSpans</c>).</summary>
    public const int DefaultMaxSpans = 10_000;

    /// <summary>The most spans one answer may list.</summary>
    public const int MaxMaxSpans = 100_000;

    /// <summary>
    /// Builds the answer for <paramref name="spans"/>, listing the first <paramref name="maxSpans"/> in display order;
    /// the SQL, external calls and exceptions are taken from the listed spans and refer to them by index.
    /// </summary>
    public static TraceResponse Build(TraceId traceId, IReadOnlyList<SpanRecord> spans, int maxSpans = DefaultMaxSpans)
    {
        var tree = TraceTree.Build(spans);
        var all = tree.Spans;
        var start = all.Min(s => s.StartTimeUnixNano);
        var end = all.Max(s => s.EndTimeUnixNano);
        var totalNs = Math.Max(1, end - start);
        var shown = Math.Min(all.Count, maxSpans);

        var list = new List<TraceSpan>(shown);
        for (var i = 0; i < shown; i++)
        {
            var s = all[i];
            list.Add(new TraceSpan(
                i,
                tree.Depths[i],
                tree.ParentIndexes[i] is >= 0 and var p ? p : null,
                tree.ChildCounts[i],
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
                [.. s.Events.Select(e => new SpanEventDto(e.Name, TimeRange.FromUnixNanoToTime(e.TimeUnixNano), Attributes(e.Attributes)))]));
        }

        var sql = new List<SqlCall>();
        var external = new List<ExternalCall>();
        var exceptions = new List<ExceptionInfo>();
        for (var i = 0; i < shown; i++)
        {
            var s = all[i];
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
            all.Count,
            [.. all.Select(s => s.ServiceName).Distinct(StringComparer.Ordinal)],
            all.Count - shown,
            list,
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
