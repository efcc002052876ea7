using Argus.Analysis.Sql;
using Argus.Core.Telemetry;
using Argus.Otlp.Mapping;
using Argus.Otlp.Proto.Common;
using Google.Protobuf;
using static Argus.Otlp.Tests.Otlp;

namespace Argus.Otlp.Tests.Mapping;

public sealed class OtlpTraceMapperTests
{
    private static readonly OtlpOptions Options = new();

    private static OtlpMapResult Map(params Proto.Trace.Span[] spans) => OtlpTraceMapper.Map(Traces(spans), "tenant-a", Options);

    [Fact]
    public void Maps_ids_times_kind_status_resource_and_scope()
    {
        var span = Span("GET /orders");
        span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString("0102030405060708"));
        span.Status = new Proto.Trace.Status { Code = Proto.Trace.Status.Types.StatusCode.Error, Message = "boom" };
        var request = Traces(span);
        request.ResourceSpans[0].Resource.Attributes.Add(Attr("service.instance.id", "i-1"));
        request.ResourceSpans[0].Resource.Attributes.Add(Attr("deployment.environment.name", "prod"));

        var result = OtlpTraceMapper.Map(request, "tenant-a", Options);

        Assert.Equal(0, result.Rejected);
        var record = Assert.Single(result.Batch.Spans);
        Assert.Equal("tenant-a", record.TenantId);
        Assert.Equal("5b8efff798038103d269b633813fc60c", record.TraceId.ToString());
        Assert.Equal("eee19b7ec3c1b174", record.SpanId.ToString());
        Assert.Equal("0102030405060708", record.ParentSpanId.ToString());
        Assert.Equal("checkout", record.ServiceName);
        Assert.Equal("i-1", record.ServiceInstanceId);
        Assert.Equal("prod", record.DeploymentEnvironment);
        Assert.Equal("test.scope", record.ScopeName);
        Assert.Equal(SpanKind.Client, record.Kind);
        Assert.Equal(1_000, record.StartTimeUnixNano);
        Assert.Equal(2_500, record.DurationNano);
        Assert.Equal(SpanStatusCode.Error, record.StatusCode);
        Assert.Equal("boom", record.StatusMessage);
        Assert.True(record.IsError);
        Assert.Equal(3, record.ResourceAttributes.Count);
    }

    [Fact]
    public void Missing_service_name_becomes_unknown_service_and_old_environment_name_is_used()
    {
        var request = Traces(Span());
        request.ResourceSpans[0].Resource = Resource(Attr("deployment.environment", "staging"));

        var record = Assert.Single(OtlpTraceMapper.Map(request, "t", Options).Batch.Spans);

        Assert.Equal("unknown_service", record.ServiceName);
        Assert.Equal("staging", record.DeploymentEnvironment);
    }

    [Fact]
    public void Promotes_current_semantic_convention_names()
    {
        var span = Span(
            "SELECT orders",
            Attr("db.system.name", "postgresql"),
            Attr("db.query.text", "SELECT * FROM orders WHERE id = 42"),
            Attr("db.operation.name", "SELECT"),
            Attr("db.namespace", "shop"),
            Attr("server.address", "db.local"),
            Attr("server.port", 5432),
            Attr("http.request.method", "POST"),
            Attr("http.route", "/orders/{id}"),
            Attr("http.response.status_code", 503),
            Attr("url.full", "https://shop/orders/1"),
            // Older names present alongside must lose to the current ones.
            Attr("db.statement", "old"),
            Attr("http.method", "GET"),
            Attr("http.status_code", 200));

        var record = Assert.Single(Map(span).Batch.Spans);

        Assert.Equal("postgresql", record.DbSystem);
        Assert.Equal("SELECT * FROM orders WHERE id = 42", record.DbStatement);
        Assert.Equal(SqlNormalizer.Fingerprint("SELECT * FROM orders WHERE id = 42"), record.DbFingerprint);
        Assert.NotEqual(0UL, record.DbFingerprint);
        Assert.Equal("SELECT", record.DbOperation);
        Assert.Equal("shop", record.DbName);
        Assert.Equal("db.local", record.ServerAddress);
        Assert.Equal(5432, record.ServerPort);
        Assert.Equal("POST", record.HttpMethod);
        Assert.Equal("/orders/{id}", record.HttpRoute);
        Assert.Equal(503, record.HttpStatusCode);
        Assert.Equal("https://shop/orders/1", record.Url);
        // Promoted values stay in the attributes too.
        Assert.Equal(13, record.Attributes.Count);
    }

    [Fact]
    public void Falls_back_to_older_attribute_names()
    {
        var span = Span(
            "query",
            Attr("db.system", "mysql"),
            Attr("db.statement", "UPDATE t SET a = 1"),
            Attr("db.operation", "UPDATE"),
            Attr("db.name", "legacy"),
            Attr("net.peer.name", "mysql.local"),
            Attr("http.method", "GET"),
            Attr("http.status_code", "404"),
            Attr("http.target", "/old/path"));

        var record = Assert.Single(Map(span).Batch.Spans);

        Assert.Equal("mysql", record.DbSystem);
        Assert.Equal("UPDATE t SET a = 1", record.DbStatement);
        Assert.Equal(SqlNormalizer.Fingerprint("UPDATE t SET a = 1"), record.DbFingerprint);
        Assert.Equal("UPDATE", record.DbOperation);
        Assert.Equal("legacy", record.DbName);
        Assert.Equal("mysql.local", record.ServerAddress);
        Assert.Equal("GET", record.HttpMethod);
        Assert.Equal(404, record.HttpStatusCode);
        Assert.Equal("/old/path", record.Url);
    }

    [Theory]
    [InlineData("url.path", "/p", "http.url", "http://h/u", "/p")]
    [InlineData("http.url", "http://h/u", "http.target", "/t", "http://h/u")]
    [InlineData("peer.service", "payments", "other", "x", null)]
    public void Url_and_server_address_fallback_order(string key1, string value1, string key2, string value2, string? expectedUrl)
    {
        var record = Assert.Single(Map(Span("s", Attr(key1, value1), Attr(key2, value2))).Batch.Spans);

        Assert.Equal(expectedUrl, record.Url);
        if (key1 == "peer.service")
        {
            Assert.Equal("payments", record.ServerAddress);
        }
    }

    [Fact]
    public void No_statement_means_fingerprint_zero()
    {
        var record = Assert.Single(Map(Span("s", Attr("db.system.name", "redis"))).Batch.Spans);
        Assert.Null(record.DbStatement);
        Assert.Equal(0UL, record.DbFingerprint);
    }

    [Fact]
    public void Exception_comes_from_first_exception_event_before_span_attributes()
    {
        var span = Span("s", Attr("exception.type", "SpanLevel"), Attr("exception.message", "span message"));
        var other = new Proto.Trace.Span.Types.Event { Name = "log", TimeUnixNano = 5 };
        var first = new Proto.Trace.Span.Types.Event { Name = "exception", TimeUnixNano = 10 };
        first.Attributes.Add(Attr("exception.type", "System.TimeoutException"));
        first.Attributes.Add(Attr("exception.message", "timed out"));
        var second = new Proto.Trace.Span.Types.Event { Name = "exception", TimeUnixNano = 20 };
        second.Attributes.Add(Attr("exception.type", "Second"));
        span.Events.Add([other, first, second]);

        var record = Assert.Single(Map(span).Batch.Spans);

        Assert.Equal("System.TimeoutException", record.ExceptionType);
        Assert.Equal("timed out", record.ExceptionMessage);
        Assert.Equal(3, record.Events.Count);
        Assert.Equal(10, record.Events[1].TimeUnixNano);
        Assert.True(record.IsError);
    }

    [Fact]
    public void Exception_falls_back_to_span_attributes()
    {
        var record = Assert.Single(Map(Span("s", Attr("exception.type", "Boom"), Attr("exception.message", "bad"))).Batch.Spans);
        Assert.Equal("Boom", record.ExceptionType);
        Assert.Equal("bad", record.ExceptionMessage);
    }

    [Theory]
    [InlineData(15, 8, 0)]
    [InlineData(0, 8, 0)]
    [InlineData(16, 7, 0)]
    [InlineData(16, 0, 0)]
    [InlineData(16, 8, 4)]
    public void Bad_ids_reject_only_that_span(int traceIdLength, int spanIdLength, int parentLength)
    {
        var bad = Span("bad");
        bad.TraceId = ByteString.CopyFrom(new byte[traceIdLength].Select(_ => (byte)1).ToArray());
        bad.SpanId = ByteString.CopyFrom(new byte[spanIdLength].Select(_ => (byte)2).ToArray());
        bad.ParentSpanId = ByteString.CopyFrom(new byte[parentLength]);

        var result = Map(Span("good"), bad);

        Assert.Equal(1, result.Rejected);
        Assert.Equal("good", Assert.Single(result.Batch.Spans).Name);
        Assert.Contains("'bad'", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("id", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void All_zero_trace_id_is_rejected()
    {
        var span = Span("zero");
        span.TraceId = ByteString.CopyFrom(new byte[16]);
        Assert.Equal(1, Map(span).Rejected);
    }

    [Fact]
    public void Too_many_attributes_rejects_the_span_with_a_clear_message()
    {
        var options = new OtlpOptions { MaxAttributesPerRecord = 3 };
        var crowded = Span("crowded", Attr("a", "1"), Attr("b", "2"), Attr("c", "3"), Attr("d", "4"));
        var fine = Span("fine", Attr("a", "1"), Attr("b", "2"), Attr("c", "3"));

        var result = OtlpTraceMapper.Map(Traces(crowded, fine), "t", options);

        Assert.Equal(1, result.Rejected);
        Assert.Equal("fine", Assert.Single(result.Batch.Spans).Name);
        Assert.Equal("1 spans rejected; first: span 'crowded' has 4 attributes, more than the limit of 3", result.ErrorMessage);
    }

    [Fact]
    public void Too_many_resource_attributes_rejects_every_span_of_the_resource()
    {
        var options = new OtlpOptions { MaxAttributesPerRecord = 1 };
        var request = Traces(Span("a"), Span("b"));
        request.ResourceSpans[0].Resource.Attributes.Add(Attr("host.name", "h"));

        var result = OtlpTraceMapper.Map(request, "t", options);

        Assert.Equal(2, result.Rejected);
        Assert.Empty(result.Batch.Spans);
        Assert.Contains("resource has 2 attributes", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_values_are_truncated()
    {
        var options = new OtlpOptions { MaxAttributeValueLength = 16 };
        var record = Assert.Single(OtlpTraceMapper.Map(Traces(Span("s", Attr("db.query.text", new string('x', 100)))), "t", options).Batch.Spans);
        Assert.Equal(new string('x', 16), record.DbStatement);
        Assert.Equal(16, record.Attributes[0].Value.Length);
    }

    [Fact]
    public void Records_over_the_request_limit_are_rejected()
    {
        var options = new OtlpOptions { MaxRecordsPerRequest = 2 };
        var result = OtlpTraceMapper.Map(Traces(Span("1"), Span("2"), Span("3")), "t", options);
        Assert.Equal(2, result.Batch.Spans.Count);
        Assert.Equal(1, result.Rejected);
        Assert.Contains("more than 2 spans", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void End_before_start_gives_zero_duration()
    {
        var span = Span();
        span.EndTimeUnixNano = 10;
        Assert.Equal(0, Assert.Single(Map(span).Batch.Spans).DurationNano);
    }
}
