using System.Text;
using System.Text.Json;
using Argus.AI.Masking;
using BenchmarkDotNet.Attributes;

namespace Argus.Benchmarks.Masking;

/// <summary>
/// Masking and unmasking throughput on one core over the masking test corpus
/// (tests/Argus.AI.Tests/Masking/Corpus/corpus.json, every detector on including SQL identifiers). One invocation
/// processes every sample once; MB/s = <see cref="CorpusBytes"/> (UTF-8) / Mean. Target: at least 50 MB/s for masking.
/// Run: <c>dotnet run -c Release -- --filter *Masking*</c>.
/// </summary>
/// <remarks>
/// <c>Mask</c> is the steady state of a conversation (values already mapped); <c>MaskNewSession</c> starts a fresh
/// session per invocation, so drawing every token from the cryptographic generator is included.
/// </remarks>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private string[] _texts = [];
    private string[] _masked = [];
    private string[] _answers = [];
    private SensitiveDataMasker _masker = null!;
    private MaskingSession _session = null!;

    /// <summary>UTF-8 bytes of the corpus texts (one invocation's input).</summary>
    public static long CorpusBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _texts = LoadCorpus();
        CorpusBytes = _texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        _masker = new SensitiveDataMasker(MaskingOptions.All);
        _session = new MaskingSession("bench");
        _masked = [.. _texts.Select(t => _masker.Mask(t, _session).Text)];
        _answers = [.. _masked.Select(m => "The problem is in the following:\n" + m)];
        Console.WriteLine($"// corpus: {_texts.Length} samples, {CorpusBytes} UTF-8 bytes");
    }

    [Benchmark]
    public int Mask()
    {
        var total = 0;
        foreach (var text in _texts)
        {
            total += _masker.Mask(text, _session).Text.Length;
        }

        return total;
    }

    [Benchmark]
    public int MaskNewSession()
    {
        var session = new MaskingSession("bench");
        var total = 0;
        foreach (var text in _texts)
        {
            total += _masker.Mask(text, session).Text.Length;
        }

        return total;
    }

    [Benchmark]
    public int Unmask()
    {
        var total = 0;
        foreach (var answer in _answers)
        {
            total += _session.Unmask(answer).Length;
        }

        return total;
    }

    [Benchmark]
    public int UnmaskStreaming()
    {
        var total = 0;
        foreach (var answer in _answers)
        {
            var unmasker = _session.CreateStreamingUnmasker();
            for (var i = 0; i < answer.Length; i += 16)
            {
                total += unmasker.Push(answer.Substring(i, Math.Min(16, answer.Length - i))).Length;
            }

            total += unmasker.Flush().Length;
        }

        return total;
    }

    internal static string[] LoadCorpus()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Argus.slnx")))
        {
            dir = dir.Parent;
        }

        var path = dir is null ? null : Path.Combine(dir.FullName, "tests", "Argus.AI.Tests", "Masking", "Corpus", "corpus.json");
        if (path is null || !File.Exists(path))
        {
            throw new InvalidOperationException($"Masking corpus not found (tests/Argus.AI.Tests/Masking/Corpus/corpus.json above {AppContext.BaseDirectory}).");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("text").GetString()!)];
    }
}
