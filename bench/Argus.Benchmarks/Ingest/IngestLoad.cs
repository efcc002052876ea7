using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Otlp.Proto.Collector.Trace;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// <c>ingest</c>: sends realistic OTLP/HTTP protobuf span batches to a real server process and reports sustained
/// spans per second (until every span is stored and queryable), server peak memory and bytes per span on disk;
/// beside it, the decode-only rate of the same payloads on one core, the ceiling.
/// Options: <c>--spans N</c> (default 1,000,000), <c>--batch N</c> (spans per request, default 1,000),
/// <c>ARGUS_BENCH_NO_BUILD=1</c> reuses the last Release build of the server, <c>ARGUS_BENCH_SERVER_ARGS</c> adds server settings,
/// <c>--connections N</c> (default 4), <c>--warmup-spans N</c> (default 300,000, sent and stored before the clock starts).
/// </summary>
internal static class IngestLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var spans = Option(args, "--spans", 1_000_000);
        var batch = Option(args, "--batch", 1_000);
        var connections = Option(args, "--connections", 4);
        var requests = spans / batch;
        Console.WriteLine($"Generating {requests:N0} requests of {batch:N0} spans ...");
        var payloads = SpanPayloads.Create(requests, batch, DateTimeOffset.UtcNow.AddMinutes(-30));
        var payloadBytes = payloads.Sum(p => (long)p.Length);
        Console.WriteLine($"  {payloadBytes / (double)spans:F0} protobuf bytes per span on the wire");

        var decode = DecodeOnly(payloads);
        Console.WriteLine($"Decode only (protobuf parse + map to the domain model), one core: {decode.Rate:N0} spans/s");
        Console.WriteLine($"  allocated per span: {decode.ParseBytes + decode.MapBytes:N0} bytes ({decode.ParseBytes:N0} the protobuf messages, {decode.MapBytes:N0} the domain model)");
        var receive = await ReceiverCeiling.MeasureAsync(payloads, connections);
        Console.WriteLine($"Receive ceiling (OTLP/HTTP receiver on Kestrel, nothing stored, all cores): {receive:N0} spans/s");

        var dataPath = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        await using var server = await ServerProcess.StartAsync(dataPath);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = server.OtlpHttpUrl, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);

        // Warm-up: a fresh server compiles its hot paths three times over (tiered PGO) during its first seconds of load;
        // sustained means after that, as for a server that has been running. --warmup-spans spans (default 300,000,
        // other traces) are sent and stored before the clock starts.
        var warmupSpans = Option(args, "--warmup-spans", 300_000);
        var warmupPayloads = warmupSpans >= batch ? SpanPayloads.Create(warmupSpans / batch, batch, DateTimeOffset.UtcNow.AddMinutes(-40), seed: 7) : [];
        using var api = new HttpClient { BaseAddress = server.ApiUrl };
        api.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        var from = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        async Task<long> StoredAsync()
        {
            using var doc = JsonDocument.Parse(await api.GetStringAsync($"api/services?from={from}"));
            return doc.RootElement.GetProperty("services").EnumerateArray().Sum(s => s.GetProperty("spanCount").GetInt64());
        }

        async Task WaitStoredAsync(long expected)
        {
            while (await StoredAsync() < expected)
            {
                await Task.Delay(50);
            }
        }

        var retries = 0;

        // Time to acknowledge, per request: from its first send to its 200, retries included (what an exporter waits),
        // and the round trip of the attempt that was acknowledged alone (what the server takes to answer yes).
        var untilAcked = new double[Math.Max(payloads.Count, warmupSpans / Math.Max(1, batch))];
        var ackedAttempt = new double[untilAcked.Length];
        async Task SendAllAsync(List<byte[]> all)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < all.Count)
                {
                    var first = Stopwatch.GetTimestamp();
                    while (true)
                    {
                        var attempt = Stopwatch.GetTimestamp();
                        using var content = new ByteArrayContent(all[i]);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                        using var response = await http.PostAsync("v1/traces", content);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            ackedAttempt[i] = Stopwatch.GetElapsedTime(attempt).TotalMilliseconds;
                            untilAcked[i] = Stopwatch.GetElapsedTime(first).TotalMilliseconds;
                            break;
                        }

                        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                        {
                            Interlocked.Increment(ref retries);
                            // Honour Retry-After's spirit but keep the pressure on: the queue drains in well under a second.
                            await Task.Delay(50);
                            continue;
                        }

                        throw new InvalidOperationException($"request {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }));
        }

        var warmupClock = Stopwatch.StartNew();
        await SendAllAsync(warmupPayloads);
        var warmed = warmupPayloads.Count * (long)batch;
        await WaitStoredAsync(warmed);
        var warmupRate = warmed / Math.Max(1e-9, warmupClock.Elapsed.TotalSeconds);
        retries = 0;
        Console.WriteLine($"Warmed up with {warmed:N0} spans; measuring ...");

        // CPU time per span of the server and of this process (the load generator): on a shared two-core machine the rate
        // follows whatever CPU the others leave, the CPU a span costs much less so.
        using var serverProcess = Process.GetProcessById(server.ProcessId);
        var serverCpu = serverProcess.TotalProcessorTime;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await SendAllAsync(payloads);
        var acknowledged = stopwatch.Elapsed;
        var untilAckedMs = untilAcked[..payloads.Count];
        var ackedAttemptMs = ackedAttempt[..payloads.Count];
        Array.Sort(untilAckedMs);
        Array.Sort(ackedAttemptMs);

        // Sustained means stored: wait until the query API counts every span.
        await WaitStoredAsync(warmed + (requests * (long)batch));
        var storedAt = stopwatch.Elapsed;
        serverProcess.Refresh();
        var serverUs = (serverProcess.TotalProcessorTime - serverCpu).TotalMicroseconds / (requests * (double)batch);
        var ownUs = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalMicroseconds / (requests * (double)batch);
        var peak = server.PeakMemoryBytes();
        await server.StopAsync();
        var bytes = Directory.EnumerateFiles(dataPath, "telemetry.duckdb*").Sum(f => new FileInfo(f).Length);
        var total = requests * (long)batch;
        var sustained = total / storedAt.TotalSeconds;

        Console.WriteLine();
        Console.WriteLine($"Warm-up                    : {warmed:N0} spans first, stored at {warmupRate:N0} spans/s from a cold start");
        Console.WriteLine($"Spans sent                 : {total:N0} in {requests:N0} requests over {connections} connections");
        Console.WriteLine($"Acknowledged in            : {acknowledged.TotalSeconds:F2} s ({total / acknowledged.TotalSeconds:N0} spans/s); {retries} retry-later answers");
        Console.WriteLine($"Time to acknowledge        : p50 {Percentile(untilAckedMs, 0.50):F0} ms, p99 {Percentile(untilAckedMs, 0.99):F0} ms, max {untilAckedMs[^1]:F0} ms (first send to 200, retries included)");
        Console.WriteLine($"  the acknowledged attempt : p50 {Percentile(ackedAttemptMs, 0.50):F0} ms, p99 {Percentile(ackedAttemptMs, 0.99):F0} ms");
        Console.WriteLine($"Stored and queryable in    : {storedAt.TotalSeconds:F2} s");
        Console.WriteLine($"Sustained end to end       : {sustained:N0} spans/s");
        Console.WriteLine($"CPU per span               : server {serverUs:F1} µs, load generator {ownUs:F1} µs (decode only: {1e6 / decode.Rate:F1} µs)");
        Console.WriteLine($"Decode-only ceiling        : {decode.Rate:N0} spans/s (end to end is {sustained / decode.Rate:P0} of it)");
        Console.WriteLine($"Receive ceiling over HTTP  : {receive:N0} spans/s (end to end is {sustained / receive:P0} of it)");
        Console.WriteLine($"Server peak memory (VmHWM) : {peak / 1048576.0:N0} MiB");
        Console.WriteLine($"On disk                    : {bytes / 1048576.0:N1} MiB, {bytes / (double)(total + warmed):F1} bytes per span (warm-up included)");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(dataPath, "telemetry.duckdb")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT used_blocks, free_blocks, block_size FROM pragma_database_size()";
            using var reader = command.ExecuteReader();
            reader.Read();
            var used = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) * Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
            var free = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) * Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"  of which used blocks     : {used / (double)(total + warmed):F1} bytes per span (free blocks {free / 1048576.0:N1} MiB, reused by later writes)");
        }
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static (double Rate, double ParseBytes, double MapBytes) DecodeOnly(List<byte[]> payloads)
    {
        // Three passes over the payloads, the median reported: noisy machines. The bytes allocated by the parse and by
        // the mapping are counted apart (they are what the server's GC has to collect per span).
        var rates = new List<double>();
        var options = new Argus.Otlp.OtlpOptions();
        long parseBytes = 0, mapBytes = 0, spans = 0;
        for (var pass = 0; pass < 3; pass++)
        {
            long count = 0;
            var sw = Stopwatch.StartNew();
            foreach (var p in payloads)
            {
                var beforeParse = GC.GetAllocatedBytesForCurrentThread();
                var request = ExportTraceServiceRequest.Parser.ParseFrom(p);
                var beforeMap = GC.GetAllocatedBytesForCurrentThread();
                count += Argus.Otlp.Mapping.OtlpTraceMapper.Map(request, "bench", options).Accepted;
                parseBytes += beforeMap - beforeParse;
                mapBytes += GC.GetAllocatedBytesForCurrentThread() - beforeMap;
            }

            rates.Add(count / sw.Elapsed.TotalSeconds);
            spans += count;
        }

        rates.Sort();
        return (rates[1], parseBytes / (double)spans, mapBytes / (double)spans);
    }

    /// <summary>The value below which <paramref name="fraction"/> of the sorted values lie (nearest rank).</summary>
    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    internal static int Option(string[] args, string name, int defaultValue)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : defaultValue;
    }
}
