using Argus.Web.Components.Charts;
using Bunit;
using Xunit;

namespace Argus.Web.Tests.Components;

/// <summary>The home's sparklines (scaled from 0 to the largest value, gaps where a step has none) and change arrows.</summary>
public sealed class ChartsTests : BunitContext
{
    [Fact]
    public void A_line_runs_from_zero_at_the_bottom_to_the_largest_value_at_the_top_and_breaks_at_a_missing_step()
    {
        var chart = Render<Sparkline>(p => p.Add(s => s.Values, [0, 5, 10, null, 5]).Add(s => s.Width, 100).Add(s => s.Height, 23));

        var lines = chart.FindAll("polyline").Select(l => l.GetAttribute("points")).ToList();
        // x over 100 px in 4 gaps; y from 21.5 (0, the bottom less the padding) to 1.5 (10, the top).
        Assert.Equal(["0,21.5 25,11.5 50,1.5"], lines);
        // The value after the gap stands alone: a dot.
        var dot = chart.Find("circle");
        Assert.Equal(("100", "11.5"), (dot.GetAttribute("cx"), dot.GetAttribute("cy")));
        Assert.Equal("5", chart.Find("svg").GetAttribute("data-points"));
    }

    [Fact]
    public void A_flat_zero_series_lies_on_the_bottom_and_bars_are_as_high_as_their_share_of_the_largest()
    {
        var flat = Render<Sparkline>(p => p.Add(s => s.Values, [0, 0, 0]).Add(s => s.Width, 10).Add(s => s.Height, 20));
        Assert.Equal("0,18.5 5,18.5 10,18.5", flat.Find("polyline").GetAttribute("points"));

        var bars = Render<Sparkline>(p => p.Add(s => s.Values, [4, 0, 1, 2]).Add(s => s.Bars, true).Add(s => s.Width, 40).Add(s => s.Height, 20));
        var heights = bars.FindAll("rect").Select(r => r.GetAttribute("height")).ToList();
        Assert.Equal(["20", "0", "5", "10"], heights);
        Assert.Equal(["0", "10", "20", "30"], bars.FindAll("rect").Select(r => r.GetAttribute("x")));
    }

    [Theory]
    [InlineData(150.0, 100.0, true, ChangeMeasure.Relative, "▲", "+50 %", "worse")]
    [InlineData(95.0, 100.0, true, ChangeMeasure.Relative, "▼", "−5.0 %", "better")]
    [InlineData(100.2, 100.0, true, ChangeMeasure.Relative, "=", "0 %", "same")]
    [InlineData(120.0, 100.0, null, ChangeMeasure.Relative, "▲", "+20 %", "none")]
    [InlineData(0.05, 0.02, true, ChangeMeasure.Points, "▲", "+3.0 pt", "worse")]
    [InlineData(0.01, 0.02, true, ChangeMeasure.Points, "▼", "−1.0 pt", "better")]
    [InlineData(3.0, 0.0, true, ChangeMeasure.Relative, "▲", "from 0", "worse")]
    public void A_change_has_an_arrow_a_percent_or_points_and_is_red_when_worse(
        double current, double previous, bool? higherIsWorse, ChangeMeasure measure, string arrow, string text, string tone)
    {
        Assert.Equal(new ChangeFigure(arrow, text, tone), ChangeFigure.Of(current, previous, higherIsWorse, measure));

        var badge = Render<Change>(p => p.Add(c => c.Current, current).Add(c => c.Previous, previous)
            .Add(c => c.HigherIsWorse, higherIsWorse).Add(c => c.Measure, measure).Add(c => c.Label, "1d"));
        var span = badge.Find("span.change");
        Assert.Contains(tone, span.ClassList);
        Assert.Contains(text, span.TextContent, StringComparison.Ordinal);
        Assert.Contains("1d", span.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_earlier_value_a_change_says_there_was_no_data()
    {
        Assert.Equal(new ChangeFigure("", "no data", "none"), ChangeFigure.Of(0.1, null, true, ChangeMeasure.Points));
        Assert.Equal(new ChangeFigure("", "no data", "none"), ChangeFigure.Of(null, 10, true, ChangeMeasure.Relative));
    }
}
