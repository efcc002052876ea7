using Argus.Core;
using Argus.Core.Telemetry;
using Argus.Web.Components.Charts;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// Metric names per service, and one metric charted as the metric values API answers it (through the same
/// <see cref="IMetricSeriesReader"/>): <c>service</c>, <c>metric</c>, <c>groupBy</c>, <c>agg</c> and <c>step</c> live in the URL.
/// Gauges and sums are lines per group; histograms are p50/p95/p99 lines and a heatmap of their buckets over time.
/// </summary>
public sealed partial class Metrics
{
    /// <summary>The console's own default for histograms: the p50, p95 and p99 lines and the heatmap.</summary>
    internal const string PercentilesChoice = "percentiles";

    /// <summary>At most this many lines a chart; the rest are summed into an "other" line (the API's pooling).</summary>
    private const int MaxLines = 10;

    /// <summary>In the percentiles view each group has three lines: fewer groups.</summary>
    private const int MaxPercentileGroups = 3;

    private const int MaxKeys = 50;

    private static readonly TimeSpan MinDefaultStep = TimeSpan.FromMinutes(1);

    private static readonly IReadOnlyList<string> StepChoices = ["10s", "1m", "5m", "15m", "1h", "1d"];

    private IReadOnlyList<(string Service, IReadOnlyList<MetricSummary> Metrics)>? _catalog;
    private MetricDescriptor? _metric;
    private bool _metricUnknown;
    private IReadOnlyList<string> _keys = [];
    private IReadOnlyList<(string Value, string Label)> _aggregations = [];
    private string _agg = "";
    private string _groupBy = "";
    private string _stepText = "";
    private ChartData? _lines;
    private ChartData? _heatmap;
    private int _otherSeries;
    private string? _problem;

