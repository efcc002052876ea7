using System.Globalization;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Metrics;
using Google.Protobuf.Collections;

namespace Argus.Otlp.Mapping;

/// <summary>
/// Maps an OTLP metrics export request to Core metric points: every data point of every kind becomes one <see cref="MetricPoint"/>.
/// </summary>
/// <remarks>
/// Exponential histograms become explicit-bound histograms (see <see cref="ToExplicitBuckets"/>).
/// Summaries keep <see cref="MetricPoint.Count"/> and <see cref="MetricPoint.Sum"/>; quantile 0 and 1 also fill
/// <see cref="MetricPoint.Min"/> and <see cref="MetricPoint.Max"/>, and every quantile is appended as an attribute
/// named <c>summary.quantile.&lt;q&gt;</c> (e.g. <c>summary.quantile.0.99</c>) whose value is the quantile's value.
/// Exemplars are not kept: Core has no place for them.
/// </remarks>
internal static class OtlpMetricMapper
{
    /// <summary>Prefix of the attributes that carry a summary's quantile values.</summary>
    public const string QuantileAttributePrefix = "summary.quantile.";

    public static OtlpMapResult Map(ExportMetricsServiceRequest request, string tenantId, OtlpOptions options)
    {
        var points = new List<MetricPoint>();
        var tally = new RejectionTally();
        var seen = 0;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = MappedResource.Map(resourceMetrics.Resource, options, out var resourceError);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                foreach (var metric in scopeMetrics.Metrics)
                {
                    var context = new PointContext(tenantId, resource!, metric, options, points, tally);
                    var count = DataPointCount(metric);
                    if (resource is null)
                    {
                        tally.Reject(count, resourceError!);
                        continue;
                    }

                    if (seen + count > options.MaxRecordsPerRequest)
                    {
                        var allowed = Math.Max(0, options.MaxRecordsPerRequest - seen);
                        tally.Reject(count - allowed, $"the request carries more than {options.MaxRecordsPerRequest} data points");
                        context = context with { Budget = allowed };
                    }

                    seen += count;
                    MapMetric(context);
                }
            }
        }

        return new OtlpMapResult(TelemetryBatch.OfMetrics(points), tally.Count, tally.Message("data points"));
    }

    private sealed record PointContext(
        string TenantId,
        MappedResource Resource,
        Metric Metric,
        OtlpOptions Options,
        List<MetricPoint> Points,
        RejectionTally Tally)
    {
        public int Budget { get; init; } = int.MaxValue;
    }

    private static int DataPointCount(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    private static void MapMetric(PointContext c)
    {
        var metric = c.Metric;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                MapNumbers(c, metric.Gauge.DataPoints, MetricKind.Gauge, monotonic: false, temporality: 0);
                break;
            case Metric.DataOneofCase.Sum:
                MapNumbers(c, metric.Sum.DataPoints, MetricKind.Sum, metric.Sum.IsMonotonic, (int)metric.Sum.AggregationTemporality);
                break;
            case Metric.DataOneofCase.Histogram:
                for (var i = 0; i < metric.Histogram.DataPoints.Count && i < c.Budget; i++)
                {
                    MapHistogram(c, metric.Histogram.DataPoints[i], (int)metric.Histogram.AggregationTemporality);
                }

                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                for (var i = 0; i < metric.ExponentialHistogram.DataPoints.Count && i < c.Budget; i++)
                {
                    MapExponential(c, metric.ExponentialHistogram.DataPoints[i], (int)metric.ExponentialHistogram.AggregationTemporality);
                }

                break;
            case Metric.DataOneofCase.Summary:
                for (var i = 0; i < metric.Summary.DataPoints.Count && i < c.Budget; i++)
                {
                    MapSummary(c, metric.Summary.DataPoints[i]);
                }

                break;
        }
    }

    private static MetricPoint NewPoint(PointContext c, MetricKind kind, TelemetryAttribute[] attributes, ulong start, ulong time) => new()
    {
        TenantId = c.TenantId,
        ServiceName = c.Resource.ServiceName,
        ServiceInstanceId = c.Resource.ServiceInstanceId,
        Name = c.Metric.Name,
        Description = MappedResource.NullIfEmpty(c.Metric.Description),
        Unit = MappedResource.NullIfEmpty(c.Metric.Unit),
        Kind = kind,
        StartTimeUnixNano = (long)start,
        TimeUnixNano = (long)time,
        Attributes = attributes,
        ResourceAttributes = c.Resource.Attributes,
    };

    private static bool TryAttributes(PointContext c, RepeatedField<Proto.Common.KeyValue> source, out TelemetryAttribute[] attributes)
    {
        if (OtlpAttributes.TryMap(source, c.Options, out attributes))
        {
            return true;
        }

        c.Tally.Reject(1, OtlpAttributes.TooMany($"a data point of metric '{c.Metric.Name}'", source.Count, c.Options));
        return false;
    }

    private static void MapNumbers(PointContext c, RepeatedField<NumberDataPoint> dataPoints, MetricKind kind, bool monotonic, int temporality)
    {
        for (var i = 0; i < dataPoints.Count && i < c.Budget; i++)
        {
            var p = dataPoints[i];
            if (!TryAttributes(c, p.Attributes, out var attributes))
            {
                continue;
            }

            // A point flagged "no recorded value" marks a gap (e.g. a target that went away); it is kept without a value.
            double? value = (p.Flags & (uint)DataPointFlags.NoRecordedValueMask) != 0 ? null : p.ValueCase switch
            {
                NumberDataPoint.ValueOneofCase.AsDouble => p.AsDouble,
                NumberDataPoint.ValueOneofCase.AsInt => p.AsInt,
                _ => null,
            };

            c.Points.Add(NewPoint(c, kind, attributes, p.StartTimeUnixNano, p.TimeUnixNano) with
            {
                IsMonotonic = monotonic,
                AggregationTemporality = temporality,
                Value = value,
            });
        }
    }

    private static void MapHistogram(PointContext c, HistogramDataPoint p, int temporality)
    {
        if (p.BucketCounts.Count > c.Options.MaxBucketsPerDataPoint)
        {
            c.Tally.Reject(1, $"a data point of histogram '{c.Metric.Name}' has {p.BucketCounts.Count} buckets, more than the limit of {c.Options.MaxBucketsPerDataPoint}");
            return;
        }

        // Either no buckets at all (count and sum only) or one more bucket than bounds: anything else cannot be interpreted.
        if (p.BucketCounts.Count != 0 && p.BucketCounts.Count != p.ExplicitBounds.Count + 1)
        {
            c.Tally.Reject(1, $"a data point of histogram '{c.Metric.Name}' has {p.BucketCounts.Count} bucket counts for {p.ExplicitBounds.Count} bounds (bounds + 1 required)");
            return;
        }

        if (!TryAttributes(c, p.Attributes, out var attributes))
        {
            return;
        }

        c.Points.Add(NewPoint(c, MetricKind.Histogram, attributes, p.StartTimeUnixNano, p.TimeUnixNano) with
        {
            AggregationTemporality = temporality,
            Count = p.Count,
            Sum = p.HasSum ? p.Sum : null,
            Min = p.HasMin ? p.Min : null,
            Max = p.HasMax ? p.Max : null,
            ExplicitBounds = [.. p.ExplicitBounds],
            BucketCounts = [.. p.BucketCounts],
        });
    }

    private static void MapExponential(PointContext c, ExponentialHistogramDataPoint p, int temporality)
    {
        var buckets = (p.Positive?.BucketCounts.Count ?? 0) + (p.Negative?.BucketCounts.Count ?? 0);
        if (buckets > c.Options.MaxBucketsPerDataPoint)
        {
            c.Tally.Reject(1, $"a data point of exponential histogram '{c.Metric.Name}' has {buckets} buckets, more than the limit of {c.Options.MaxBucketsPerDataPoint}");
            return;
        }

        // The specification allows scales from -10 to 20; outside that, bucket bounds overflow or lose all precision.
        if (p.Scale is < -10 or > 20)
        {
            c.Tally.Reject(1, $"a data point of exponential histogram '{c.Metric.Name}' has scale {p.Scale}, outside -10..20");
            return;
        }

        if (!TryAttributes(c, p.Attributes, out var attributes))
        {
            return;
        }

        var (bounds, counts) = ToExplicitBuckets(p.Scale, p.ZeroCount, p.ZeroThreshold, p.Positive, p.Negative);
        c.Points.Add(NewPoint(c, MetricKind.ExponentialHistogram, attributes, p.StartTimeUnixNano, p.TimeUnixNano) with
        {
            AggregationTemporality = temporality,
            Count = p.Count,
            Sum = p.HasSum ? p.Sum : null,
            Min = p.HasMin ? p.Min : null,
            Max = p.HasMax ? p.Max : null,
            ExplicitBounds = bounds,
            BucketCounts = counts,
        });
    }

    /// <summary>
    /// Converts exponential buckets to explicit upper bounds, where bucket <c>k</c> counts values in (bounds[k-1], bounds[k]]
    /// and the last bucket everything above the last bound.
    /// </summary>
    /// <remarks>
    /// With base = 2^(2^-scale), positive bucket index i covers (base^i, base^(i+1)], so its upper bound is base^(i+1);
    /// negative bucket index i covers [-base^(i+1), -base^i), so its upper bound is -base^i. Order: negative buckets from the
    /// most negative, then the zero bucket (upper bound = zero threshold, so with no negative buckets it is the first bucket,
    /// open to the left), then the positive buckets, then an empty overflow bucket so that counts = bounds + 1.
    /// </remarks>
    internal static (double[] Bounds, ulong[] Counts) ToExplicitBuckets(
        int scale,
        ulong zeroCount,
        double zeroThreshold,
        ExponentialHistogramDataPoint.Types.Buckets? positive,
        ExponentialHistogramDataPoint.Types.Buckets? negative)
    {
        var negativeCounts = negative?.BucketCounts;
        var positiveCounts = positive?.BucketCounts;
        var negativeLength = negativeCounts?.Count ?? 0;
        var positiveLength = positiveCounts?.Count ?? 0;
        var bounds = new double[negativeLength + 1 + positiveLength];
        var counts = new ulong[bounds.Length + 1];
        var k = 0;

        for (var j = negativeLength - 1; j >= 0; j--, k++)
        {
            bounds[k] = -Power(scale, negative!.Offset + j);
            counts[k] = negativeCounts![j];
        }

        bounds[k] = Math.Abs(zeroThreshold);
        counts[k] = zeroCount;
        k++;

        for (var j = 0; j < positiveLength; j++, k++)
        {
            bounds[k] = Power(scale, positive!.Offset + j + 1);
            counts[k] = positiveCounts![j];
        }

        counts[k] = 0;
        return (bounds, counts);
    }

    /// <summary>base^index with base = 2^(2^-scale), i.e. 2^(index * 2^-scale).</summary>
    private static double Power(int scale, long index) => Math.Pow(2.0, Math.ScaleB(index, -scale));

    private static void MapSummary(PointContext c, SummaryDataPoint p)
    {
        if (!TryAttributes(c, p.Attributes, out var attributes))
        {
            return;
        }

        double? min = null, max = null;
        var all = attributes;
        if (p.QuantileValues.Count > 0)
        {
            all = new TelemetryAttribute[attributes.Length + p.QuantileValues.Count];
            attributes.CopyTo(all, 0);
            for (var i = 0; i < p.QuantileValues.Count; i++)
            {
                var q = p.QuantileValues[i];
                all[attributes.Length + i] = new TelemetryAttribute(
                    QuantileAttributePrefix + q.Quantile.ToString(CultureInfo.InvariantCulture),
                    q.Value.ToString(CultureInfo.InvariantCulture));
                if (q.Quantile == 0)
                {
                    min = q.Value;
                }
                else if (q.Quantile == 1)
                {
                    max = q.Value;
                }
            }
        }

        c.Points.Add(NewPoint(c, MetricKind.Summary, all, p.StartTimeUnixNano, p.TimeUnixNano) with
        {
            Count = p.Count,
            Sum = p.Sum,
            Min = min,
            Max = max,
        });
    }
}
