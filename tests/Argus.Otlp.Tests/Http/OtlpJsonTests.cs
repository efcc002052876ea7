using System.Text;
using Argus.Core.Telemetry;
using Argus.Otlp.Http;
using Argus.Otlp.Mapping;
using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;

namespace Argus.Otlp.Tests.Http;

public sealed class OtlpJsonTests
{
    private static T Parse<T>(string file)
        where T : Google.Protobuf.IMessage, new() => OtlpJson.Parse<T>(File.ReadAllBytes(Otlp.DataFile(file)));

    [Fact]
    public void Trace_example_maps_to_one_server_span_with_hex_ids()
    {
        var result = OtlpTraceMapper.Map(Parse<ExportTraceServiceRequest>("trace.json"), "t", new OtlpOptions());

        Assert.Equal(0, result.Rejected);
        var span = Assert.Single(result.Batch.Spans);
        Assert.Equal("5b8efff798038103d269b633813fc60c", span.TraceId.ToString());
        Assert.Equal("eee19b7ec3c1b174", span.SpanId.ToString());
        Assert.Equal("eee19b7ec3c1b173", span.ParentSpanId.ToString());
        Assert.Equal("I'm a server span", span.Name);
        Assert.Equal(SpanKind.Server, span.Kind);
        Assert.Equal(1544712660000000000, span.StartTimeUnixNano);
        Assert.Equal(1_000_000_000, span.DurationNano);
        Assert.Equal("my.service", span.ServiceName);
        Assert.Equal("my.library", span.ScopeName);
        Assert.Equal(new TelemetryAttribute("my.span.attr", "some value"), Assert.Single(span.Attributes));
    }

    [Fact]
    public void Logs_example_renders_every_attribute_kind()
    {
        var log = Assert.Single(OtlpLogMapper.Map(Parse<ExportLogsServiceRequest>("logs.json"), "t", new OtlpOptions()).Batch.Logs);

        Assert.Equal("Example log record", log.Body);
        Assert.Equal(10, log.SeverityNumber);
        Assert.Equal("Information", log.SeverityText);
        Assert.Equal(1544712660300000000, log.TimeUnixNano);
        Assert.Equal("5b8efff798038103d269b633813fc60c", log.TraceId.ToString());
        Assert.Equal("eee19b7ec3c1b174", log.SpanId.ToString());
        Assert.Equal(
            [
                new("string.attribute", "some string"),
                new("boolean.attribute", "true"),
                new("int.attribute", "10"),
                new("double.attribute", "637.704"),
                new("array.attribute", "[\"many\",\"values\"]"),
                new("map.attribute", "{\"some.map.key\":\"some value\"}"),
            ],
            log.Attributes);
    }

    [Fact]
    public void Events_example_has_event_name_and_structured_body()
    {
        var log = Assert.Single(OtlpLogMapper.Map(Parse<ExportLogsServiceRequest>("events.json"), "t", new OtlpOptions()).Batch.Logs);

        Assert.Equal("browser.page_view", log.EventName);
        Assert.Equal(9, log.SeverityNumber);
        Assert.True(log.TraceId.IsEmpty);
        Assert.Equal(
            "{\"type\":0,\"url\":\"https://www.guidgenerator.com/online-guid-generator.aspx\",\"referrer\":\"https://wwww.google.com\",\"title\":\"Free Online GUID Generator\"}",
            log.Body);
    }

    [Fact]
    public void Metrics_example_gives_one_point_per_data_point_of_each_kind()
    {
        var result = OtlpMetricMapper.Map(Parse<ExportMetricsServiceRequest>("metrics.json"), "t", new OtlpOptions());

        Assert.Equal(0, result.Rejected);
        var points = result.Batch.Metrics.ToDictionary(p => p.Name);
        Assert.Equal(4, points.Count);

        var counter = points["my.counter"];
        Assert.Equal((MetricKind.Sum, 5.0, true, 1), (counter.Kind, counter.Value, counter.IsMonotonic, counter.AggregationTemporality));
        Assert.Equal("I am a Counter", counter.Description);
        Assert.Equal("1", counter.Unit);

        Assert.Equal((MetricKind.Gauge, 10.0), (points["my.gauge"].Kind, points["my.gauge"].Value));

        var histogram = points["my.histogram"];
        Assert.Equal((2UL, 2.0, 0.0, 2.0), (histogram.Count, histogram.Sum, histogram.Min, histogram.Max));
        Assert.Equal([1.0], histogram.ExplicitBounds);
        Assert.Equal([1UL, 1], histogram.BucketCounts);

        // scale 0 (base 2), zero count 1, positive offset 1 with counts [0, 2]: (2,4] holds 0, (4,8] holds 2.
        var exponential = points["my.exponential.histogram"];
        Assert.Equal(MetricKind.ExponentialHistogram, exponential.Kind);
        Assert.Equal((3UL, 10.0, 0.0, 5.0), (exponential.Count, exponential.Sum, exponential.Min, exponential.Max));
        Assert.Equal([0.0, 4, 8], exponential.ExplicitBounds);
        Assert.Equal([1UL, 0, 2, 0], exponential.BucketCounts);
    }

    [Fact]
    public void Unknown_fields_snake_case_names_int64_numbers_and_base64_ids_are_accepted()
    {
        const string json = """
            {"resourceSpans":[{"futureField":{"x":1},"scopeSpans":[{"spans":[
              {"trace_id":"W47/95gDgQPSabYzgT/GDA==","spanId":"eee19b7ec3c1b174","name":"a","startTimeUnixNano":5,"endTimeUnixNano":"7","kind":"SPAN_KIND_CLIENT"}
            ]}]}]}
            """;

        var span = Assert.Single(OtlpTraceMapper.Map(OtlpJson.Parse<ExportTraceServiceRequest>(Encoding.UTF8.GetBytes(json)), "t", new OtlpOptions()).Batch.Spans);

        Assert.Equal("5b8efff798038103d269b633813fc60c", span.TraceId.ToString());
        Assert.Equal(2, span.DurationNano);
        Assert.Equal(SpanKind.Client, span.Kind);
    }

    [Fact]
    public void Malformed_hex_id_rejects_that_span_only()
    {
        const string json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"zz8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"bad"},
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"good"}
            ]}]}]}
            """;

        var result = OtlpTraceMapper.Map(OtlpJson.Parse<ExportTraceServiceRequest>(Encoding.UTF8.GetBytes(json)), "t", new OtlpOptions());

        Assert.Equal(1, result.Rejected);
        Assert.Equal("good", Assert.Single(result.Batch.Spans).Name);
    }

    [Theory]
    [InlineData("{\"resourceSpans\":[")]
    [InlineData("not json")]
    [InlineData("{\"resourceSpans\":{\"a\":1}}")]
    public void Invalid_json_throws_a_one_line_format_exception(string json)
    {
        var ex = Assert.Throws<FormatException>(() => OtlpJson.Parse<ExportTraceServiceRequest>(Encoding.UTF8.GetBytes(json)));
        Assert.DoesNotContain('\n', ex.Message);
    }
}
