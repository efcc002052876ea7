using System.Diagnostics;
using System.Globalization;
using Argus.Benchmarks.Ingest;
using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Benchmarks.ConsolePages;

/// <summary>
/// <c>console</c>: the server-side time of each console page's data over a large store (issue 15: under 300 ms at p95
/// over 10 million spans). Builds the store once in <c>--data DIR</c> (default: a temporary folder, deleted after) through
/// the server's own ingest path: the real server is built and started in this process (<see cref="ArgusServer.Build"/>),
/// batches go to its <see cref="ITelemetrySink"/> (issue tagging, the bounded queue, the group-committing writers, the
/// DuckDB store). A folder that already holds a store of the asked size is reused. Then each page's reads, on the
/// services the pages themselves use (<see cref="ITelemetryReader"/>, <see cref="IMetricSeriesReader"/>,
/// <see cref="IIssueBoard"/>), <c>--runs N</c> times (default 30) after <c>--warmup N</c> (default 3): median, p95 and
/// the CPU time of the process per call.
/// Options: <c>--spans N</c> (default 10,000,000), <c>--data DIR</c>, <c>--runs N</c>, <c>--warmup N</c>, <c>--only TEXT</c>
/// (the cases whose name contains it).
/// </summary>
internal static class ConsoleLoad
{
    private const double TargetMs = 300;
    private const string ManifestName = "console-bench.txt";

    public static async Task<int> RunAsync(string[] args)
    {
        var spans = IngestLoad.Option(args, "--spans", 10_000_000);
        var runs = IngestLoad.Option(args, "--runs", 30);
        var warmup = IngestLoad.Option(args, "--warmup", 3);
        var only = StringOption(args, "--only");
        var given = StringOption(args, "--data");
        var dataPath = Path.GetFullPath(given ?? Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(dataPath);

        var manifest = Manifest.Read(dataPath);
        if (manifest is null && File.Exists(Path.Combine(dataPath, "telemetry.duckdb")))
        {
            Console.WriteLine($"{dataPath} holds a store that was not finished (no {ManifestName}): delete it or pass another --data folder.");
            return 2;
        }

        if (manifest is not null && manifest.Spans != spans)
        {
            Console.WriteLine($"{dataPath} holds a store of {manifest.Spans:N0} spans, not {spans:N0}: pass another --data folder.");
            return 2;
        }

        await using (var app = await StartAsync(dataPath))
        {
            if (manifest is null)
            {
                manifest = await BuildAsync(app, dataPath, spans);
            }
            else
            {
                Console.WriteLine($"Reusing the store in {dataPath}: {manifest.Spans:N0} spans, {manifest.Start:u} to {manifest.End:u}");
            }

            var cases = Cases(app.Services, manifest).Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
            Console.WriteLine();
            Console.WriteLine($"{"page data",-52} {"median ms",10} {"p95 ms",10} {"max ms",10} {"CPU ms",8} {"rows",8}  target");
            var failed = 0;
            foreach (var c in cases)
            {
                var rows = 0;
                for (var i = 0; i < warmup; i++)
                {
                    rows = await c.Run();
                }

                var times = new List<double>(runs);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < runs; i++)
                {
                    var sw = Stopwatch.StartNew();
                    rows = await c.Run();
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }

                var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
                times.Sort();
                var p95 = times[Math.Max(0, (int)Math.Ceiling(0.95 * times.Count) - 1)];
                var pass = !c.Target || p95 < TargetMs;
                failed += pass ? 0 : 1;
                Console.WriteLine($"{c.Name,-52} {times[times.Count / 2],10:F1} {p95,10:F1} {times[^1],10:F1} {cpuPerCall,8:F1} {rows,8}  {(c.Target ? pass ? "pass" : "FAIL" : "-")}");
            }

            Console.WriteLine();
            Console.WriteLine(failed == 0 ? $"Every page's data under {TargetMs} ms at p95." : $"{failed} case(s) at or over {TargetMs} ms at p95.");
            await app.StopAsync();
        }

        if (given is null)
        {
            Directory.Delete(dataPath, recursive: true);
        }

        return 0;
    }

