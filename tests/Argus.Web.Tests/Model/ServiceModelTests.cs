using Argus.Core;
using Argus.Core.Telemetry;
using Argus.Web.Components.Charts;
using Argus.Web.Model;
using Xunit;

namespace Argus.Web.Tests.Model;

/// <summary>The service page's logic: the chart step for a range, the RED charts' lines, the endpoint table's order.</summary>
public sealed class ServiceModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(15, 10, 90)] // 15 minutes in 10 s steps
    [InlineData(60, 30, 120)]
    [InlineData(360, 300, 72)]
    [InlineData(1440, 900, 96)]
    [InlineData(10080, 7200, 84)]
    public void The_step_is_the_smallest_round_one_with_at_most_120_points(int minutes, int stepSeconds, int points)
    {
        var range = new TimeRange(T0, T0.AddMinutes(minutes));

        var step = ChartSteps.For(range);

        Assert.Equal(TimeSpan.FromSeconds(stepSeconds), step);
        Assert.Equal(points, ChartSteps.Grid(range, step).Count);
    }

    [Fact]
    public void The_grid_starts_on_a_whole_step_since_the_epoch_like_the_stores_buckets()
    {
        var range = new TimeRange(T0.AddSeconds(75), T0.AddSeconds(245));

        var grid = ChartSteps.Grid(range, TimeSpan.FromMinutes(1));

        Assert.Equal([T0.AddMinutes(1), T0.AddMinutes(2), T0.AddMinutes(3), T0.AddMinutes(4)], grid);
    }

    [Fact]
    public void Red_lines_have_zero_requests_but_no_latency_or_error_rate_where_a_step_had_no_request()
    {
        var times = new[] { T0, T0.AddMinutes(1), T0.AddMinutes(2) };
        var points = new[]
        {
            new RedPoint(T0, "", 120, 6, 10, 20, 30, 40),
            new RedPoint(T0.AddMinutes(2), "", 60, 0, 11, 21, 31, 41),
        };

        var charts = RedCharts.From(points, times, TimeSpan.FromMinutes(1), [new ChartMarker(T0.AddSeconds(30), "deploy v2")]);

        Assert.Equal([2.0, 0.0, 1.0], charts.Throughput.Series.Single().Values);
        Assert.Equal("180 requests", charts.Throughput.Summary);
        Assert.Equal(["errors", "error rate"], charts.Errors.Series.Select(s => s.Label));
        Assert.Equal([6.0, 0.0, 0.0], charts.Errors.Series[0].Values);
        Assert.Equal([5.0, null, 0.0], charts.Errors.Series[1].Values);
        Assert.True(charts.Errors.Series[1].Right);
        Assert.Equal("%", charts.Errors.RightUnit);
        Assert.Equal("6 errors, 3.3 %", charts.Errors.Summary);
        Assert.Equal(["p50", "p90", "p95", "p99"], charts.Latency.Series.Select(s => s.Label));
        Assert.Equal([30.0, null, 31.0], charts.Latency.Series[2].Values);
        Assert.Equal("ms", charts.Latency.Unit);
        Assert.All([charts.Throughput, charts.Errors, charts.Latency], c => Assert.Equal("deploy v2", Assert.Single(c.Markers!).Label));
    }

    private static readonly EndpointRow[] Rows =
    [
        new("GET /a", 300, 0, 0, 5, 8, 9, 10),
        new("POST /b", 200, 7, 0.035, 40, 60, 70, 90),
        new("DELETE /c", 10, 1, 0.1, 800, 820, 840, 850),
        new("GET /d", 200, 0, 0, 1, 2, 3, 4),
    ];

    [Theory]
    [InlineData(null, null, "GET /a,GET /d,POST /b,DELETE /c")] // busiest first; ties by name
    [InlineData("p95", "desc", "DELETE /c,POST /b,GET /a,GET /d")]
    [InlineData("p95", "asc", "GET /d,GET /a,POST /b,DELETE /c")]
    [InlineData("endpoint", null, "DELETE /c,GET /a,GET /d,POST /b")]
    [InlineData("endpoint", "desc", "POST /b,GET /d,GET /a,DELETE /c")]
    [InlineData("rate", null, "DELETE /c,POST /b,GET /a,GET /d")]
    [InlineData("errors", "asc", "GET /a,GET /d,DELETE /c,POST /b")]
    [InlineData("P50", "DESC", "DELETE /c,POST /b,GET /a,GET /d")]
    public void Endpoints_sort_by_any_column_either_way(string? sort, string? direction, string expected)
    {
        var order = EndpointSort.Parse(sort, direction, out var problem);

        Assert.Null(problem);
        Assert.Equal(expected, string.Join(",", order.Apply(Rows).Select(r => r.Endpoint)));
    }

    [Fact]
    public void Clicking_the_sorted_column_turns_it_round_and_another_column_starts_with_its_natural_direction()
    {
        var byRequests = EndpointSort.Default;

        Assert.Equal(new EndpointSort("requests", false), byRequests.Toggle("requests"));
        Assert.Equal(new EndpointSort("p99", true), byRequests.Toggle("p99"));
        Assert.Equal(new EndpointSort("endpoint", false), byRequests.Toggle("endpoint"));
        Assert.Equal("asc", byRequests.Toggle("requests").DirectionText);
    }

    [Fact]
    public void An_unknown_column_falls_back_to_requests_and_says_so()
    {
        var order = EndpointSort.Parse("latency", "desc", out var problem);

        Assert.Equal(EndpointSort.Default, order);
        Assert.Contains("'latency' is not a column", problem, StringComparison.Ordinal);
    }
}
