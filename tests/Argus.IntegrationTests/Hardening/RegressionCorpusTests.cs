using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>
/// The inputs that broke Argus or came close, kept under <c>Corpus/</c> (OTLP/JSON, OTLP protobuf, Argus's own JSON API),
/// plus seeded mutations of the OTLP examples: none may get a 5xx, and the server keeps answering. Add every new
/// crasher here.
/// </summary>
public sealed class RegressionCorpusTests
{
    private static string CorpusPath(string kind) => Path.Combine(AppContext.BaseDirectory, "Corpus", kind);

    private static async Task AssertNot5xxAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{what}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
    }

    [Fact]
    public async Task Otlp_inputs_of_the_corpus_get_no_server_error()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var otlp = server.OtlpClient();
        var files = Directory.GetFiles(CorpusPath("otlp-json")).Concat(Directory.GetFiles(CorpusPath("otlp-protobuf"))).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 20, $"the corpus has only {files.Count} OTLP inputs");
        foreach (var file in files)
        {
            foreach (var signal in new[] { "traces", "logs", "metrics" })
            {
                var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
                content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".bin", StringComparison.Ordinal) ? "application/x-protobuf" : "application/json");
                using var response = await otlp.PostAsync("v1/" + signal, content);
                await AssertNot5xxAsync(response, $"{Path.GetFileName(file)} to /v1/{signal}");
            }
        }

        // Whatever was stored of them can be read back.
        foreach (var id in new[] { "5b8efff798038103d269b633813fc60d", "5b8efff798038103d269b633813fc60e" })
        {
            using var client = server.ApiClient();
            using var trace = await client.GetAsync($"api/traces/{id}");
            await AssertNot5xxAsync(trace, $"trace {id}");
        }

        await server.GetJsonAsync("api/services?from=0");
    }

    [Fact]
    public async Task Mutations_of_the_otlp_examples_get_no_server_error()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var otlp = server.OtlpClient();
        var random = new Random(20261204);
        foreach (var (file, signal) in new[] { ("trace.json", "traces"), ("logs.json", "logs"), ("metrics.json", "metrics"), ("events.json", "logs") })
        {
            var original = await File.ReadAllBytesAsync(SharedData.PathOf("otlp-examples", file));
            for (var i = 0; i < 60; i++)
            {
                var mutated = Mutate(original, random);
                using var response = await otlp.PostAsync("v1/" + signal, new ByteArrayContent(mutated) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
                await AssertNot5xxAsync(response, $"mutation {i} of {file}: {Encoding.UTF8.GetString(mutated)[..Math.Min(200, mutated.Length)]}");
            }
        }

        await server.GetJsonAsync("api/services?from=0");
    }

    [Fact]
    public async Task Api_inputs_of_the_corpus_get_no_server_error()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        var files = Directory.GetFiles(CorpusPath("api-json")).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 20, $"the corpus has only {files.Count} API inputs");
        foreach (var file in files)
        {
            var entry = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
            var path = entry.GetProperty("path").GetString()!;
            using var request = new HttpRequestMessage(new HttpMethod(entry.GetProperty("method").GetString()!), path)
            {
                Content = new StringContent(entry.GetProperty("body").GetString()!, Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request);
            await AssertNot5xxAsync(response, $"{Path.GetFileName(file)} {request.Method} {path}");
        }

        await server.GetJsonAsync("api/services");
    }

    /// <summary>One of: flip a byte, cut the tail, repeat a slice, drop a slice, or put a JSON-significant byte somewhere.</summary>
    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        var at = random.Next(bytes.Count);
        switch (random.Next(5))
        {
            case 0:
                bytes[at] = (byte)random.Next(256);
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 2:
                var length = Math.Min(random.Next(1, 64), bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, length));
                break;
            case 3:
                bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at));
                break;
            default:
                bytes.Insert(at, "{}[]\",:\\0-9e"u8[random.Next("{}[]\",:\\0-9e"u8.Length)]);
                break;
        }

        return [.. bytes];
    }
}
