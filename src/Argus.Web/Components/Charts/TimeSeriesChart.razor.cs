using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Argus.Web.Components.Charts;

/// <summary>
/// Draws <see cref="Data"/> with uPlot: several lines (or a heatmap) over time, the axis in the data's unit, markers,
/// a legend with the values under the cursor. It survives re-renders (the chart is redrawn only when the data changes)
/// and frees its uPlot instance when it goes away.
/// </summary>
public sealed partial class TimeSeriesChart : IAsyncDisposable
{
    private const string ModulePath = "./_content/Argus.Web/charts.js";

    private ElementReference _element;
    private IJSObjectReference? _module;
    private IJSObjectReference? _chart;
    private ChartData? _drawn;
    private bool _disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Parameter, EditorRequired]
    public ChartData Data { get; set; } = null!;

    [Parameter]
    public string? Id { get; set; }

    [Parameter]
    public string? Title { get; set; }

    [Parameter]
    public int Height { get; set; } = 200;

    [Parameter]
    public string EmptyText { get; set; } = "No data in the range.";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Records compare by value, but the lists inside them by reference: a page's new load is a new ChartData.
        if (ReferenceEquals(Data, _drawn) || _disposed)
        {
            return;
        }

        _drawn = Data;
        if (Data.IsEmpty)
        {
            if (_chart is not null)
            {
                await _module!.InvokeVoidAsync("dispose", _chart);
                await _chart.DisposeAsync();
                _chart = null;
            }

            return;
        }

        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            var payload = Data.ToPayload(Height);
            if (_chart is null)
            {
                _chart = await _module.InvokeAsync<IJSObjectReference>("create", _element, payload);
            }
            else
            {
                await _module.InvokeVoidAsync("update", _chart, payload);
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser went away while drawing: nothing left to draw into.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try
        {
            if (_chart is not null)
            {
                await _module!.InvokeVoidAsync("dispose", _chart);
                await _chart.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the browser's objects with it.
        }
    }
}
