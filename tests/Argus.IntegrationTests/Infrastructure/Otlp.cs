using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Argus.IntegrationTests.Infrastructure;

/// <summary>Builds OTLP/JSON request bodies (the protocol's JSON mapping: hex ids, nanosecond times as strings).</summary>
public static class OtlpJson
{
    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewSpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string Nanos(DateTimeOffset time) => ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);

    /// <summary>One span as OTLP/JSON. <paramref name="attributes"/> are string attributes.</summary>
    public static string Span(
        string traceId, string spanId, string? parentId, string name, int kind, DateTimeOffset start, double durationMs,
        int status = 0, IEnumerable<(string Key, string Value)>? attributes = null, string? events = null)
    {
        var end = start.AddTicks((long)(durationMs * TimeSpan.TicksPerMillisecond));
        var attrs = string.Join(",", (attributes ?? []).Select(a => Attr(a.Key, a.Value)));
        return $$"""
            {"traceId":"{{traceId}}","spanId":"{{spanId}}",{{(parentId is null ? "" : $"\"parentSpanId\":\"{parentId}\",")}}
             "name":{{Quote(name)}},"kind":{{kind}},"startTimeUnixNano":"{{Nanos(start)}}","endTimeUnixNano":"{{Nanos(end)}}",
             "attributes":[{{attrs}}],"status":{"code":{{status}}}{{(events is null ? "" : $",\"events\":[{events}]")}}
            """ + "}";
    }

    public static string Attr(string key, string value) => "{\"key\":" + Quote(key) + ",\"value\":{\"stringValue\":" + Quote(value) + "}}";

    /// <summary>A traces request with one resource (service) holding <paramref name="spans"/>.</summary>
    public static string Traces(string service, IEnumerable<string> spans, string? instance = null) => $$"""
        {"resourceSpans":[{"resource":{"attributes":[{{Attr("service.name", service)}}{{(instance is null ? "" : "," + Attr("service.instance.id", instance))}}]},
          "scopeSpans":[{"scope":{"name":"test"},"spans":[{{string.Join(",", spans)}}]}]}]}
        """;

    /// <summary>A logs request with one resource holding the records.</summary>
    public static string Logs(string service, IEnumerable<string> records) => $$"""
        {"resourceLogs":[{"resource":{"attributes":[{{Attr("service.name", service)}}]},
          "scopeLogs":[{"scope":{"name":"test"},"logRecords":[{{string.Join(",", records)}}]}]}]}
        """;

    public static string LogRecord(DateTimeOffset time, int severity, string severityText, string body, string? traceId = null, string? spanId = null) => $$"""
        {"timeUnixNano":"{{Nanos(time)}}","severityNumber":{{severity}},"severityText":"{{severityText}}","body":{"stringValue":{{Quote(body)}}}{{(traceId is null ? "" : $",\"traceId\":\"{traceId}\"")}}{{(spanId is null ? "" : $",\"spanId\":\"{spanId}\"")}}
        """ + "}";

    /// <summary>A metrics request with one resource holding <paramref name="metrics"/> (see <see cref="Gauge"/>, <see cref="Histogram"/>).</summary>
    public static string Metrics(string service, IEnumerable<string> metrics) => $$"""
        {"resourceMetrics":[{"resource":{"attributes":[{{Attr("service.name", service)}}]},
          "scopeMetrics":[{"scope":{"name":"test"},"metrics":[{{string.Join(",", metrics)}}]}]}]}
        """;

    /// <summary>A gauge metric of <paramref name="points"/> (time, value, string attributes).</summary>
    public static string Gauge(string name, string? unit, IEnumerable<(DateTimeOffset Time, double Value, (string Key, string Value)[] Attributes)> points) =>
        "{\"name\":" + Quote(name) + ",\"unit\":" + Quote(unit ?? "") + ",\"gauge\":{\"dataPoints\":[" + string.Join(",", points.Select(p =>
            "{\"timeUnixNano\":\"" + Nanos(p.Time) + "\",\"asDouble\":" + p.Value.ToString(CultureInfo.InvariantCulture) + ",\"attributes\":" + Attrs(p.Attributes) + "}")) + "]}}";

    /// <summary>
    /// A histogram metric with delta temporality: each point counts the observations of the <paramref name="interval"/>
    /// before its time, in buckets of <paramref name="bounds"/> (one more count than bounds).
    /// </summary>
    public static string Histogram(string name, string? unit, double[] bounds, TimeSpan interval,
        IEnumerable<(DateTimeOffset Time, long[] Counts, double Sum, (string Key, string Value)[] Attributes)> points) =>
        "{\"name\":" + Quote(name) + ",\"unit\":" + Quote(unit ?? "") + ",\"histogram\":{\"aggregationTemporality\":1,\"dataPoints\":[" + string.Join(",", points.Select(p =>
            "{\"startTimeUnixNano\":\"" + Nanos(p.Time - interval) + "\",\"timeUnixNano\":\"" + Nanos(p.Time) + "\",\"count\":\"" + p.Counts.Sum()
            + "\",\"sum\":" + p.Sum.ToString(CultureInfo.InvariantCulture)
            + ",\"bucketCounts\":[" + string.Join(",", p.Counts.Select(c => "\"" + c.ToString(CultureInfo.InvariantCulture) + "\""))
            + "],\"explicitBounds\":[" + string.Join(",", bounds.Select(b => b.ToString(CultureInfo.InvariantCulture)))
            + "],\"attributes\":" + Attrs(p.Attributes) + "}")) + "]}}";

    private static string Attrs((string Key, string Value)[] attributes) => "[" + string.Join(",", attributes.Select(a => Attr(a.Key, a.Value))) + "]";

    public static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