    /// <summary>The real server on loopback ports of the system's choosing, its stores prepared and its hosted services running.</summary>
    private static async Task<WebApplication> StartAsync(string dataPath)
    {
        var app = ArgusServer.Build(
        [
            $"--Argus:DataPath={dataPath}",
            $"--Argus:BootstrapApiKey={ServerProcess.Key}",
            "--Argus:Retention:MaxAge=30.00:00:00",
            "--Argus:Retention:MaxSizeBytes=0",
            "--Kestrel:Endpoints:Api:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:OtlpGrpc:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:OtlpGrpc:Protocols=Http2",
            "--Kestrel:Endpoints:OtlpHttp:Url=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await ArgusServer.InitializeAsync(app);
        await app.StartAsync();
        return app;
    }

    private static async Task<Manifest> BuildAsync(WebApplication app, string dataPath, int spans)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var start = end.AddHours(-24);
        var bigTraces = new List<(TraceId, int, DateTimeOffset)>
        {
            (new TraceId(new UInt128(0x1000, 1)), 1_000, end.AddMinutes(-30)),
            (new TraceId(new UInt128(0x1000, 2)), 10_000, end.AddMinutes(-40)),
        };
        var data = new ConsoleData(start, end);
        var sink = app.Services.GetRequiredService<ITelemetrySink>();
        Console.WriteLine($"Writing {spans:N0} spans over 24 h (with their logs), then metrics, through the server's ingest sink ...");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var (spanCount, logCount, _) = await WriteAsync(sink, data.Traces(spans, 10_000, bigTraces), sw);
        var spanSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"\r  {spanCount:N0} spans and {logCount:N0} logs in {spanSeconds:F0} s: {spanCount / spanSeconds:N0} spans/s, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / spanCount:F1} µs CPU per span (generation included)");
        var metricWatch = Stopwatch.StartNew();
        var (_, _, points) = await WriteAsync(sink, data.Metrics(10_000), sw);
        Console.WriteLine($"\r  {points:N0} metric points in {metricWatch.Elapsed.TotalSeconds:F0} s: {points / metricWatch.Elapsed.TotalSeconds:N0} points/s");
        var bytes = Directory.EnumerateFiles(dataPath, "telemetry.duckdb*").Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"  built in {sw.Elapsed.TotalSeconds:F0} s; {bytes / 1048576.0:N0} MiB on disk (WAL included)");
        var manifest = new Manifest(spans, start, end, bigTraces[0].Item1, bigTraces[1].Item1);
        manifest.Write(dataPath);
        return manifest;
    }

    /// <summary>Offers the batches to the sink, a few in flight as concurrent exporters would; a full queue is retried.</summary>
    private static async Task<(long Spans, long Logs, long Points)> WriteAsync(ITelemetrySink sink, IEnumerable<TelemetryBatch> batches, Stopwatch sw)
    {
        const int InFlight = 3;
        var pending = new List<Task>();
        long spans = 0, logs = 0, points = 0;
        foreach (var batch in batches)
        {
            if (pending.Count >= InFlight)
            {
                var done = await Task.WhenAny(pending);
                pending.Remove(done);
                await done;
            }

            pending.Add(OfferAsync(sink, batch));
            spans += batch.Spans.Count;
            logs += batch.Logs.Count;
            points += batch.Metrics.Count;
            if ((spans + points) % 500_000 < 10_000)
            {
                Console.Write($"\r  {spans:N0} spans, {points:N0} points, {sw.Elapsed.TotalSeconds:F0} s");
            }
        }

        await Task.WhenAll(pending);
        return (spans, logs, points);
    }

    private static async Task OfferAsync(ITelemetrySink sink, TelemetryBatch batch)
    {
        while (true)
        {
            var outcome = await sink.AcceptAsync(batch, CancellationToken.None);
            if (outcome == IngestOutcome.Accepted)
            {
                return;
            }

            if (outcome != IngestOutcome.QueueFull)
            {
                throw new InvalidOperationException($"The sink answered {outcome}.");
            }

            await Task.Delay(20);
        }
    }

    private sealed record Case(string Name, bool Target, Func<Task<int>> Run);

    /// <summary>The reads each page does (see src/Argus.Web/Components/Pages), over the last hour and the whole day.</summary>
    private static IEnumerable<Case> Cases(IServiceProvider services, Manifest m)
    {
        var reader = services.GetRequiredService<ITelemetryReader>();
        var metrics = services.GetRequiredService<IMetricSeriesReader>();
        var board = services.GetRequiredService<IIssueBoard>();
        const string T = ConsoleData.Tenant;
        var none = CancellationToken.None;
        var day = new TimeRange(m.End.AddHours(-24), m.End);
        var hour = new TimeRange(m.End.AddHours(-1), m.End);
        var service = ConsoleData.ServiceName(1);

        // Home (src/Argus.Web/Model/HomeFigures.cs): the services, then every service's RED over the range (one point per
        // endpoint) and in the sparklines' steps in one read, and over the same window a day and a week before (the change column).
        async Task<int> Home(TimeRange range)
        {
            var rows = (await reader.GetServicesAsync(T, range, none)).Count;
            rows += (await reader.GetServicesRedAsync(T, range, [range.Duration, IssueTrend.StepFor(range.Duration, 30)], none)).Count;
            foreach (var back in new[] { TimeSpan.FromDays(1), TimeSpan.FromDays(7) })
            {
                rows += (await reader.GetServicesRedAsync(T, Shift(range, back), [range.Duration], none)).Count;
            }

            return rows;
        }

        // The home's reads before they were batched: the same four RED reads, one service at a time (for comparison).
        async Task<int> HomePerService(TimeRange range)
        {
            var rows = 0;
            var services = await reader.GetServicesAsync(T, range, none);
            foreach (var s in services)
            {
                rows += (await reader.GetRedAsync(T, new RedQuery(s.Name, range, range.Duration), none)).Count;
                rows += (await reader.GetRedAsync(T, new RedQuery(s.Name, range, IssueTrend.StepFor(range.Duration, 30)), none)).Count;
                foreach (var back in new[] { TimeSpan.FromDays(1), TimeSpan.FromDays(7) })
                {
                    rows += (await reader.GetRedAsync(T, new RedQuery(s.Name, Shift(range, back), range.Duration), none)).Count;
                }
            }

            return rows;
        }

        foreach (var (label, range) in new[] { ("1 h", hour), ("24 h", day) })
        {
            yield return new($"home: services + RED of all, day/week before, {label}", true, () => Home(range));
            yield return new($"home, one service at a time (before), {label}", false, () => HomePerService(range));
            yield return new($"service: RED ~100 steps + endpoints + SQL, {label}", true, async () =>
                (await reader.GetServicesAsync(T, range, none)).Count
                + (await reader.GetRedAsync(T, new RedQuery(service, range, range.Duration / 100), none)).Count
                + (await reader.GetRedAsync(T, new RedQuery(service, range, range.Duration), none)).Count
                + (await reader.GetSqlStatementsAsync(T, new SqlQuery(range, service, SqlOrder.Total, 10), none)).Count);
            yield return new($"traces: search, service, > 500 ms, {label}", true, async () =>
                (await reader.GetServicesAsync(T, range, none)).Count
                + (await reader.SearchTracesAsync(T, new TraceQuery(range, service, MinDurationMs: 500, Limit: 50), none)).Count);
            yield return new($"traces: search, no filter, {label}", true, async () =>
                (await reader.SearchTracesAsync(T, new TraceQuery(range, Limit: 50), none)).Count);
            yield return new($"logs: text 'failed' + severity >= WARN, {label}", true, async () =>
                (await reader.SearchLogsAsync(T, new LogQuery(range, MinSeverity: 13, Text: "failed", Limit: 100), none)).Count);
            yield return new($"logs: no filter, {label}", true, async () =>
                (await reader.SearchLogsAsync(T, new LogQuery(range, Limit: 100), none)).Count);
            var step = range.Duration / 100;
            yield return new($"metric: gauge avg by memory.type, {label}", true, () =>
                Series(metrics, "process.memory.usage", range, step, MetricAggregation.Avg, null, ["memory.type"]));
            yield return new($"metric: counter rate by http.route, {label}", true, () =>
                Series(metrics, "http.server.requests", range, step, MetricAggregation.Rate, null, ["http.route"]));
            yield return new($"metric: histogram p95 per service, {label}", true, () =>
                Series(metrics, "http.server.request.duration", range, step, MetricAggregation.P95, null, null));
            yield return new($"metric: histogram p95 by route, 1 service, {label}", true, () =>
                Series(metrics, "http.server.request.duration", range, step, MetricAggregation.P95, service, ["http.route"]));
            yield return new($"sql: statements by total, {label}", true, async () =>
                (await reader.GetSqlStatementsAsync(T, new SqlQuery(range), none)).Count);
            yield return new($"issues: top 50 by count, {label}", true, async () =>
                (await board.GetIssuesAsync(T, new IssueListQuery(range, Shift(range, range.Duration), range.From, null, 0, IssueSort.Count, 50), none)).Count);
        }

        yield return new("trace detail: 1,000 spans", true, async () => (await reader.GetTraceAsync(T, m.Trace1k, none)).Count);
        yield return new("trace detail: 10,000 spans (store part of the 2 s)", false, async () => (await reader.GetTraceAsync(T, m.Trace10k, none)).Count);
    }

    private static async Task<int> Series(IMetricSeriesReader metrics, string name, TimeRange range, TimeSpan step, MetricAggregation aggregation, string? service, IReadOnlyList<string>? groupBy)
    {
        var metric = await metrics.DescribeMetricAsync(ConsoleData.Tenant, name, service, range, CancellationToken.None)
            ?? throw new InvalidOperationException($"No metric {name} in the store.");
        var result = await metrics.QueryMetricSeriesAsync(ConsoleData.Tenant, metric, new MetricSeriesQuery(name, range, step, aggregation, service, groupBy), CancellationToken.None);
        return result.Series.Sum(s => s.Points.Count);
    }

    private static TimeRange Shift(TimeRange range, TimeSpan back) => new(range.From - back, range.To - back);

    private static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>What a built store holds, so a later run reuses it and asks about the same times and traces.</summary>
    private sealed record Manifest(int Spans, DateTimeOffset Start, DateTimeOffset End, TraceId Trace1k, TraceId Trace10k)
    {
        public static Manifest? Read(string dataPath)
        {
            var path = Path.Combine(dataPath, ManifestName);
            if (!File.Exists(path))
            {
                return null;
            }

            var f = File.ReadAllLines(path);
            return new Manifest(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(f[2], CultureInfo.InvariantCulture),
                TraceId.TryParse(f[3], out var a) ? a : throw new InvalidDataException(path),
                TraceId.TryParse(f[4], out var b) ? b : throw new InvalidDataException(path));
        }

        public void Write(string dataPath) => File.WriteAllLines(Path.Combine(dataPath, ManifestName),
        [
            Spans.ToString(CultureInfo.InvariantCulture), Start.ToString("O", CultureInfo.InvariantCulture), End.ToString("O", CultureInfo.InvariantCulture),
            Trace1k.ToString(), Trace10k.ToString(),
        ]);
    }
}
