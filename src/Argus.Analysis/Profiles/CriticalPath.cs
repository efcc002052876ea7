namespace Argus.Analysis.Profiles;

/// <summary>One stretch of a trace's critical path: the span (by position in <see cref="TraceTree.Spans"/>) that held it up from <see cref="StartNano"/> to <see cref="EndNano"/>.</summary>
public readonly record struct CriticalSection(int SpanIndex, long StartNano, long EndNano);

/// <summary>
/// The chain of spans that determines a trace's end-to-end time, as Jaeger computes it: from the end of a span walk
/// back to the child that finishes last (before the point reached so far), follow it down, and when it is done carry
/// on from its start with the children that finished before it. The stretches where no child was running belong to
/// the span itself. A child that runs past its parent is cut at the parent's end (the parent did not wait for the
/// rest); a child wholly outside its parent's time plays no part. Several roots are treated as children of the trace.
/// Built without recursion, in time linear in the spans (plus sorting each span's children), so a chain of any length
/// is fine.
/// </summary>
public sealed class CriticalPath
{
    private readonly bool[] _onPath;

    private CriticalPath(IReadOnlyList<CriticalSection> sections, bool[] onPath)
    {
        Sections = sections;
        _onPath = onPath;
    }

    /// <summary>The stretches in time order; they do not overlap and cover the trace from its start to its end, less the gaps where no span ran.</summary>
    public IReadOnlyList<CriticalSection> Sections { get; }

    /// <summary>True when the span at <paramref name="spanIndex"/> has at least one stretch on the path.</summary>
    public bool Contains(int spanIndex) => spanIndex >= 0 && spanIndex < _onPath.Length && _onPath[spanIndex];

    /// <summary>The critical path of <paramref name="tree"/>.</summary>
    public static CriticalPath Of(TraceTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var spans = tree.Spans;
        var n = spans.Count;
        var onPath = new bool[n];
        if (n == 0)
        {
            return new CriticalPath([], onPath);
        }

        // Each span's time cut to its parent's (already cut) time; spans are in display order, so parents come first.
        var start = new long[n];
        var end = new long[n];
        var inside = new bool[n];
        var parents = tree.ParentIndexes;
        for (var i = 0; i < n; i++)
        {
            var (s, e) = (spans[i].StartTimeUnixNano, spans[i].EndTimeUnixNano);
            var p = parents[i];
            if (p >= 0)
            {
                inside[i] = inside[p] && s <= end[p] && e >= start[p];
                (s, e) = (Math.Max(s, start[p]), Math.Min(e, end[p]));
            }
            else
            {
                inside[i] = true;
            }

            (start[i], end[i]) = (s, Math.Max(s, e));
        }

        // Children of each span (and of the trace: index n), latest end first.
        var children = new List<int>?[n + 1];
        for (var i = 0; i < n; i++)
        {
            if (inside[i])
            {
                var p = parents[i] < 0 ? n : parents[i];
                (children[p] ??= []).Add(i);
            }
        }

        foreach (var list in children)
        {
            list?.Sort((a, b) => end[b] != end[a] ? end[b].CompareTo(end[a]) : a.CompareTo(b));
        }

        var next = new int[n + 1]; // per span, the first child not yet passed over
        var sections = new List<CriticalSection>();
        var traceEnd = end.Max();
        var stack = new Stack<(int Span, long Cursor)>();
        stack.Push((n, traceEnd));
        while (stack.Count > 0)
        {
            var (span, cursor) = stack.Pop();
            var kids = children[span];
            var child = -1;
            if (kids is not null)
            {
                // Children that end after the cursor overlap a later child already on the path: never on it. The cursor
                // only moves back in time, so they are passed over for good.
                while (next[span] < kids.Count && end[kids[next[span]]] > cursor)
                {
                    next[span]++;
                }

                if (next[span] < kids.Count)
                {
                    child = kids[next[span]++];
                }
            }

            if (child >= 0)
            {
                Add(span, end[child], cursor);
                stack.Push((span, start[child])); // back to this span from the child's start
                stack.Push((child, end[child]));
            }
            else if (span < n)
            {
                Add(span, start[span], cursor);
            }
        }

        sections.Reverse();
        return new CriticalPath(sections, onPath);

        void Add(int span, long from, long to)
        {
            if (span < n && from < to)
            {
                sections.Add(new CriticalSection(span, from, to));
                onPath[span] = true;
            }
        }
    }
}
