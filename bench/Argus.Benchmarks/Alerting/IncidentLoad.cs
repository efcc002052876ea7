using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Argus.Benchmarks.Ingest;

namespace Argus.Benchmarks.Alerting;

/// <summary>
/// <c>incident</c>: fills a store with <c>--spans N</c> realistic spans (default 10,000,000) over 24 h, starts a real
/// server on it with a webhook channel to a local receiver, then <c>--runs R</c> times (default 7) sends one slow-SQL
/// transaction of a new service and a slow-SQL rule for it. Reported, median and worst:
/// <list type="bullet">
/// <item>fire → handed to channels: the server's own measure (the incident's <c>pipelineMs</c>: reading the trace,
/// profile, findings, the <c>alert-analyzer</c> role served by the built-in analyst, storing, queueing the deliveries);</item>
/// <item>fire → webhook received: from the alert's start to the delivery reaching the receiver (same clock).</item>
/// </list>
/// </summary>
internal static class IncidentLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var spans = IngestLoad.Option(args, "--spans", 10_000_000);
        var runs = IngestLoad.Option(args, "--runs", 7);
        var dataPath = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        await QueryLoad.FillAsync(dataPath, spans, end.AddHours(-24), end);

        using var receiver = new HttpListener();
        var hookPort = FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{hookPort}/");
        receiver.Start();
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>();
        _ = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await receiver.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }

                var at = DateTimeOffset.UtcNow;
                using var body = JsonDocument.Parse(context.Request.InputStream);
                if (body.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                    && data.TryGetProperty("incidentId", out var id))
                {
                    received[id.GetString()!] = at;
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using var server = await ServerProcess.StartAsync(dataPath, "--Argus:Retention:MaxAge=30.00:00:00", "--Argus:Alerting:TickInterval=00:00:00.200");
        using var api = new HttpClient { BaseAddress = server.ApiUrl, Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        using var otlp = new HttpClient { BaseAddress = server.OtlpHttpUrl };
        otlp.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        (await api.PostAsJsonAsync("api/channels", new { name = "bench-hook", type = "webhook", url = $"http://127.0.0.1:{hookPort}/hook", secret = "bench-secret" }))
            .EnsureSuccessStatusCode();

        var pipeline = new List<double>();
        var delivered = new List<double>();
        Console.WriteLine($"{"run",4} {"pipeline ms",12} {"to webhook ms",14} {"model",18}");
        for (var run = 0; run <= runs; run++)
        {
            var service = $"bench-incident-{run}";
            (await otlp.PostAsync("v1/traces", new StringContent(SlowSqlTrace(service), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            (await api.PostAsJsonAsync("api/alert-rules", new
            {
                name = $"SlowSQL-{run}",
                kind = "slow_sql",
                service,
                thresholdMs = 8000,
                window = "00:10:00",
                evaluateEvery = "00:00:01",
            })).EnsureSuccessStatusCode();

            var sw = Stopwatch.StartNew();
            JsonElement incident = default;
            while (sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                var list = await api.GetFromJsonAsync<JsonElement>($"api/incidents?service={service}");
                if (list.GetProperty("incidents").GetArrayLength() > 0)
                {
                    incident = list.GetProperty("incidents")[0];
                    break;
                }

                await Task.Delay(50);
            }

            if (incident.ValueKind != JsonValueKind.Object)
            {
                Console.WriteLine($"{run,4} no incident within 60 s");
                continue;
            }

            var id = incident.GetProperty("id").GetString()!;
            var firedAt = incident.GetProperty("firedAt").GetDateTimeOffset();
            while (!received.ContainsKey(id) && sw.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(20);
            }

            var ms = incident.GetProperty("pipelineMs").GetDouble();
            var toHook = received.TryGetValue(id, out var at) ? (at - firedAt).TotalMilliseconds : double.NaN;
            Console.WriteLine($"{(run == 0 ? "warm" : run.ToString(CultureInfo.InvariantCulture)),4} {ms,12:F1} {toHook,14:F1} {incident.GetProperty("model").GetString(),18}");
            if (run > 0)
            {
                pipeline.Add(ms);
                delivered.Add(toHook);
            }
        }

        pipeline.Sort();
        delivered.Sort();
        if (pipeline.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"fire -> handed to channels: median {pipeline[pipeline.Count / 2]:F1} ms, worst {pipeline[^1]:F1} ms ({spans:N0} spans stored, built-in analyst)");
            Console.WriteLine($"fire -> webhook received:   median {delivered[delivered.Count / 2]:F1} ms, worst {delivered[^1]:F1} ms");
        }

        receiver.Stop();
        await server.StopAsync();
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>A 9.2 s request whose second statement takes 8.5 s, as OTLP/JSON.</summary>
    private static string SlowSqlTrace(string service)
    {
        var trace = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var root = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var start = DateTimeOffset.UtcNow.AddSeconds(-10);
        static string Nanos(DateTimeOffset t) => ((t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);
        string Span(string id, string? parent, string name, int kind, double offsetMs, double ms, string attributes) =>
            $$"""{"traceId":"{{trace}}","spanId":"{{id}}",{{(parent is null ? "" : $"\"parentSpanId\":\"{parent}\",")}}"name":"{{name}}","kind":{{kind}},"startTimeUnixNano":"{{Nanos(start.AddMilliseconds(offsetMs))}}","endTimeUnixNano":"{{Nanos(start.AddMilliseconds(offsetMs + ms))}}","attributes":[{{attributes}}]}""";
        static string Attr(string k, string v) => "{\"key\":\"" + k + "\",\"value\":{\"stringValue\":\"" + v + "\"}}";
        var spans = new[]
        {
            Span(root, null, "GET /api/orders/{id}", 2, 0, 9_200, $"{Attr("http.request.method", "GET")},{Attr("http.route", "/api/orders/{id}")}"),
            Span(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), root, "SELECT shop", 3, 50, 20,
                $"{Attr("db.system", "mysql")},{Attr("db.query.text", "SELECT c.name FROM customers c WHERE c.id = 42")}"),
            Span(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), root, "SELECT shop", 3, 80, 8_500,
                $"{Attr("db.system", "mysql")},{Attr("db.query.text", "SELECT o.id, o.total FROM orders o WHERE o.customer_id = 42")}"),
        };
        var resource = $"{Attr("service.name", service)},{Attr("service.instance.id", service + "-pod-1")}";
        return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + resource + "]},\"scopeSpans\":[{\"scope\":{\"name\":\"bench\"},\"spans\":["
            + string.Join(",", spans) + "]}]}]}";
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
