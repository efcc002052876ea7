using Argus.Core;
using Argus.Core.Telemetry;
using Argus.Web.Model;
using Xunit;

namespace Argus.Web.Tests.Model;

/// <summary>The trace pages' logic: collapsing the waterfall, its critical path marks, the scatter's scales, the attribute box.</summary>
public sealed class TraceModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly TraceId Trace = new(7);

    private static SpanRecord Span(ulong id, ulong parent, string name, double startMs, double durationMs) => new()
    {
        TenantId = "t", TraceId = Trace, SpanId = new SpanId(id), ParentSpanId = new SpanId(parent), ServiceName = "api", Name = name,
        StartTimeUnixNano = (T0.ToUnixTimeMilliseconds() + (long)startMs) * 1_000_000, DurationNano = (long)(durationMs * 1_000_000),
    };

    // root ─ a ─ a1, a2; root ─ b ─ b1. a2 overlaps a1 and finishes after it; b starts after a and finishes last.
    private static TraceWaterfall Waterfall(int max = TraceWaterfall.MaxSpans) => TraceWaterfall.Build(
    [
        Span(1, 0, "root", 0, 100), Span(2, 1, "a", 5, 20), Span(3, 2, "a1", 6, 10), Span(4, 2, "a2", 10, 14),
        Span(5, 1, "b", 30, 60), Span(6, 5, "b1", 40, 50),
    ], max);

    private static string[] Names(TraceWaterfall w) => [.. w.Visible.Select(r => r.Name)];

    [Fact]
    public void Collapsing_a_subtree_hides_its_descendants_and_collapse_all_leaves_the_roots()
    {
        var w = Waterfall();
        Assert.Equal(["root", "a", "a1", "a2", "b", "b1"], Names(w));

        w.Toggle(1);
        Assert.Equal(["root", "a", "b", "b1"], Names(w));
        Assert.True(w.IsCollapsed(1));
        w.Toggle(0); // a collapsed subtree inside a collapsed one stays collapsed when the outer one opens
        Assert.Equal(["root"], Names(w));
        w.Toggle(0);
        Assert.Equal(["root", "a", "b", "b1"], Names(w));

        w.CollapseAll();
        Assert.Equal(["root"], Names(w));
        w.ExpandAll();
        Assert.Equal(6, w.Visible.Count);
        Assert.False(w.AnyCollapsed);
    }

    [Fact]
    public void Revealing_a_row_opens_the_subtrees_around_it_only()
    {
        var w = Waterfall();
        w.CollapseAll();
        var a2 = w.Find(new SpanId(4).ToString())!.Value.Row!;

        w.Reveal(a2.Index);

        Assert.Equal(["root", "a", "a1", "a2", "b"], Names(w));
        Assert.Equal(3, w.VisiblePosition(a2.Index));
        Assert.Equal(-1, w.VisiblePosition(5)); // b1 stays inside collapsed b
    }

    [Fact]
    public void The_rows_on_the_critical_path_carry_their_stretches_in_percent_of_the_trace()
    {
        var w = Waterfall();
        var byName = w.Rows.ToDictionary(r => r.Name);

        Assert.Equal(["root", "a", "a2", "b", "b1"], w.Rows.Where(r => r.OnCriticalPath).Select(r => r.Name));
        Assert.False(byName["a1"].OnCriticalPath); // overlaps a2, finishes before it
        Assert.Equal(5, w.CriticalSpans);
        // b1 runs 40-90 ms of a 100 ms trace, all of it on the path.
        Assert.Equal([new BarPart(40, 50)], byName["b1"].Critical);
        // root: before a, between a and b, after b.
        Assert.Equal([new BarPart(0, 5), new BarPart(25, 5), new BarPart(90, 10)], byName["root"].Critical);
    }

    [Fact]
    public void A_span_beyond_the_cut_is_found_without_a_row_and_an_unknown_one_not_at_all()
    {
        var w = Waterfall(max: 4);
        Assert.True(w.IsCut);

        var b1 = w.Find(new SpanId(6).ToString());
        Assert.NotNull(b1);
        Assert.Null(b1.Value.Row);
        Assert.Equal("b1", b1.Value.Span.Name);
        Assert.Null(w.Find(new SpanId(99).ToString()));
        Assert.Null(w.Find("not hex"));
    }

    private static TraceSummary Summary(int secondsIn, double ms, int errors = 0) =>
        new(new TraceId((UInt128)(secondsIn + 1)), "api", "GET /", T0.AddSeconds(secondsIn), ms, 1, errors);

    [Fact]
    public void The_scatter_puts_start_on_x_within_the_range_and_duration_on_a_linear_y_when_the_durations_are_close()
    {
        var range = new TimeRange(T0, T0.AddMinutes(10));
        var scatter = TraceScatter.Build([Summary(0, 40), Summary(300, 80), Summary(600, 20, errors: 1)], range);

        Assert.False(scatter.IsLog);
        var (left, right) = (TraceScatter.Left, TraceScatter.Width - TraceScatter.Right);
        var dots = scatter.Dots.ToDictionary(d => d.Trace.DurationMs);
        Assert.Equal(left, dots[40].X);
        Assert.Equal((left + right) / 2, dots[80].X, 1);
        Assert.Equal(right, dots[20].X);
        // Ticks 0, 20 ... 80 ms: 80 ms is the top of the plot, 40 ms half-way, and the error dot is drawn last (on top).
        Assert.Equal(["0", "20 ms", "40 ms", "60 ms", "80 ms"], scatter.YTicks.Select(t => t.Label));
        Assert.Equal(TraceScatter.Top, dots[80].Y);
        Assert.Equal((TraceScatter.Top + TraceScatter.PlotBottom) / 2, dots[40].Y, 1);
        Assert.True(scatter.Dots[^1].IsError);
        Assert.Equal(["12:00:00", "12:02:30", "12:05:00", "12:07:30", "12:10:00"], scatter.XTicks.Select(t => t.Label));
        Assert.Equal(["start", "middle", "middle", "middle", "end"], scatter.XTicks.Select(t => t.Anchor));
    }

    [Fact]
    public void Durations_spanning_decades_go_on_a_log_axis_of_whole_decades()
    {
        var range = new TimeRange(T0, T0.AddHours(1));
        var scatter = TraceScatter.Build([Summary(0, 3), Summary(10, 30), Summary(20, 3000)], range);

        Assert.True(scatter.IsLog);
        Assert.Equal(["1 ms", "10 ms", "100 ms", "1 s", "10 s"], scatter.YTicks.Select(t => t.Label));
        // Each tenfold is the same height: 3, 30 and 3000 ms are at log10 0.477, 1.477 and 3.477 of 0..4 decades.
        var y = scatter.Dots.ToDictionary(d => d.Trace.DurationMs, d => d.Y);
        var decade = (TraceScatter.PlotBottom - TraceScatter.Top) / 4;
        Assert.Equal(decade, y[3] - y[30], 0);
        Assert.Equal(2 * decade, y[30] - y[3000], 0);
    }

    [Fact]
    public void An_empty_or_flat_scatter_has_usable_axes()
    {
        var range = new TimeRange(T0, T0.AddMinutes(1));
        Assert.Empty(TraceScatter.Build([], range).Dots);
        var flat = TraceScatter.Build([Summary(1, 0), Summary(2, 0)], range);
        Assert.False(flat.IsLog);
        Assert.All(flat.Dots, d => Assert.Equal(TraceScatter.PlotBottom, d.Y));
    }

    [Fact]
    public void The_attribute_box_reads_pairs_quoted_values_and_says_which_words_are_not_pairs()
    {
        var pairs = AttributeText.Parse("http.route=/orders  customer.tier=\"gold plus\" expr=a=b empty= oops \"=x\"", out var bad);

        Assert.Equal(
            [new("http.route", "/orders"), new("customer.tier", "gold plus"), new("expr", "a=b"), new TelemetryAttribute("empty", "")],
            pairs);
        Assert.Equal(["oops", "=x"], bad);
        Assert.Equal(pairs, AttributeText.Parse(AttributeText.Format(pairs), out var none));
        Assert.Empty(none);
        Assert.Equal("a=\"say \\\"hi\\\"\"", AttributeText.Format([new("a", "say \"hi\"")]));
    }
}
