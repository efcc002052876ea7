namespace Argus.Web.Components.Charts;

/// <summary>One line of a chart: a value per time of its <see cref="ChartData"/> (null where there is none, drawn as a gap).</summary>
/// <param name="Right">On the right-hand axis, in <see cref="ChartData.RightUnit"/>.</param>
public sealed record ChartSeries(string Label, IReadOnlyList<double?> Values, bool Right = false);

/// <summary>A vertical line at <paramref name="Time"/> with a label (a deployment).</summary>
public sealed record ChartMarker(DateTimeOffset Time, string Label);

/// <summary>Buckets over time: <see cref="Counts"/> has a row per time with one count per bucket (one more than the bounds).</summary>
public sealed record ChartHeatmap(IReadOnlyList<double> Bounds, IReadOnlyList<IReadOnlyList<long>> Counts);

/// <summary>
/// What a <see cref="TimeSeriesChart"/> draws: the start of each step, the lines (or a heatmap) on that time axis, the
/// unit of the axis (<c>count/s</c>, <c>%</c>, <c>ms</c>, <c>count</c>, or a metric's own unit), markers, and a
/// line of text that sums it up beside the title.
/// </summary>
/// <param name="ConnectGaps">Draw a line across steps without a value (metrics exported less often than the step)
/// instead of leaving a gap (no requests).</param>
public sealed record ChartData(
    IReadOnlyList<DateTimeOffset> Times,
    TimeSpan Step,
    IReadOnlyList<ChartSeries> Series,
    string Unit,
    IReadOnlyList<ChartMarker>? Markers = null,
    string? RightUnit = null,
    ChartHeatmap? Heatmap = null,
    string? Summary = null,
    bool ConnectGaps = false)
{
    /// <summary>Nothing to draw: no step, or no line and no heatmap.</summary>
    public bool IsEmpty => Times.Count == 0 || (Series.Count == 0 && Heatmap is null);

    /// <summary>The object handed to the chart module: arrays per series, not an object per point.</summary>
    internal ChartPayload ToPayload(int height) => new(
        Unit,
        RightUnit,
        height,
        Step.TotalSeconds,
        ConnectGaps,
        [.. Times.Select(t => t.ToUnixTimeMilliseconds() / 1000.0)],
        [.. Series.Select(s => new ChartPayloadSeries(s.Label, s.Values, s.Right))],
        new ChartPayloadMarkers(
            [.. (Markers ?? []).Select(m => m.Time.ToUnixTimeMilliseconds() / 1000.0)],
            [.. (Markers ?? []).Select(m => m.Label)]),
        Heatmap is null ? null : new ChartPayloadHeatmap(Heatmap.Bounds, Heatmap.Counts));
}

internal sealed record ChartPayload(
    string Unit,
    string? RightUnit,
    int Height,
    double Step,
    bool ConnectGaps,
    IReadOnlyList<double> Times,
    IReadOnlyList<ChartPayloadSeries> Series,
    ChartPayloadMarkers Markers,
    ChartPayloadHeatmap? Heatmap);

internal sealed record ChartPayloadSeries(string Label, IReadOnlyList<double?> Values, bool Right);

internal sealed record ChartPayloadMarkers(IReadOnlyList<double> Times, IReadOnlyList<string> Labels);

internal sealed record ChartPayloadHeatmap(IReadOnlyList<double> Bounds, IReadOnlyList<IReadOnlyList<long>> Counts);
