using Argus.Core.Telemetry;

namespace Argus.Analysis.Profiles;

/// <summary>
/// A trace's spans in display order: depth first from each root, children by start time. Built without recursion,
/// so a parent chain of any length (a client may send 100,000 spans in one chain) costs time and memory linear in
/// the number of spans and never the call stack.
/// </summary>
public sealed class TraceTree
{
    private TraceTree(IReadOnlyList<SpanRecord> spans, int[] depths, int[] parents, int[] childCounts)
    {
        Spans = spans;
        Depths = depths;
        ParentIndexes = parents;
        ChildCounts = childCounts;
    }

    /// <summary>The spans in display order; duplicated deliveries of one span id appear once.</summary>
    public IReadOnlyList<SpanRecord> Spans { get; }

    /// <summary>Depth of each span: 0 for a root, 1 for its children, ...</summary>
    public IReadOnlyList<int> Depths { get; }

    /// <summary>Position of each span's parent in <see cref="Spans"/>, or -1 for a root.</summary>
    public IReadOnlyList<int> ParentIndexes { get; }

    /// <summary>How many direct children each span has.</summary>
    public IReadOnlyList<int> ChildCounts { get; }

    /// <summary>Orders <paramref name="input"/>; the order of the input does not matter.</summary>
    public static TraceTree Build(IReadOnlyList<SpanRecord> input)
    {
        ArgumentNullException.ThrowIfNull(input);

        // Sort first so that the result does not depend on the order spans arrived in.
        var spans = input
            .DistinctBy(s => s.SpanId)
            .OrderBy(s => s.StartTimeUnixNano).ThenByDescending(s => s.DurationNano).ThenBy(s => s.SpanId.Value)
            .ToList();
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = new Dictionary<SpanId, List<SpanRecord>>();
        var roots = new List<SpanRecord>();
        foreach (var span in spans)
        {
            // A span whose parent is missing (not yet arrived, or from another system) is shown as a root.
            if (span.ParentSpanId.IsEmpty || !ids.Contains(span.ParentSpanId) || span.ParentSpanId == span.SpanId)
            {
                roots.Add(span);
            }
            else
            {
                if (!children.TryGetValue(span.ParentSpanId, out var list))
                {
                    children[span.ParentSpanId] = list = [];
                }

                list.Add(span); // spans are in start order, so each list is too
            }
        }

        var ordered = new List<SpanRecord>(spans.Count);
        var depths = new int[spans.Count];
        var parents = new int[spans.Count];
        var childCounts = new int[spans.Count];
        var visited = new HashSet<SpanId>();
        var stack = new Stack<(SpanRecord Span, int Depth, int Parent)>();
        void Walk(SpanRecord start)
        {
            stack.Push((start, 0, -1));
            while (stack.Count > 0)
            {
                var (span, depth, parent) = stack.Pop();
                if (!visited.Add(span.SpanId))
                {
                    continue;
                }

                var at = ordered.Count;
                ordered.Add(span);
                depths[at] = depth;
                parents[at] = parent;
                if (parent >= 0)
                {
                    childCounts[parent]++;
                }

                if (children.TryGetValue(span.SpanId, out var kids))
                {
                    for (var k = kids.Count - 1; k >= 0; k--)
                    {
                        stack.Push((kids[k], depth + 1, at));
                    }
                }
            }
        }

        foreach (var r in roots)
        {
            Walk(r);
        }

        // Spans whose parents form a cycle are unreachable from any root; keep them, in start order, as roots.
        foreach (var span in spans)
        {
            if (!visited.Contains(span.SpanId))
            {
                Walk(span);
            }
        }

        return new TraceTree(ordered, depths, parents, childCounts);
    }
}
