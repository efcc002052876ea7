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
    string? DetailKind,
    IReadOnlyList<BarPart> Critical)
{
    /// <summary>True when part of this span is on the trace's critical path.</summary>
    public bool OnCriticalPath => Critical.Count > 0;
}

/// <summary>A stretch of a row's track, in percent of the trace's time.</summary>
internal readonly record struct BarPart(double OffsetPercent, double WidthPercent);

/// <summary>
/// A trace as a waterfall: the spans in <see cref="TraceTree"/>'s display order (depth first, children by start), at
/// most <see cref="MaxSpans"/> of them, with collapsible subtrees and the stretches of its <see cref="CriticalPath"/>.
/// A subtree is contiguous in display order, so collapsing and listing the visible rows are one linear pass.
/// </summary>
internal sealed class TraceWaterfall
{
    /// <summary>The most spans a page lists (the API's default too); the page says when a trace has more.</summary>
    public const int MaxSpans = 10_000;

    private readonly HashSet<int> _collapsed = [];
    private readonly IReadOnlyList<int> _parents;

    private readonly IReadOnlyList<SpanRecord> _spans;
    private readonly Dictionary<SpanId, int> _positions;

    private TraceWaterfall(
        IReadOnlyList<WaterfallRow> rows, TraceTree tree, DateTimeOffset start, double durationMs, IReadOnlyList<string> services, int criticalSpans)
    {
        var spans = tree.Spans;
        Rows = rows;
        _spans = spans;
        _parents = tree.ParentIndexes;
        TotalSpans = spans.Count;
        Start = start;
        StartUnixNano = spans.Count == 0 ? 0 : spans.Min(s => s.StartTimeUnixNano);
        DurationMs = durationMs;
        Services = services;
        CriticalSpans = criticalSpans;
        Visible = [.. rows];
        _positions = new Dictionary<SpanId, int>(spans.Count);
        for (var i = 0; i < spans.Count; i++)
        {
            _positions.TryAdd(spans[i].SpanId, i);
        }
    }

    public IReadOnlyList<WaterfallRow> Rows { get; }

    /// <summary>The rows not hidden inside a collapsed subtree.</summary>
    public IList<WaterfallRow> Visible { get; private set; }

    public int TotalSpans { get; }

    public bool IsCut => TotalSpans > Rows.Count;

    public DateTimeOffset Start { get; }

    /// <summary>The trace's start as the spans give it, for offsets.</summary>
    public long StartUnixNano { get; }

    /// <summary>The trace's end (the latest end of a span).</summary>
    public long EndUnixNano => StartUnixNano + (long)(DurationMs * 1_000_000);

    public double DurationMs { get; }

    /// <summary>How many spans have a stretch on the critical path (of all the trace's spans, shown or not).</summary>
    public int CriticalSpans { get; }

    public IReadOnlyList<string> Services { get; }

    public int ErrorCount => Rows.Count(r => r.IsError);

    public bool IsCollapsed(int index) => _collapsed.Contains(index);

    /// <summary>True when some subtree is collapsed.</summary>
    public bool AnyCollapsed => _collapsed.Count > 0;

    /// <summary>
    /// The span with id <paramref name="spanIdText"/> (shown or beyond the cut) and its row, if it is shown; null when
    /// the trace has no such span.
    /// </summary>
    public (SpanRecord Span, WaterfallRow? Row)? Find(string? spanIdText)
    {
        if (!SpanId.TryParse(spanIdText, out var id) || !_positions.TryGetValue(id, out var at))
        {
            return null;
        }

        return (_spans[at], at < Rows.Count ? Rows[at] : null);
    }

    /// <summary>Collapses or expands the subtree under <paramref name="index"/>.</summary>
    public void Toggle(int index)
    {
        if (!_collapsed.Remove(index))
        {
            _collapsed.Add(index);
        }

        Refresh();
    }

    /// <summary>Collapses every subtree: only the roots stay visible.</summary>
    public void CollapseAll()
    {
        foreach (var row in Rows)
        {
            if (row.ChildCount > 0)
            {
                _collapsed.Add(row.Index);
            }
        }

        Refresh();
    }

    /// <summary>Expands every subtree.</summary>
    public void ExpandAll()
    {
        _collapsed.Clear();
        Refresh();
    }

    /// <summary>Expands the subtrees that hide the row at <paramref name="index"/> (a selected span is then in view).</summary>
    public void Reveal(int index)
    {
        var changed = false;
        for (var at = index; at >= 0 && at < Rows.Count; at = _parents[at])
        {
            changed |= at != index && _collapsed.Remove(at);
        }

        if (changed)
        {
            Refresh();
        }
    }

    /// <summary>Where the row at <paramref name="index"/> is among the visible rows; -1 when it is hidden.</summary>
    public int VisiblePosition(int index)
    {
        for (var i = 0; i < Visible.Count; i++)
        {
            if (Visible[i].Index == index)
            {
                return i;
            }
        }

        return -1;
    }

    private void Refresh()
    {
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
        double Percent(long nanos) => Math.Round(100 * nanos / total, 3);
        var critical = CriticalPath.Of(tree);
        var parts = new Dictionary<int, List<BarPart>>();
        foreach (var section in critical.Sections)
        {
            if (!parts.TryGetValue(section.SpanIndex, out var list))
            {
                parts[section.SpanIndex] = list = [];
            }

            list.Add(new BarPart(Percent(section.StartNano - start), Math.Max(0.1, Percent(section.EndNano - section.StartNano))));
        }

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
                Percent(s.StartTimeUnixNano - start),
                Math.Max(0.2, Percent(s.DurationNano)),
                s.DurationNano / 1_000_000.0,
                s.IsError,
                detail,
                kind,
                parts.TryGetValue(i, out var stretches) ? stretches : []));
        }

        return new TraceWaterfall(
            rows,
            tree,
            TimeRange.FromUnixNanoToTime(start),
            (end - start) / 1_000_000.0,
            [.. all.Select(s => s.ServiceName).Distinct(StringComparer.Ordinal)],
            parts.Count);
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
