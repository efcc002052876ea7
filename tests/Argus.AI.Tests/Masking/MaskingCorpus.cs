using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Argus.AI.Tests.Masking;

/// <summary>One corpus sample: a realistic text and the sensitive values it holds (Corpus/corpus.json).</summary>
public sealed record CorpusSample(string Id, string Category, string Text, string[] Sensitive)
{
    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>Loads the corpus from the source tree (next to this file), so no project change is needed to copy it.</summary>
internal static class MaskingCorpus
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
    private static readonly Lazy<List<CorpusSample>> Samples = new(() => Load(Directory()));

    public static IReadOnlyList<CorpusSample> All => Samples.Value;

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var sample in All)
        {
            data.Add(sample.Id);
        }

        return data;
    }

    public static CorpusSample Get(string id) => All.Single(s => s.Id == id);

    private static List<CorpusSample> Load(string directory)
    {
        var json = File.ReadAllText(Path.Combine(directory, "corpus.json"));
        return JsonSerializer.Deserialize<List<CorpusSample>>(json, JsonOptions)!;
    }

    private static string Directory([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Corpus");
}
