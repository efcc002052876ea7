using Argus.Analysis.Logs;
using BenchmarkDotNet.Attributes;

namespace Argus.Benchmarks.Logs;

/// <summary>
/// Lines per second through <see cref="LogTemplateMiner"/> on one core, over the Loghub-2k contents of all eight
/// systems (16,000 lines) concatenated and repeated. Reported times are per line: lines/s = 1e9 / Mean(ns).
/// Target: at least 100,000 lines/s (Mean at most 10,000 ns). Run: <c>dotnet run -c Release -- --filter *Miner*</c>.
/// </summary>
/// <remarks>
/// <c>Warm</c> measures the steady state (all templates known, the common production case); <c>Cold</c> starts from an
/// empty miner each invocation so template creation and generalisation are included.
/// </remarks>
[MemoryDiagnoser]
public class LogTemplateMinerBenchmarks
{
    private const int Repeats = 4;

    private static readonly (string Name, string Format)[] Systems =
    [
        ("HDFS", "<Date> <Time> <Pid> <Level> <Component>: <Content>"),
        ("Hadoop", @"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>"),
        ("Spark", "<Date> <Time> <Level> <Component>: <Content>"),
        ("BGL", "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>"),
        ("HPC", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>"),
        ("Linux", @"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>"),
        ("Proxifier", @"\[<Time>\] <Program> - <Content>"),
        ("Mac", @"<Month>  <Date> <Time> <User> <Component>\[<PID>\]( \(<Address>\))?: <Content>"),
    ];

    private string[] _lines = [];
    private LogTemplateMiner _warm = new();

    /// <summary>Lines per benchmark invocation (16,000 Loghub contents × <see cref="Repeats"/>).</summary>
    public const int LinesPerInvoke = 16_000 * Repeats;

    [GlobalSetup]
    public void Setup()
    {
        var data = DataDirectory();
        var contents = new List<string>();
        foreach (var (name, format) in Systems)
        {
            var splitter = LoghubFormat.Parse(format);
            foreach (var line in File.ReadLines(Path.Combine(data, name, name + "_2k.log")))
            {
                splitter.TryGetContent(line, out var content);
                contents.Add(content);
            }
        }

        _lines = Enumerable.Repeat(contents, Repeats).SelectMany(c => c).Take(LinesPerInvoke).ToArray();
        _warm = new LogTemplateMiner();
        foreach (var line in _lines)
        {
            _warm.Add(line);
        }
    }

    [Benchmark(OperationsPerInvoke = LinesPerInvoke)]
    public int Warm()
    {
        var sum = 0;
        foreach (var line in _lines)
        {
            sum += (int)_warm.Add(line).Change;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = LinesPerInvoke)]
    public int Cold()
    {
        var miner = new LogTemplateMiner();
        var sum = 0;
        foreach (var line in _lines)
        {
            sum += (int)miner.Add(line).Change;
        }

        return sum;
    }

    private static string DataDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Argus.slnx")))
        {
            dir = dir.Parent;
        }

        var data = dir is null ? null : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "loghub-2k"));
        return data is not null && Directory.Exists(data)
            ? data
            : throw new InvalidOperationException($"Loghub-2k data not found (../shared/data/loghub-2k next to Argus.slnx above {AppContext.BaseDirectory}).");
    }
}
