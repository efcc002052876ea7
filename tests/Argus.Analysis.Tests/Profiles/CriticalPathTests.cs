using Argus.Analysis.Profiles;
using Argus.Core.Telemetry;

namespace Argus.Analysis.Tests.Profiles;

public sealed class CriticalPathTests
{
    private static readonly long T0 = TraceBuilder.Start.ToUnixTimeMilliseconds() * 1_000_000;

    // The path as (span name, from ms, to ms), in time order.
    private static List<(string Name, double From, double To)> PathOf(TraceBuilder trace, out TraceTree tree, out CriticalPath path)
    {
        tree = TraceTree.Build(trace.Spans);
        path = CriticalPath.Of(tree);
        var spans = tree.Spans;
        return [.. path.Sections.Select(s => (spans[s.SpanIndex].Name, (s.StartNano - T0) / 1e6, (s.EndNano - T0) / 1e6))];
    }

    [Fact]
    public void Sequential_children_are_all_on_the_path_with_the_parents_own_time_between_them()
    {
        var t = new TraceBuilder();
        var root = t.Add(null, "root", 0, 100);
        t.Add(root, "a", 10, 20);
        t.Add(root, "b", 30, 50);

        Assert.Equal([("root", 0, 10), ("a", 10, 30), ("b", 30, 80), ("root", 80, 100)], PathOf(t, out _, out _));
    }

    [Fact]
    public void Of_parallel_children_the_one_that_finishes_last_is_on_the_path_and_the_others_that_overlap_it_are_not()
    {
        var t = new TraceBuilder();
        var root = t.Add(null, "root", 0, 100);
        t.Add(root, "early", 5, 10);     // finishes before "slow" starts: on the path
        t.Add(root, "parallel", 20, 60); // overlaps "slow", finishes before it: not on the path
        var slow = t.Add(root, "slow", 18, 77);
        t.Add(slow, "inner", 40, 20);          // overlaps "inner-last", finishes after it starts: not on the path
        t.Add(slow, "inner-last", 50, 40);

        var path = PathOf(t, out var tree, out var critical);

        Assert.Equal(
            [("root", 0, 5), ("early", 5, 15), ("root", 15, 18), ("slow", 18, 50), ("inner-last", 50, 90), ("slow", 90, 95), ("root", 95, 100)],
            path);
        var parallel = tree.Spans.ToList().FindIndex(s => s.Name == "parallel");
        var inner = tree.Spans.ToList().FindIndex(s => s.Name == "inner");
        Assert.False(critical.Contains(parallel));
        Assert.False(critical.Contains(inner));
        Assert.True(critical.Contains(tree.Spans.ToList().FindIndex(s => s.Name == "inner-last")));
    }

    [Fact]
    public void A_child_that_runs_past_its_parent_is_cut_at_the_parents_end_and_one_wholly_outside_plays_no_part()
    {
        var t = new TraceBuilder();
        var root = t.Add(null, "root", 0, 100);
        var call = t.Add(root, "call", 10, 50);
        t.Add(call, "fire-and-forget", 40, 200); // runs past both its parent and the root
        t.Add(root, "after", 70, 20);
        t.Add(call, "skewed", 300, 5);           // its clock is off: outside the parent altogether

        Assert.Equal(
            [("root", 0, 10), ("call", 10, 40), ("fire-and-forget", 40, 60), ("root", 60, 70), ("after", 70, 90), ("root", 90, 100)],
            PathOf(t, out _, out _));
    }

    [Fact]
    public void Several_roots_are_chained_like_children_of_the_trace_and_gaps_between_them_are_left_out()
    {
        var t = new TraceBuilder();
        t.Add(null, "first", 0, 30);
        t.Add(null, "overlapped", 10, 10);
        t.Add(null, "second", 40, 20);

        Assert.Equal([("first", 0, 30), ("second", 40, 60)], PathOf(t, out _, out _));
    }

    [Fact]
    public void The_sections_cover_the_root_exactly_once_for_a_random_tree()
    {
        var random = new Random(15);
        var t = new TraceBuilder();
        var spans = new List<SpanRecord> { t.Add(null, "root", 0, 1000) };
        for (var i = 0; i < 500; i++)
        {
            var parent = spans[random.Next(spans.Count)];
            var parentStart = (parent.StartTimeUnixNano - T0) / 1e6;
            var start = parentStart + (random.NextDouble() * parent.DurationNano / 1e6);
            spans.Add(t.Add(parent, $"s{i}", start, random.NextDouble() * 300));
        }

        var path = PathOf(t, out _, out _);

        // Contiguous from the root's start to its end: every child is cut to the root's time, and the root is one span.
        Assert.Equal(0, path[0].From);
        Assert.Equal(1000, path[^1].To, 6);
        for (var i = 1; i < path.Count; i++)
        {
            Assert.Equal(path[i - 1].To, path[i].From, 6);
        }
    }

    [Fact]
    public void A_chain_of_100000_spans_needs_no_recursion()
    {
        var t = new TraceBuilder();
        var parent = t.Add(null, "s0", 0, 100_000);
        for (var i = 1; i < 100_000; i++)
        {
            parent = t.Add(parent, $"s{i}", i * 0.5, 100_000 - i);
        }

        var path = PathOf(t, out var tree, out var critical);

        // Each span holds the path before its child starts and after its child ends; the innermost holds it throughout.
        Assert.Equal((2 * 100_000) - 1, path.Count);
        Assert.All(Enumerable.Range(0, tree.Spans.Count), i => Assert.True(critical.Contains(i)));
    }

    [Fact]
    public void An_empty_trace_has_an_empty_path()
    {
        var path = CriticalPath.Of(TraceTree.Build([]));
        Assert.Empty(path.Sections);
        Assert.False(path.Contains(0));
    }
}
