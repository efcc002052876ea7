using System.Reflection;
using Argus.Benchmarks.Ingest;
using BenchmarkDotNet.Running;

// `ingest` and `query` are end-to-end load commands against a real server process (`console` runs the server in-process);
// anything else goes to BenchmarkDotNet (e.g. `--filter *Miner*`).
return args.FirstOrDefault() switch
{
    "ingest" => await IngestLoad.RunAsync(args[1..]),
    "query" => await QueryLoad.RunAsync(args[1..]),
    "store-write" => await StoreWriteLoad.RunAsync(args[1..]),
    "gateway" => await Argus.Benchmarks.Gateway.GatewayLoad.RunAsync(args[1..]),
    "incident" => await Argus.Benchmarks.Alerting.IncidentLoad.RunAsync(args[1..]),
    "console" => await Argus.Benchmarks.ConsolePages.ConsoleLoad.RunAsync(args[1..]),
    "change-check" => await Argus.Benchmarks.ChangeTracking.ChangeCheckLoad.RunAsync(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
    return 0;
}
