namespace Argus.Core.Telemetry;

/// <summary>How the points of one series are reduced to one value per time bucket.</summary>
public enum MetricAggregation
{
    /// <summary>Gauges: the mean of the values. Histograms: sum / count of the observations.</summary>
    Avg,
    Min,
    Max,
    /// <summary>Gauges: the value of the latest point in the bucket.</summary>
    Last,
    /// <summary>Gauges: the sum of the values.</summary>
    Sum,
    /// <summary>Counters: the increase per second. Histograms (<see cref="Count"/>): observations per second.</summary>
    Rate,
    /// <summary>Counters: the increase within the bucket.</summary>
    Increase,
    P50,
    P90,
    P95,
    P99,
    /// <summary>Histograms: observations per second.</summary>
    Count,
    /// <summary>Histograms: the merged bucket counts of each time bucket, with the bounds.</summary>
    Heatmap,
}

/// <summary>What a metric is, as far as aggregating it goes: its kind, whether a sum only grows, its unit.</summary>
/// <param name="IsMonotonic">For sums: a counter, aggregated as a rate; otherwise a sum behaves like a gauge.</param>
public sealed record MetricDescriptor(string Name, MetricKind Kind, bool IsMonotonic, string? Unit)
{
    /// <summary>The aggregations that make sense for this metric, the default first.</summary>
    public IReadOnlyList<MetricAggregation> AcceptedAggregations => Kind switch
    {
        MetricKind.Sum when IsMonotonic => [MetricAggregation.Rate, MetricAggregation.Increase],
        MetricKind.Histogram or MetricKind.ExponentialHistogram => [MetricAggregation.P95, MetricAggregation.P50, MetricAggregation.P90, MetricAggregation.P99,
            MetricAggregation.Avg, MetricAggregation.Count, MetricAggregation.Heatmap],
        MetricKind.Gauge or MetricKind.Sum => [MetricAggregation.Avg, MetricAggregation.Min, MetricAggregation.Max, MetricAggregation.Last, MetricAggregation.Sum],
        _ => [],
    };

    /// <summary>The aggregation used when none is asked for; null for kinds that cannot be aggregated (summaries).</summary>
    public MetricAggregation? DefaultAggregation => AcceptedAggregations.Count > 0 ? AcceptedAggregations[0] : null;

    /// <summary>Histograms of either kind (exponential ones are stored with explicit bounds).</summary>
    public bool IsHistogram => Kind is MetricKind.Histogram or MetricKind.ExponentialHistogram;
}

/// <summary>
/// A metric values query: time buckets of <see cref="Step"/> (aligned to whole multiples of it since the epoch), one series
/// per value of the <see cref="GroupBy"/> attributes (data point attributes first, then resource attributes; none = one per
/// service), at most <see cref="MaxSeries"/> series, the largest first, the rest pooled into one "other" series.
/// </summary>
public sealed record MetricSeriesQuery(
    string Name,
    TimeRange Range,
    TimeSpan Step,
    MetricAggregation Aggregation,
    string? Service = null,
    IReadOnlyList<string>? GroupBy = null,
    int MaxSeries = MetricSeriesQuery.DefaultMaxSeries)
{
    public const int DefaultMaxSeries = 20;
    public const int MaxBuckets = 1_000;
    public const int MaxMaxSeries = 100;
    public const int MaxGroupByKeys = 3;

    /// <summary>The group-by keys, or <c>service.name</c> when none are given.</summary>
    public IReadOnlyList<string> Keys => GroupBy is { Count: > 0 } keys ? keys : [MetricSeriesResult.ServiceKey];
}

/// <summary>The answer to a <see cref="MetricSeriesQuery"/>.</summary>
/// <param name="OtherSeriesCount">How many series beyond the largest were pooled into the "other" series (0 = none).</param>
/// <param name="Bounds">For <see cref="MetricAggregation.Heatmap"/>: the upper bounds of the buckets (the last bucket is unbounded).</param>
public sealed record MetricSeriesResult(
    MetricDescriptor Metric,
    MetricAggregation Aggregation,
    IReadOnlyList<string> Keys,
    IReadOnlyList<MetricSeries> Series,
    int OtherSeriesCount,
    IReadOnlyList<double>? Bounds)
{
    /// <summary>The key of the one-series-per-service grouping.</summary>
    public const string ServiceKey = "service.name";
}

/// <summary>One series: the values of the group-by keys (empty strings where a point lacks the attribute) and its buckets.</summary>
/// <param name="Values">One value per group-by key, in the query's order; null for the "other" series.</param>
public sealed record MetricSeries(IReadOnlyList<string>? Values, IReadOnlyList<MetricSeriesPoint> Points)
{
    public bool IsOther => Values is null;
}

/// <summary>One time bucket: its start and value; for a heatmap, the merged bucket counts instead.</summary>
public sealed record MetricSeriesPoint(DateTimeOffset Time, double? Value, IReadOnlyList<long>? BucketCounts = null);

/// <summary>Reads metric values as time series; scoped to one tenant like every reader.</summary>
public interface IMetricSeriesReader
{
    /// <summary>
    /// The metric named <paramref name="name"/> (of <paramref name="service"/> when given): the kind with the most points in
    /// <paramref name="range"/>, or failing that anywhere in the store; null when the tenant has no metric of that name.
    /// </summary>
    Task<MetricDescriptor?> DescribeMetricAsync(string tenantId, string name, string? service, TimeRange range, CancellationToken cancellationToken);

    /// <summary>The buckets of <paramref name="metric"/>'s series; the aggregation must be one the metric accepts.</summary>
    Task<MetricSeriesResult> QueryMetricSeriesAsync(string tenantId, MetricDescriptor metric, MetricSeriesQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The attribute keys that <see cref="MetricSeriesQuery.GroupBy"/> can take for the metric named <paramref name="name"/>
    /// (of <paramref name="service"/> when given) in <paramref name="range"/>: its data points' keys, then its resources'
    /// keys not among them, each in ordinal order, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<string>> GetMetricAttributeKeysAsync(string tenantId, string name, string? service, TimeRange range, int limit, CancellationToken cancellationToken);
}
