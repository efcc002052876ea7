using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Argus.Benchmarks.Ingest;
using Argus.IntegrationTests.Infrastructure;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Otlp.Proto.Common;
using Argus.Otlp.Proto.Resource;
using Argus.Otlp.Proto.Trace;
using Google.Protobuf;
using ProtoSpan = Argus.Otlp.Proto.Trace.Span;

namespace Argus.IntegrationTests;

/// <summary>
/// The server in its own process, killed with SIGKILL (as <c>kill -9</c>) while data streams in: everything it
/// acknowledged is there after a restart on the same data folder, and so are the issues' titles.
/// </summary>
public sealed class CrashTests
{
    private const int SpansPerRequest = 200;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static Task<ServerProcess> StartAsync(string dataPath) =>
        ServerProcess.StartAsync(
            Path.Combine(AppContext.BaseDirectory, "Argus.Server.dll"),
            dataPath,
            ["--Argus:Storage:MemoryLimitMegabytes=512", "--Kestrel:Endpoints:OtlpGrpc:Protocols=Http2"],
            StartTimeout);

    private static HttpClient Otlp(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = server.OtlpHttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        return client;
    }

    private static async Task<JsonElement> GetJsonAsync(ServerProcess server, string path)
    {
        using var client = new HttpClient { BaseAddress = server.ApiUrl, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerProcess.Key);
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static byte[] TracesRequest(string service, DateTimeOffset start, List<string> traceIds)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "crash-test" } };
        var startNanos = (ulong)(start - DateTimeOffset.UnixEpoch).Ticks * 100;
        for (var i = 0; i < SpansPerRequest; i++)
        {
            var traceId = RandomNumberGenerator.GetBytes(16);
            traceIds.Add(Convert.ToHexStringLower(traceId));
            scope.Spans.Add(new ProtoSpan
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(8)),
                Name = "GET /crash",
                Kind = ProtoSpan.Types.SpanKind.Server,
                StartTimeUnixNano = startNanos + (ulong)i * 1_000,
                EndTimeUnixNano = startNanos + (ulong)i * 1_000 + 5_000_000,
            });
        }

        var resource = new ResourceSpans { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        resource.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resource);
        return request.ToByteArray();
    }

    /// <summary>
    /// Four senders post span batches over OTLP/HTTP protobuf until the server dies under them; only the spans of
    /// requests answered 200 are counted, as an exporter counts them (it drops those and retries the rest).
    /// </summary>
    private static async Task<(string Service, List<string> AckedTraceIds)> StreamUntilKilledAsync(ServerProcess server, int round, int killAfterSpans)
    {
        var service = $"crash-round-{round}";
        var acked = new ConcurrentQueue<string>();
        var ackedSpans = 0;
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var stop = new CancellationTokenSource();
        using var http = Otlp(server);
        var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var traceIds = new List<string>(SpansPerRequest);
                using var content = new ByteArrayContent(TracesRequest(service, start.AddMilliseconds((sender * 100_000) + n), traceIds));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                try
                {
                    using var response = await http.PostAsync("v1/traces", content, stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        traceIds.ForEach(acked.Enqueue);
                        Interlocked.Add(ref ackedSpans, traceIds.Count);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                {
                    // The server died under the request: not acknowledged, so an exporter would send it again.
                    if (server.HasExited)
                    {
                        return;
                    }
                }
            }
        })).ToList();

        // Mid-stream: enough acknowledged that writes are in full flow, with requests still in flight.
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref ackedSpans) >= killAfterSpans), $"{killAfterSpans} spans acknowledged in round {round}", TimeSpan.FromSeconds(120));
        await server.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        return (service, [.. acked]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task AssertAllStoredAsync(ServerProcess server, IReadOnlyList<(string Service, List<string> AckedTraceIds)> rounds)
    {
        var from = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var services = (await GetJsonAsync(server, $"api/services?from={from}")).GetProperty("services").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("spanCount").GetInt64());
        foreach (var (service, acked) in rounds)
        {
            // Spans of requests committed but not yet answered when the process died may be there too: at least, never fewer.
            var stored = services.GetValueOrDefault(service);
            Assert.True(stored >= acked.Count, $"{service}: {acked.Count} spans acknowledged, {stored} stored ({acked.Count - stored} lost)");

            // And the very ones acknowledged: the last (acknowledged just before the kill) and a sample of the rest.
            foreach (var traceId in acked.TakeLast(5).Concat(acked.Where((_, i) => i % Math.Max(1, acked.Count / 20) == 0)))
            {
                var trace = await GetJsonAsync(server, $"api/traces/{traceId}");
                Assert.True(trace.GetProperty("spans").GetArrayLength() == 1, $"{service}: acknowledged trace {traceId} is missing");
            }
        }
    }

    [Fact]
    public async Task Every_span_acknowledged_before_kill_9_is_there_after_restart_three_rounds()
    {
        using var folder = new TestDataFolder();
        var rounds = new List<(string Service, List<string> AckedTraceIds)>();
        var server = await StartAsync(folder.Path);
        try
        {
            for (var round = 1; round <= 3; round++)
            {
                rounds.Add(await StreamUntilKilledAsync(server, round, killAfterSpans: 10_000 * round));
                await server.DisposeAsync();
                server = await StartAsync(folder.Path);
                await AssertAllStoredAsync(server, rounds);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Issue_titles_and_templates_survive_kill_9()
    {
        using var folder = new TestDataFolder();
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var server = await StartAsync(folder.Path);
        try
        {
            // A template generalised over several lines, and an exception on a span: both new since the last snapshot
            // (there is none: the server has run for seconds), acknowledged, then the process is killed at once.
            var lines = Enumerable.Range(0, 6).Select(i => OtlpJson.LogRecord(now.AddSeconds(i), 13, "WARN",
                $"Payment gateway pg-{i}.internal refused card ending {1000 + (i * 7)} after {20 + i} ms")).ToList();
            var stack = "System.TimeoutException: Ledger did not answer\n   at Shop.Ledger.Client.Post(Entry e) in /src/Client.cs:line 88\n   at Shop.Checkout.Pay() in /src/Pay.cs:line 12";
            var exception = $$"""{"name":"exception","timeUnixNano":"{{OtlpJson.Nanos(now)}}","attributes":[{{OtlpJson.Attr("exception.type", "System.TimeoutException")}},{{OtlpJson.Attr("exception.message", "Ledger did not answer")}},{{OtlpJson.Attr("exception.stacktrace", stack)}}]}""";
            using (var http = Otlp(server))
            {
                using var logs = await http.PostAsync("v1/logs", new StringContent(OtlpJson.Logs("payments", lines), System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
                using var spans = await http.PostAsync("v1/traces", new StringContent(
                    OtlpJson.Traces("payments", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "POST /pay", 2, now, 40, status: 2, events: exception)]),
                    System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, spans.StatusCode);
            }

            var before = await IssuesAsync(server, now);
            await server.KillAsync();
            await server.DisposeAsync();

            server = await StartAsync(folder.Path);
            var after = await IssuesAsync(server, now);
            Assert.Equal(before.Count, after.Count);
            Assert.Equal(2, after.Count);
            foreach (var (id, title) in before)
            {
                Assert.Equal(title, after[id]);
            }

            Assert.Contains(after.Values, t => t.StartsWith("Payment gateway ", StringComparison.Ordinal) && t.Contains("<*>", StringComparison.Ordinal));
            Assert.Contains(after.Values, t => t.Contains("TimeoutException", StringComparison.Ordinal));
            Assert.DoesNotContain(after.Values, t => t.Contains("not in memory", StringComparison.Ordinal));

            // The miner's template came back too: a new line of the same event joins the same issue.
            using (var http = Otlp(server))
            {
                using var more = await http.PostAsync("v1/logs", new StringContent(OtlpJson.Logs("payments",
                    [OtlpJson.LogRecord(now.AddSeconds(30), 13, "WARN", "Payment gateway pg-9.internal refused card ending 4242 after 31 ms")]), System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, more.StatusCode);
            }

            var again = await IssuesAsync(server, now);
            Assert.Equal(after.Keys.Order(), again.Keys.Order());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, string>> IssuesAsync(ServerProcess server, DateTimeOffset since)
    {
        var from = since.AddMinutes(-5).ToUnixTimeMilliseconds();
        var issues = await GetJsonAsync(server, $"api/issues?from={from}");
        return issues.GetProperty("issues").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("title").GetString()!);
    }
}