    [Inject]
    private IMetricSeriesReader Series { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "service")]
    public string? ServiceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "metric")]
    public string? MetricFilter { get; set; }

    [SupplyParameterFromQuery(Name = "groupBy")]
    public string? GroupByFilter { get; set; }

    [SupplyParameterFromQuery(Name = "agg")]
    public string? AggregationFilter { get; set; }

    [SupplyParameterFromQuery(Name = "step")]
    public string? StepFilter { get; set; }

    private string? Service => Blank(ServiceFilter);

    private string? MetricName => Blank(MetricFilter);

    private string Description => _metric is null
        ? ""
        : $"{(_metric.Kind is MetricKind.Sum ? _metric.IsMonotonic ? "counter" : "up-down counter" : _metric.Kind.ToString().ToLowerInvariant())}"
          + (_metric.Unit is { Length: > 0 } unit ? $", unit {unit}" : "") + $", per {_stepText}";

    private string EmptyText => Service is null ? $"No metric arrived in the {Range.Label}." : $"No metric from service '{Service}' in the {Range.Label}.";

    private string OtherText => _otherSeries == 0 ? "" : $"The {MaxLines} largest series are drawn; {_otherSeries} more are summed into 'other'.";

    // Picking a metric starts its chart afresh: the grouping and aggregation of the metric before do not carry over.
    private string MetricLink(string service, string name) => Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["service"] = service,
        ["metric"] = name,
        ["groupBy"] = null,
        ["agg"] = null,
        ["step"] = null,
    });

    private string ServiceOnlyLink(string? service) => Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["service"] = service,
        ["metric"] = null,
        ["groupBy"] = null,
        ["agg"] = null,
        ["step"] = null,
    });

    private bool IsCurrent(string service, string name) => name == MetricName && (Service is null || Service == service);

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        _metric = null;
        _metricUnknown = false;
        _lines = null;
        _heatmap = null;
        _otherSeries = 0;
        var metrics = await Reader.GetMetricsAsync(Tenant, Service, Window, cancellationToken);
        _catalog = [.. metrics
            .GroupBy(m => m.ServiceName, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<MetricSummary>)[.. g.OrderBy(m => m.Name, StringComparer.Ordinal)]))];
        if (MetricName is not { } name)
        {
            return;
        }

        _metric = await Series.DescribeMetricAsync(Tenant, name, Service, Window, cancellationToken);
        if (_metric is null)
        {
            _metricUnknown = true;
            return;
        }

        // Not below a minute unless asked: SDKs export every minute by default, and a shorter step leaves every other one empty.
        var step = ChartSteps.For(Window);
        if (step < MinDefaultStep)
        {
            step = MinDefaultStep;
        }

        if (Blank(StepFilter) is { } stepText)
        {
            if (Durations.TryParse(stepText, out var asked) && asked >= TimeSpan.FromSeconds(1) && Window.Duration.Ticks / asked.Ticks <= MetricSeriesQuery.MaxBuckets)
            {
                step = asked;
            }
            else
            {
                _problem = $"'{stepText}' is not a step ({Durations.Grammar}, at least 1s and at most {MetricSeriesQuery.MaxBuckets} steps in the range); using {ConsoleTimeRange.Format(step)}.";
            }
        }

        _stepText = ConsoleTimeRange.Format(step);
        _keys = await Series.GetMetricAttributeKeysAsync(Tenant, name, Service, Window, MaxKeys, cancellationToken);
        _groupBy = Blank(GroupByFilter) ?? "";
        IReadOnlyList<string>? groupBy = _groupBy.Length == 0 ? null : [_groupBy];

        var accepted = _metric.AcceptedAggregations;
        _aggregations = [.. (_metric.IsHistogram ? [(PercentilesChoice, "p50, p95, p99 and heatmap")] : Array.Empty<(string, string)>())
            .Concat(accepted.Select(a => (Name(a), Name(a))))];
        var askedAgg = Blank(AggregationFilter)?.ToLowerInvariant();
        _agg = askedAgg is not null && _aggregations.Any(a => a.Value == askedAgg) ? askedAgg : _aggregations.Count > 0 ? _aggregations[0].Value : "";
        if (askedAgg is not null && askedAgg != _agg)
        {
            _problem = $"'{askedAgg}' is not an aggregation of this metric ({string.Join(", ", _aggregations.Select(a => a.Value))}); showing {_agg}.";
        }

        if (_agg.Length == 0)
        {
            _problem = $"'{name}' is a {_metric.Kind.ToString().ToLowerInvariant()} metric, which has no series to chart.";
            return;
        }

        var times = ChartSteps.Grid(Window, step);
        Task<MetricSeriesResult> Query(MetricAggregation aggregation, int maxSeries) =>
            Series.QueryMetricSeriesAsync(Tenant, _metric, new MetricSeriesQuery(name, Window, step, aggregation, Service, groupBy, maxSeries), cancellationToken);

        if (_agg == PercentilesChoice)
        {
            var percentiles = await Task.WhenAll(MetricCharts.Percentiles.Select(p => Query(p, MaxPercentileGroups)));
            var heatmap = await Query(MetricAggregation.Heatmap, MetricSeriesQuery.MaxMaxSeries);
            _otherSeries = percentiles[0].OtherSeriesCount;
            _lines = MetricCharts.Lines(percentiles, times, step, MetricCharts.AxisUnit(_metric, MetricAggregation.P95));
            _heatmap = MetricCharts.Heatmap(heatmap, times, step, MetricCharts.AxisUnit(_metric, MetricAggregation.Heatmap));
            return;
        }

        var chosen = accepted.First(a => Name(a) == _agg);
        var result = await Query(chosen, chosen is MetricAggregation.Heatmap ? MetricSeriesQuery.MaxMaxSeries : MaxLines);
        var unit = MetricCharts.AxisUnit(_metric, chosen);
        if (chosen is MetricAggregation.Heatmap)
        {
            _heatmap = MetricCharts.Heatmap(result, times, step, unit);
        }
        else
        {
            _otherSeries = result.OtherSeriesCount;
            _lines = MetricCharts.Lines([result], times, step, unit);
        }
    }

    private void ChangeParameter(string name, ChangeEventArgs e)
    {
        var value = e.Value?.ToString();
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(name, string.IsNullOrWhiteSpace(value) ? null : value));
    }

    private static string Name(MetricAggregation aggregation) => aggregation.ToString().ToLowerInvariant();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
