using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.Benchmarks.Ingest;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Otlp.Proto.Common;
using Argus.Otlp.Proto.Resource;
using Argus.Otlp.Proto.Trace;
using Argus.Storage.DuckDb;
using Google.Protobuf;
using ProtoSpan = Argus.Otlp.Proto.Trace.Span;

namespace Argus.Benchmarks.ChangeTracking;

/// <summary>
/// <c>change-check</c>: one application with <c>--spans N</c> server spans (default 1,000,000) in each of the three
/// windows a check reads (the 10-minute check window, the same a day and a week earlier), written straight into a new
/// store; the check window carries a regression (every endpoint 30 % slower; one fails at 20 % instead of 2 % and is
/// 2.5 times slower), so that the check is UNSTABLE and its follow-up queries run as well. A real server is started
/// on it and the check is run through <c>POST /api/deployments/{id}/checks/+10m/run</c> (built-in analyst, no LLM)
/// once to warm up, then <c>--runs R</c> times (default 5). Reported, median and worst: the server's own measures (snapshots and statistics; follow-up) and
/// the whole request as the client sees it.
/// </summary>
internal static class ChangeCheckLoad
{
    private const string Service = "checkout-api";
    private static readonly string[] Routes = ["GET /api/orders/{id}", "POST /api/orders", "GET /api/cart/{id}", "GET /api/users/{id}", "GET /api/inventory/{sku}", "POST /api/payments"];

    public static async Task<int> RunAsync(string[] args)
    {
        var spans = IngestLoad.Option(args, "--spans", 1_000_000);
        var runs = IngestLoad.Option(args, "--runs", 5);
        var dataPath = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-2);
        var window = TimeSpan.FromMinutes(10);

