using Argus.Analysis.Profiles;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Web.Model;

/// <summary>One span of the waterfall: its place in the tree and its bar on the trace's time axis (in percent).</summary>
internal sealed record WaterfallRow(
    int Index,
    int Depth,
    int ChildCount,
    string SpanId,
    string Service,
    string Name,
    string Kind,
    double OffsetPercent,
    double WidthPercent,
    double DurationMs,
    bool IsError,
    string? Detail,
    string? DetailKind);

/// <summary>
/// A trace as a waterfall: the spans in <see cref="TraceTree"/>'s display order (depth first, children by start), at
/// most <see cref="MaxSpans"/> of them, with collapsible subtrees. A subtree is contiguous in display order, so
/// collapsing and listing the visible rows are one linear pass.
/// </summary>
internal sealed class TraceWaterfall
{
    /// <summary>The most spans a page lists (the API's default too); the page says when a trace has more.</summary>
    public const int MaxSpans = 10_000;

    private readonly HashSet<int> _collapsed = [];

    private TraceWaterfall(IReadOnlyList<WaterfallRow> rows, int totalSpans, DateTimeOffset start, double durationMs, IReadOnlyList<string> services)
    {
        Rows = rows;
        TotalSpans = totalSpans;
        Start = start;
        DurationMs = durationMs;
        Services = services;
        Visible = [.. rows];
    }

    public IReadOnlyList<WaterfallRow> Rows { get; }

    /// <summary>The rows not hidden inside a collapsed subtree.</summary>
    public IList<WaterfallRow> Visible { get; private set; }

    public int TotalSpans { get; }

    public bool IsCut => TotalSpans > Rows.Count;

    public DateTimeOffset Start { get; }

    public double DurationMs { get; }

    public IReadOnlyList<string> Services { get; }

    public int ErrorCount => Rows.Count(r => r.IsError);

    public bool IsCollapsed(int index) => _collapsed.Contains(index);

    /// <summary>Collapses or expands the subtree under <paramref name="index"/>.</summary>
    public void Toggle(int index)
    {
        if (!_collapsed.Remove(index))
        {
            _collapsed.Add(index);
        }

        var visible = new List<WaterfallRow>(Rows.Count);
        for (var i = 0; i < Rows.Count; i++)
        {
            visible.Add(Rows[i]);
            if (_collapsed.Contains(i))
            {
                // Skip the descendants: the rows after i that are deeper than it.
                var depth = Rows[i].Depth;
                while (i + 1 < Rows.Count && Rows[i + 1].Depth > depth)
                {
                    i++;
                }
            }
        }

        Visible = visible;
    }

    public static TraceWaterfall Build(IReadOnlyList<SpanRecord> spans, int maxSpans = MaxSpans)
    {
        var tree = TraceTree.Build(spans);
        var all = tree.Spans;
        var start = all.Min(s => s.StartTimeUnixNano);
        var end = all.Max(s => s.EndTimeUnixNano);
        var total = (double)Math.Max(1, end - start);
        var shown = Math.Min(all.Count, maxSpans);
        var rows = new List<WaterfallRow>(shown);
        for (var i = 0; i < shown; i++)
        {
            var s = all[i];
            var (detail, kind) = DetailOf(s);
            rows.Add(new WaterfallRow(
                i,
                tree.Depths[i],
                tree.ChildCounts[i],
                s.SpanId.ToString(),
                s.ServiceName,
                s.Name,
                s.Kind.ToString(),
                Math.Round(100 * (s.StartTimeUnixNano - start) / total, 3),
                Math.Max(0.2, Math.Round(100 * s.DurationNano / total, 3)),
                s.DurationNano / 1_000_000.0,
                s.IsError,
                detail,
                kind));
        }

        return new TraceWaterfall(
            rows,
            all.Count,
            TimeRange.FromUnixNanoToTime(start),
            (end - start) / 1_000_000.0,
            [.. all.Select(s => s.ServiceName).Distinct(StringComparer.Ordinal)]);
    }

    // What a row shows under its name: the exception first (it explains an error), else the SQL statement, else the call.
    private static (string? Text, string? Kind) DetailOf(SpanRecord s)
    {
        var exception = s.Events.FirstOrDefault(e => e.Name == "exception");
        if (exception is not null)
        {
            var type = Find(exception.Attributes, "exception.type") ?? s.ExceptionType ?? "Exception";
            var message = Find(exception.Attributes, "exception.message") ?? s.ExceptionMessage;
            return (message is null ? type : $"{type}: {message}", "exception");
        }

        if (s.ExceptionType is not null)
        {
            return (s.ExceptionMessage is null ? s.ExceptionType : $"{s.ExceptionType}: {s.ExceptionMessage}", "exception");
        }

        if (s.DbStatement is { Length: > 0 } sql)
        {
            return (sql, "sql");
        }

        if (s.HttpMethod is not null && (s.Url ?? s.HttpRoute) is { } target)
        {
            return ($"{s.HttpMethod} {target}{(s.HttpStatusCode is { } code ? $" → {code}" : "")}", "http");
        }

        return s.IsError && s.StatusMessage is { Length: > 0 } status ? (status, "exception") : (null, null);
    }

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
}
