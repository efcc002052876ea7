using System.Diagnostics;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Trace;
using Argus.Storage.DuckDb;
using DuckDB.NET.Data;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// <c>store-write</c>: the telemetry store's writer alone, fed already-mapped spans in the ingest queue's batch
/// size, then the bytes each column takes on disk. Separates the store's cost from the receivers'.
/// Options: <c>--spans N</c> (default 300,000), <c>--batch N</c> (records per write, default 10,000, as the server).
/// </summary>
internal static class StoreWriteLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var spans = IngestLoad.Option(args, "--spans", 300_000);
        var perWrite = IngestLoad.Option(args, "--batch", 10_000);
        var payloads = SpanPayloads.Create(spans / 1_000, 1_000, DateTimeOffset.UtcNow.AddMinutes(-30));
        var options = new Argus.Otlp.OtlpOptions();
        var batches = payloads.Select(p => Argus.Otlp.Mapping.OtlpTraceMapper.Map(ExportTraceServiceRequest.Parser.ParseFrom(p), "default", options).Batch).ToList();
        var dir = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dir, "telemetry.duckdb");
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        await using (var store = DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = path, MemoryLimitMegabytes = 2048 }))
        {
            var perRequest = Math.Max(1, perWrite / 1_000);
            for (var i = 0; i < batches.Count; i += perRequest)
            {
                var write = Stopwatch.StartNew();
                await store.WriteAsync(batches.Skip(i).Take(perRequest).ToList(), CancellationToken.None);
                times.Add(perRequest * 1_000 / write.Elapsed.TotalSeconds);
            }
        }

        var elapsed = total.Elapsed;
        times.Sort();
        var bytes = Directory.EnumerateFiles(dir, "telemetry.duckdb*").Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"Store writer: {spans / elapsed.TotalSeconds:N0} spans/s overall (incl. close), median write {times[times.Count / 2]:N0} spans/s");
        Console.WriteLine($"On disk: {bytes / (double)spans:F1} bytes per span");

        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT column_name, count(DISTINCT block_id) * 262144 AS bytes, string_agg(DISTINCT compression, ',') AS compression
            FROM pragma_storage_info('spans') WHERE segment_type <> 'VALIDITY' AND block_id >= 0
            GROUP BY column_name ORDER BY bytes DESC
            """;
        using var reader = command.ExecuteReader();
        Console.WriteLine("Blocks touched per column (an upper bound; 256 KiB blocks are shared):");
        while (reader.Read())
        {
            Console.WriteLine($"  {reader.GetString(0),-24} {reader.GetInt64(1) / (double)spans,8:F1} B/span  {reader.GetString(2)}");
        }

        Directory.Delete(dir, recursive: true);
        return 0;
    }
}
