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
/// <c>--connections N</c> (default 4).
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
        Console.WriteLine($"Decode only (protobuf parse + map to the domain model), one core: {decode:N0} spans/s");
        var receive = await ReceiverCeiling.MeasureAsync(payloads, connections);
        Console.WriteLine($"Receive ceiling (OTLP/HTTP receiver on Kestrel, nothing stored, all cores): {receive:N0} spans/s");

        var dataPath = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        await using var server = await ServerProcess.StartAsync(dataPath);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = server.OtlpHttpUrl, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);

        var next = -1;
        var retries = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < payloads.Count)
            {
                while (true)
                {
                    using var content = new ByteArrayContent(payloads[i]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                    using var response = await http.PostAsync("v1/traces", content);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
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
        }).ToArray();
        await Task.WhenAll(workers);
        var acknowledged = stopwatch.Elapsed;

        // Sustained means stored: wait until the query API counts every span.
        using var api = new HttpClient { BaseAddress = server.ApiUrl };
        api.DefaultRequestHeaders.Add("x-argus-api-key", ServerProcess.Key);
        long stored = 0;
        var from = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        while (stored < requests * (long)batch)
        {
            using var doc = JsonDocument.Parse(await api.GetStringAsync($"api/services?from={from}"));
            stored = doc.RootElement.GetProperty("services").EnumerateArray().Sum(s => s.GetProperty("spanCount").GetInt64());
            if (stored < requests * (long)batch)
            {
                await Task.Delay(50);
            }
        }

        var storedAt = stopwatch.Elapsed;
        var peak = server.PeakMemoryBytes();
        await server.StopAsync();
        var bytes = Directory.EnumerateFiles(dataPath, "telemetry.duckdb*").Sum(f => new FileInfo(f).Length);
        var total = requests * (long)batch;
        var sustained = total / storedAt.TotalSeconds;

        Console.WriteLine();
        Console.WriteLine($"Spans sent                 : {total:N0} in {requests:N0} requests over {connections} connections");
        Console.WriteLine($"Acknowledged in            : {acknowledged.TotalSeconds:F2} s ({total / acknowledged.TotalSeconds:N0} spans/s); {retries} retry-later answers");
        Console.WriteLine($"Stored and queryable in    : {storedAt.TotalSeconds:F2} s");
        Console.WriteLine($"Sustained end to end       : {sustained:N0} spans/s");
        Console.WriteLine($"Decode-only ceiling        : {decode:N0} spans/s (end to end is {sustained / decode:P0} of it)");
        Console.WriteLine($"Receive ceiling over HTTP  : {receive:N0} spans/s (end to end is {sustained / receive:P0} of it)");
        Console.WriteLine($"Server peak memory (VmHWM) : {peak / 1048576.0:N0} MiB");
        Console.WriteLine($"On disk                    : {bytes / 1048576.0:N1} MiB, {bytes / (double)total:F1} bytes per span");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(dataPath, "telemetry.duckdb")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT used_blocks, free_blocks, block_size FROM pragma_database_size()";
            using var reader = command.ExecuteReader();
            reader.Read();
            var used = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) * Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
            var free = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) * Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"  of which used blocks     : {used / (double)total:F1} bytes per span (free blocks {free / 1048576.0:N1} MiB, reused by later writes)");
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

    private static double DecodeOnly(List<byte[]> payloads)
    {
        // Three passes over the payloads, the median reported: noisy machines.
        var rates = new List<double>();
        var options = new Argus.Otlp.OtlpOptions();
        for (var pass = 0; pass < 3; pass++)
        {
            long count = 0;
            var sw = Stopwatch.StartNew();
            foreach (var p in payloads)
            {
                var request = ExportTraceServiceRequest.Parser.ParseFrom(p);
                count += Argus.Otlp.Mapping.OtlpTraceMapper.Map(request, "bench", options).Accepted;
            }

            rates.Add(count / sw.Elapsed.TotalSeconds);
        }

        rates.Sort();
        return rates[1];
    }

    internal static int Option(string[] args, string name, int defaultValue)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : defaultValue;
    }
}
