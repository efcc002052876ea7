using Argus.Core.Telemetry;
using Argus.Otlp.Mapping;
using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Logs;
using Argus.Otlp.Proto.Metrics;
using Google.Protobuf;
using static Argus.Otlp.Tests.Otlp;

namespace Argus.Otlp.Tests.Mapping;

public sealed class OtlpLogMapperTests
{
    private static ExportLogsServiceRequest Logs(params Proto.Logs.LogRecord[] records)
    {
        var scope = new ScopeLogs();
        scope.LogRecords.Add(records);
        var resource = new ResourceLogs { Resource = Resource(Attr("service.name", "api")) };
        resource.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resource);
        return request;
    }

    [Fact]
    public void Promotes_exception_and_event_name_and_falls_back_to_observed_time()
    {
        var log = new Proto.Logs.LogRecord
        {
            ObservedTimeUnixNano = 77,
            SeverityNumber = SeverityNumber.Error,
            SeverityText = "Error",
            Body = new Proto.Common.AnyValue { StringValue = "failed" },
            EventName = "order.failed",
            TraceId = ByteString.CopyFrom(TraceIdBytes),
        };
        log.Attributes.Add([Attr("exception.type", "IOException"), Attr("exception.message", "disk"), Attr("exception.stacktrace", "at X")]);

        var record = Assert.Single(OtlpLogMapper.Map(Logs(log), "t", new OtlpOptions()).Batch.Logs);

        Assert.Equal(77, record.TimeUnixNano);
        Assert.Equal(17, record.SeverityNumber);
        Assert.Equal("Error", record.SeverityText);
        Assert.Equal("failed", record.Body);
        Assert.Equal("order.failed", record.EventName);
        Assert.Equal("IOException", record.ExceptionType);
        Assert.Equal("disk", record.ExceptionMessage);
        Assert.Equal("at X", record.ExceptionStacktrace);
        Assert.Equal("5b8efff798038103d269b633813fc60c", record.TraceId.ToString());
        Assert.True(record.SpanId.IsEmpty);
        Assert.Equal("api", record.ServiceName);
    }

    [Fact]
    public void Wrong_length_trace_id_rejects_only_that_record()
    {
        var bad = new Proto.Logs.LogRecord { TraceId = ByteString.CopyFrom(1, 2, 3) };
        var good = new Proto.Logs.LogRecord { Body = new Proto.Common.AnyValue { IntValue = 5 } };

        var result = OtlpLogMapper.Map(Logs(bad, good), "t", new OtlpOptions());

        Assert.Equal(1, result.Rejected);
        Assert.Equal("5", Assert.Single(result.Batch.Logs).Body);
        Assert.Contains("trace id", result.ErrorMessage, StringComparison.Ordinal);
    }
}

