using System.Diagnostics;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Storage.DuckDb;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// <c>query</c>: fills a store with <c>--spans N</c> realistic spans (default 10,000,000) spread over
/// <c>--hours H</c> (default 24), starts a real server on it, and times the RED and SQL queries through the HTTP API
/// over the whole range: five runs each after one warm-up, median and worst reported. It also writes cumulative metric
/// streams (<c>--metric-streams N</c>, default 200: services × instances × routes, a point every 30 s each) of a counter,
/// a gauge and a histogram, and times the metric series queries.
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

    /// <summary>
    /// Writes <paramref name="streams"/> cumulative streams of a counter, a gauge and a 12-bucket histogram, a point every
    /// 30 s between <paramref name="start"/> and <paramref name="end"/>: 5 services, 4 instances each, the rest routes.
    /// </summary>
    public static async Task FillMetricsAsync(string dataPath, int streams, DateTimeOffset start, DateTimeOffset end)
    {
        var fill = Stopwatch.StartNew();
        double[] bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5];
        var random = new Random(11);
        var stepNanos = 30_000_000_000L;
        var from = Argus.Core.TimeRange.ToUnixNano(start);
        var to = Argus.Core.TimeRange.ToUnixNano(end);
        long written = 0;
        await using var store = DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(dataPath, "telemetry.duckdb") });
        var counters = new double[streams];
        var buckets = new ulong[streams][];
        var sums = new double[streams];
        for (var i = 0; i < streams; i++)
        {
            buckets[i] = new ulong[bounds.Length + 1];
        }

        var batch = new List<MetricPoint>();
        for (var t = from; t < to; t += stepNanos)
        {
            for (var i = 0; i < streams; i++)
            {
                var service = $"service-{i % 5}";
                var instance = $"{service}-pod-{i / 5 % 4}";
                IReadOnlyList<TelemetryAttribute> resource = [new("service.name", service), new("service.instance.id", instance)];
                IReadOnlyList<TelemetryAttribute> attributes = [new("http.route", $"/api/r{i / 20}"), new("http.request.method", "GET")];
                var requests = random.Next(0, 200);
                counters[i] += requests;
                for (var r = 0; r < requests; r++)
                {
                    var seconds = Math.Exp(random.NextDouble() * 7) / 1000;
                    var b = Array.FindIndex(bounds, x => seconds <= x);
                    buckets[i][b < 0 ? bounds.Length : b]++;
                    sums[i] += seconds;
                }

                MetricPoint Point(string name, MetricKind kind) => new()
                {
                    TenantId = "default", ServiceName = service, ServiceInstanceId = instance, Name = name, Kind = kind, Unit = kind == MetricKind.Histogram ? "s" : null,
                    IsMonotonic = kind == MetricKind.Sum, AggregationTemporality = kind == MetricKind.Gauge ? 0 : 2, StartTimeUnixNano = from, TimeUnixNano = t,
                    Attributes = attributes, ResourceAttributes = resource,
                };

                batch.Add(Point("http.server.requests", MetricKind.Sum) with { Value = counters[i] });
                batch.Add(Point("process.memory.usage", MetricKind.Gauge) with { Value = 1e8 + random.Next(0, 50_000_000) });
                batch.Add(Point("http.server.request.duration", MetricKind.Histogram) with
                {
                    Count = (ulong)counters[i], Sum = sums[i], ExplicitBounds = bounds, BucketCounts = [.. buckets[i]],
                });
            }

            if (batch.Count >= 50_000)
            {
                await store.WriteAsync([TelemetryBatch.OfMetrics(batch)], CancellationToken.None);
                written += batch.Count;
                batch = [];
            }
        }

        await store.WriteAsync([TelemetryBatch.OfMetrics(batch)], CancellationToken.None);
        written += batch.Count;
        Console.WriteLine($"Wrote {written:N0} metric points ({streams} streams of 3 metrics, every 30 s) in {fill.Elapsed.TotalSeconds:F0} s");
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
        await FillMetricsAsync(dataPath, IngestLoad.Option(args, "--metric-streams", 200), start, end);

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
            ("metric rate by route, 5m", $"api/metrics/http.server.requests/series?{range}&step=5m&groupBy=http.route"),
            ("metric gauge avg by pod, 5m", $"api/metrics/process.memory.usage/series?{range}&step=5m&groupBy=service.instance.id"),
            ("metric p95 per service, 5m", $"api/metrics/http.server.request.duration/series?{range}&step=5m"),
            ("metric p95 by pod+route, 1h", $"api/metrics/http.server.request.duration/series?{range}&step=1h&groupBy=service.instance.id,http.route&limit=100"),
            ("metric heatmap, 1 service, 5m", $"api/metrics/http.server.request.duration/series?{range}&step=5m&agg=heatmap&service=service-1"),
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
