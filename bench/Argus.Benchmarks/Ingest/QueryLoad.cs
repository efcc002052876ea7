using System.Diagnostics;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Storage.DuckDb;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// <c>query</c>: fills a store with <c>--spans N</c> realistic spans (default 10,000,000) spread over
/// <c>--hours H</c> (default 24), starts a real server on it, and times the RED and SQL queries through the HTTP API
/// over the whole range: five runs each after one warm-up, median and worst reported.
/// </summary>
internal static class QueryLoad
{
    /// <summary>Writes <paramref name="spans"/> realistic spans between <paramref name="start"/> and <paramref name="end"/> straight into a new store.</summary>
    public static async Task FillAsync(string dataPath, int spans, DateTimeOffset start, DateTimeOffset end)
    {
        Console.WriteLine($"Writing {spans:N0} spans over {(end - start).TotalHours:F0} h ...");
        var fill = Stopwatch.StartNew();
        await using (var store = DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(dataPath, "telemetry.duckdb") }))
        {
            const int batch = 1_000;
            const int requestsPerWrite = 50;
            var chunks = spans / (batch * requestsPerWrite);
            var options = new Argus.Otlp.OtlpOptions();
            for (var c = 0; c < chunks; c++)
            {
                var chunkStart = start + (end - start) * c / chunks;
                var payloads = SpanPayloads.Create(requestsPerWrite, batch, chunkStart, seed: c);
                var batches = payloads
                    .Select(p => Argus.Otlp.Mapping.OtlpTraceMapper.Map(ExportTraceServiceRequest.Parser.ParseFrom(p), "default", options).Batch)
                    .ToList();
                await store.WriteAsync(batches, CancellationToken.None);
                if (c % 20 == 0)
                {
                    Console.Write($"\r  {(c + 1) * batch * requestsPerWrite:N0} spans, {fill.Elapsed.TotalSeconds:F0} s");
                }
            }
        }

        Console.WriteLine($"\r  done in {fill.Elapsed.TotalSeconds:F0} s; {new FileInfo(Path.Combine(dataPath, "telemetry.duckdb")).Length / (double)spans:F1} bytes per span");
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var spans = IngestLoad.Option(args, "--spans", 10_000_000);
        var hours = IngestLoad.Option(args, "--hours", 24);
        var dataPath = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var start = end.AddHours(-hours);

        await FillAsync(dataPath, spans, start, end);

        await using var server = await ServerProcess.StartAsync(dataPath, "--Argus:Retention:MaxAge=30.00:00:00");
        using var api = new HttpClient { BaseAddress = server.ApiUrl, Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        var range = $"from={start.ToUnixTimeMilliseconds()}&to={end.ToUnixTimeMilliseconds()}";
        var queries = new (string Name, string Path)[]
        {
            ("services", $"api/services?{range}"),
            ("red (1 service, 1h steps)", $"api/services/order-service/red?{range}&step=1h"),
            ("red (1 service, 5m steps)", $"api/services/order-service/red?{range}&step=5m"),
            ("sql by total", $"api/sql?{range}&orderBy=total"),
            ("sql by max, 1 service", $"api/sql?{range}&orderBy=max&service=order-service"),
            ("traces slower than 150 ms", $"api/traces?{range}&minDurationMs=150&limit=20"),
        };

        Console.WriteLine();
        Console.WriteLine($"{"query",-28} {"median ms",10} {"max ms",10}");
        foreach (var (name, path) in queries)
        {
            (await api.GetAsync(path)).EnsureSuccessStatusCode();
            var times = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await api.GetAsync(path);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                times.Add(sw.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"{name,-28} {times[2],10:F1} {times[^1],10:F1}");
        }

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
}