public sealed class OtlpMetricMapperTests
{
    private static ExportMetricsServiceRequest Metrics(params Metric[] metrics)
    {
        var scope = new ScopeMetrics();
        scope.Metrics.Add(metrics);
        var resource = new ResourceMetrics { Resource = Resource(Attr("service.name", "api"), Attr("service.instance.id", "pod-1")) };
        resource.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resource);
        return request;
    }

    [Fact]
    public void Exponential_histogram_buckets_become_explicit_upper_bounds()
    {
        // scale 1: base = sqrt(2). Positive index 2 covers (2, 2^1.5]; index 3 covers (2^1.5, 4].
        // Negative index 0 covers [-sqrt2, -1); index 1 covers [-2, -sqrt2).
        var positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 2 };
        positive.BucketCounts.Add([5, 6]);
        var negative = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 0 };
        negative.BucketCounts.Add([3, 4]);

        var (bounds, counts) = OtlpMetricMapper.ToExplicitBuckets(1, 9, 0.5, positive, negative);

        var expected = new[] { -Math.Sqrt(2), -1, 0.5, Math.Pow(2, 1.5), 4 };
        Assert.Equal(expected.Length, bounds.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], bounds[i], 12);
        }

        Assert.Equal([4UL, 3, 9, 5, 6, 0], counts);
    }

    [Theory]
    [InlineData(0, 2.0)]
    [InlineData(-1, 4.0)]
    [InlineData(3, 1.0905077326652577)]
    public void Exponential_base_follows_the_scale(int scale, double expectedBase)
    {
        var positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 0 };
        positive.BucketCounts.Add(1);

        var (bounds, _) = OtlpMetricMapper.ToExplicitBuckets(scale, 0, 0, positive, null);

        Assert.Equal(expectedBase, bounds[1], 12);
    }

    [Fact]
    public void Summary_keeps_count_sum_and_quantiles()
    {
        var point = new SummaryDataPoint { Count = 10, Sum = 55, TimeUnixNano = 9 };
        point.QuantileValues.Add([
            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0, Value = 1 },
            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = 9.5 },
            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 1, Value = 10 }]);
        point.Attributes.Add(Attr("route", "/a"));
        var summary = new Summary();
        summary.DataPoints.Add(point);

        var result = OtlpMetricMapper.Map(Metrics(new Metric { Name = "latency", Summary = summary }), "t", new OtlpOptions());

        var mapped = Assert.Single(result.Batch.Metrics);
        Assert.Equal(MetricKind.Summary, mapped.Kind);
        Assert.Equal(10UL, mapped.Count);
        Assert.Equal(55, mapped.Sum);
        Assert.Equal(1, mapped.Min);
        Assert.Equal(10, mapped.Max);
        Assert.Contains(new TelemetryAttribute("summary.quantile.0.99", "9.5"), mapped.Attributes);
        Assert.Equal(new TelemetryAttribute("route", "/a"), mapped.Attributes[0]);
    }

    [Fact]
    public void Inconsistent_histogram_is_rejected_and_valid_points_kept()
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        var bad = new HistogramDataPoint { Count = 1 };
        bad.BucketCounts.Add([1, 0, 0]);
        bad.ExplicitBounds.Add(1);
        var good = new HistogramDataPoint { Count = 2, Sum = 3, Min = 1, Max = 2 };
        good.BucketCounts.Add([1, 1]);
        good.ExplicitBounds.Add(1.5);
        histogram.DataPoints.Add([bad, good]);

        var result = OtlpMetricMapper.Map(Metrics(new Metric { Name = "h", Histogram = histogram }), "t", new OtlpOptions());

        Assert.Equal(1, result.Rejected);
        var mapped = Assert.Single(result.Batch.Metrics);
        Assert.Equal([1.5], mapped.ExplicitBounds);
        Assert.Equal([1UL, 1], mapped.BucketCounts);
        Assert.Equal(2, mapped.AggregationTemporality);
        Assert.Equal(1, mapped.Min);
        Assert.Equal("pod-1", mapped.ServiceInstanceId);
    }

    [Fact]
    public void Int_gauge_values_and_no_recorded_value_flag()
    {
        var gauge = new Gauge();
        gauge.DataPoints.Add(new NumberDataPoint { AsInt = 12 });
        gauge.DataPoints.Add(new NumberDataPoint { AsDouble = 3, Flags = (uint)DataPointFlags.NoRecordedValueMask });

        var points = OtlpMetricMapper.Map(Metrics(new Metric { Name = "g", Gauge = gauge }), "t", new OtlpOptions()).Batch.Metrics;

        Assert.Equal(12, points[0].Value);
        Assert.Null(points[1].Value);
    }

    [Fact]
    public void Data_points_over_the_request_limit_are_rejected()
    {
        var sum = new Sum { IsMonotonic = true };
        sum.DataPoints.Add([new NumberDataPoint { AsDouble = 1 }, new NumberDataPoint { AsDouble = 2 }, new NumberDataPoint { AsDouble = 3 }]);

        var result = OtlpMetricMapper.Map(Metrics(new Metric { Name = "s", Sum = sum }), "t", new OtlpOptions { MaxRecordsPerRequest = 2 });

        Assert.Equal(2, result.Batch.Metrics.Count);
        Assert.Equal(1, result.Rejected);
    }
}
