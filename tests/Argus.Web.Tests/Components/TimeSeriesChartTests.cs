using Argus.Web.Components.Charts;
using Bunit;
using Microsoft.AspNetCore.Components;
using Xunit;

namespace Argus.Web.Tests.Components;

/// <summary>The chart component hands its data to the chart module once per new data, as arrays, and frees the chart when it goes.</summary>
public sealed class TimeSeriesChartTests : BunitContext
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly BunitJSModuleInterop _module;

    public TimeSeriesChartTests()
    {
        JSInterop.Mode = JSRuntimeMode.Strict;
        _module = JSInterop.SetupModule("./_content/Argus.Web/charts.js");
        _module.SetupModule(invocation => invocation.Identifier == "create", isCatchAllHandler: false);
        _module.SetupVoid("update", _ => true);
        _module.SetupVoid("dispose", _ => true);
    }

    private static ChartData Data(params double?[] values) => new(
        [.. values.Select((_, i) => T0.AddMinutes(i))], TimeSpan.FromMinutes(1), [new ChartSeries("requests/s", values)], "count/s",
        [new ChartMarker(T0.AddSeconds(90), "deploy v2")]);

    [Fact]
    public void The_module_gets_the_times_in_seconds_one_array_per_series_and_the_markers()
    {
        var chart = Render<TimeSeriesChart>(p => p.Add(c => c.Data, Data(1, null, 3)).Add(c => c.Height, 150));

        var create = Assert.Single(_module.Invocations["create"]);
        Assert.IsType<ElementReference>(create.Arguments[0]);
        var payload = Assert.IsType<ChartPayload>(create.Arguments[1]);
        Assert.Equal([T0.ToUnixTimeSeconds(), T0.ToUnixTimeSeconds() + 60, T0.ToUnixTimeSeconds() + 120], payload.Times);
        Assert.Equal(60, payload.Step);
        Assert.Equal(150, payload.Height);
        Assert.Equal("count/s", payload.Unit);
        var series = Assert.Single(payload.Series);
        Assert.Equal("requests/s", series.Label);
        Assert.Equal([1, null, 3], series.Values);
        Assert.Equal([T0.ToUnixTimeSeconds() + 90.0], payload.Markers.Times);
        Assert.Equal(["deploy v2"], payload.Markers.Labels);
        Assert.Null(payload.Heatmap);
        Assert.Empty(chart.FindAll(".chart-empty"));
    }

    [Fact]
    public async Task A_re_render_with_the_same_data_draws_nothing_new_new_data_updates_the_same_chart_and_disposing_frees_it()
    {
        var data = Data(1, 2);
        var chart = Render<TimeSeriesChart>(p => p.Add(c => c.Data, data).Add(c => c.Title, "Throughput"));

        chart.Render(p => p.Add(c => c.Data, data).Add(c => c.Title, "Throughput, again"));
        Assert.Single(_module.Invocations["create"]);
        Assert.Empty(_module.Invocations["update"]);

        chart.Render(p => p.Add(c => c.Data, Data(5, 6, 7)));
        Assert.Single(_module.Invocations["create"]);
        var update = Assert.Single(_module.Invocations["update"]);
        Assert.Equal(3, Assert.IsType<ChartPayload>(update.Arguments[1]).Times.Count);

        await DisposeComponentsAsync();
        Assert.Single(_module.Invocations["dispose"]);
    }

    [Fact]
    public void No_steps_say_so_instead_of_drawing()
    {
        var chart = Render<TimeSeriesChart>(p => p.Add(c => c.Data, Data()).Add(c => c.EmptyText, "Nothing here."));

        Assert.Equal("Nothing here.", chart.Find(".chart-empty").TextContent);
        Assert.Empty(_module.Invocations["create"]);
    }
}
