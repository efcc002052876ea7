using System.Net;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>The OTLP/JSON example payloads of the OpenTelemetry specification, posted as they are.</summary>
public sealed class OtlpJsonExamplesTests
{
    // The examples are from December 2018: keep them past retention.
    private static readonly Dictionary<string, string?> LongRetention = new() { ["Argus:Retention:MaxAge"] = "36500.00:00:00" };
    private const string Range = "from=2018-12-13T00:00:00Z&to=2018-12-14T00:00:00Z";

    [Fact]
    public async Task The_specification_examples_are_accepted_and_read_back()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: LongRetention);

        foreach (var (signal, file) in new[] { ("traces", "trace.json"), ("logs", "logs.json"), ("metrics", "metrics.json"), ("logs", "events.json") })
        {
            using var response = await server.PostOtlpJsonAsync(signal, await File.ReadAllTextAsync(SharedData.PathOf("otlp-examples", file)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{file}: {(int)response.StatusCode} {body}");
            Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
            using var doc = JsonDocument.Parse(body);
            Assert.False(doc.RootElement.TryGetProperty("partialSuccess", out var partial) && partial.TryGetProperty("rejectedSpans", out _), body);
        }

        var trace = await ArgusTestServer.EventuallyAsync(
            async () =>
            {
                using var client = server.ApiClient();
                using var r = await client.GetAsync("api/traces/5b8efff798038103d269b633813fc60c");
                return r.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            },
            e => e.ValueKind == JsonValueKind.Object,
            "the example trace");
        var span = Assert.Single(trace.GetProperty("spans").EnumerateArray());
        Assert.Equal("I'm a server span", span.GetProperty("name").GetString());
        Assert.Equal("SERVER", span.GetProperty("kind").GetString());
        Assert.Equal("eee19b7ec3c1b174", span.GetProperty("spanId").GetString());
        Assert.Equal(1000, span.GetProperty("durationMs").GetDouble());
        Assert.Contains(span.GetProperty("attributes").EnumerateArray(), a => a.GetProperty("key").GetString() == "my.span.attr" && a.GetProperty("value").GetString() == "some value");

        var logs = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync($"api/logs?{Range}&service=my.service"),
            l => l.GetProperty("logs").GetArrayLength() >= 2,
            "the example logs");
        var example = Assert.Single(logs.GetProperty("logs").EnumerateArray(), l => l.GetProperty("body").GetString() == "Example log record");
        Assert.Equal("INFO", example.GetProperty("level").GetString());
        Assert.Equal("5b8efff798038103d269b633813fc60c", example.GetProperty("traceId").GetString());
        Assert.Contains(example.GetProperty("attributes").EnumerateArray(), a => a.GetProperty("key").GetString() == "boolean.attribute" && a.GetProperty("value").GetString() == "true");

        var metrics = await server.GetJsonAsync($"api/metrics?{Range}");
        var names = metrics.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "my.counter", "my.gauge", "my.histogram", "my.exponential.histogram" }, names);
    }
}