        Console.WriteLine($"Writing {spans:N0} server spans of {Service} into each of 3 windows ...");
        var fill = Stopwatch.StartNew();
        await using (var store = DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(dataPath, "telemetry.duckdb") }))
        {
            var options = new Argus.Otlp.OtlpOptions();
            foreach (var (end, regression, seed) in new[] { (at.AddDays(-7), false, 1), (at.AddDays(-1), false, 2), (at, true, 3) })
            {
                const int perRequest = 5_000;
                const int requestsPerWrite = 20;
                var random = new Random(seed);
                for (var written = 0; written < spans; written += perRequest * requestsPerWrite)
                {
                    var batches = Enumerable.Range(0, requestsPerWrite)
                        .Select(r => written + (r * perRequest))
                        .Where(first => first < spans)
                        .Select(first => Argus.Otlp.Mapping.OtlpTraceMapper.Map(
                            Request(random, end - window, window, first, Math.Min(perRequest, spans - first), spans, regression), "default", options).Batch)
                        .ToList();
                    await store.WriteAsync(batches, CancellationToken.None);
                }

                Console.WriteLine($"  window ending {end:yyyy-MM-dd HH:mm} written ({fill.Elapsed.TotalSeconds:F0} s)");
            }
        }

        await using var server = await ServerProcess.StartAsync(dataPath, "--Argus:Retention:MaxAge=30.00:00:00");
        using var api = new HttpClient { BaseAddress = server.ApiUrl, Timeout = TimeSpan.FromMinutes(5) };
        api.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        using var created = await api.PostAsJsonAsync("api/deployments", new
        {
            applications = new[] { Service },
            version = "9.9.9",
            startedAt = at.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture),
            checks = new[] { "+10m" },
        });
        var body = await created.Content.ReadAsStringAsync();
        if (!created.IsSuccessStatusCode)
        {
            Console.WriteLine($"POST api/deployments answered {(int)created.StatusCode}: {body}");
            return 1;
        }

        var id = JsonDocument.Parse(body).RootElement.GetProperty("deployment").GetProperty("id").GetString()!;
        var measure = new List<double>();
        var followUp = new List<double>();
        var total = new List<double>();
        Console.WriteLine();
        Console.WriteLine($"{"run",4} {"state",14} {"snapshots+stats ms",19} {"follow-up ms",13} {"request ms",11} {"follow-ups",11}");
        for (var run = 0; run <= runs; run++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await api.PostAsync($"api/deployments/{id}/checks/%2B10m/run", null);
            var text = await response.Content.ReadAsStringAsync();
            var elapsed = sw.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Console.WriteLine($"run {run}: {(int)response.StatusCode} {text}");
                return 1;
            }

            var check = JsonDocument.Parse(text).RootElement;
            if (!check.TryGetProperty("verdict", out var verdict))
            {
                Console.WriteLine($"run {run}: the check has no verdict: {text}");
                return 1;
            }

            var ms = verdict.GetProperty("measureMs").GetDouble();
            var fu = verdict.TryGetProperty("followUpMs", out var f) ? f.GetDouble() : 0;
            var count = verdict.TryGetProperty("followUps", out var list) ? list.GetArrayLength() : 0;
            Console.WriteLine($"{(run == 0 ? "warm" : run.ToString(CultureInfo.InvariantCulture)),4} {verdict.GetProperty("state").GetString(),14} {ms,19:F1} {fu,13:F1} {elapsed,11:F1} {count,11}");
            if (run > 0)
            {
                measure.Add(ms);
                followUp.Add(fu);
                total.Add(elapsed);
            }
        }

        static string Stats(List<double> values)
        {
            values.Sort();
            return $"median {values[values.Count / 2]:F1} ms, worst {values[^1]:F1} ms";
        }

        Console.WriteLine();
        Console.WriteLine($"snapshots + statistics: {Stats(measure)}");
        Console.WriteLine($"follow-up queries:      {Stats(followUp)}");
        Console.WriteLine($"whole check (client):   {Stats(total)} ({spans:N0} spans per window, 3 windows, built-in analyst)");
        Console.WriteLine($"load average: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}");

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

    /// <summary>
    /// <paramref name="count"/> server spans numbered from <paramref name="first"/> of <paramref name="total"/>, spread
    /// evenly over the window; 2 % fail. In the regression window every endpoint is 30 % slower, and the first one fails
    /// ten times as often and is 2.5 times slower.
    /// </summary>
    private static ExportTraceServiceRequest Request(Random random, DateTimeOffset from, TimeSpan window, int first, int count, int total, bool regression)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Argus.Bench", Version = "1.0.0" } };
        var ids = new byte[24];
        for (var i = first; i < first + count; i++)
        {
            var route = i % Routes.Length;
            var broken = regression && route == 0;
            var failed = random.NextDouble() < (broken ? 0.20 : 0.02);
            var startNs = (ulong)((from.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100) + (ulong)(window.Ticks * 100 * (double)i / total);
            var durationMs = (20 + (random.NextDouble() * 180)) * (broken ? 2.5 : regression ? 1.3 : 1.0);
            random.NextBytes(ids);
            scope.Spans.Add(new ProtoSpan
            {
                TraceId = ByteString.CopyFrom(ids, 0, 16),
                SpanId = ByteString.CopyFrom(ids, 16, 8),
                Name = Routes[route],
                Kind = ProtoSpan.Types.SpanKind.Server,
                StartTimeUnixNano = startNs,
                EndTimeUnixNano = startNs + (ulong)(durationMs * 1_000_000),
                Status = new Status { Code = failed ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Ok },
                Attributes =
                {
                    new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = Routes[route].Split(' ')[1] } },
                    new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = Routes[route].Split(' ')[0] } },
                    new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = failed ? 500 : 200 } },
                },
            });
        }

        var resource = new Resource
        {
            Attributes =
            {
                new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = Service } },
                new KeyValue { Key = "service.instance.id", Value = new AnyValue { StringValue = Service + "-pod-1" } },
            },
        };
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } };
    }
}
