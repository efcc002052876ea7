using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Argus.AI.Tests.Masking;

namespace Argus.IntegrationTests.Ai;

/// <summary>
/// Every sample of the masking corpus (tests/Argus.AI.Tests/Masking/Corpus) through a role on the real server to a
/// fake provider that records the outbound request and echoes it: no listed value leaves, and the answer comes back
/// with the originals exactly.
/// </summary>
public sealed class MaskingCorpusTests
{
    private const string EchoPrefix = "Echo: ";

    [Fact]
    public async Task Every_corpus_sample_leaves_masked_and_its_echo_comes_back_exact()
    {
        var samples = MaskingCorpus.All;
        Assert.True(samples.Count >= 300, $"the corpus has {samples.Count} samples");
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        // The case word in the system message ties each outbound request to its sample (plain letters, never masked).
        var role = AiTestHelpers.Role("corpus", [("oai", "ok", null)], systemMessage: "You are a test role. Case {{case}} ends here.");
        role["variables"] = new JsonArray(new JsonObject { ["name"] = "case" });
        await AiTestHelpers.CreateRoleAsync(client, role);

        var outbound = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        fake.Respond = body =>
        {
            var messages = body["messages"]!.AsArray();
            var system = messages.First(m => m!["role"]!.GetValue<string>() is "system" or "developer")!["content"]!.ToString();
            var start = system.IndexOf("Case ", StringComparison.Ordinal) + 5;
            outbound[system[start..system.IndexOf(" ends here.", start, StringComparison.Ordinal)]] = body;
            return EchoPrefix + messages.Last()!["content"]!.ToString();
        };

        var answers = new ConcurrentDictionary<string, (int Status, string? Answer)>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(Enumerable.Range(0, samples.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (status, body) = await AiTestHelpers.ChatAsync(client, "corpus", new
            {
                messages = new[] { new { role = "user", content = samples[i].Text } },
                variables = new Dictionary<string, string> { ["case"] = CaseWord(i) },
            });
            answers[samples[i].Id] = (status, status == 200 ? body.GetProperty("answer").GetString() : body.ToString());
        });

        var failures = new List<string>();
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var (status, answer) = answers[sample.Id];
            if (status != 200)
            {
                failures.Add($"{sample.Id}: HTTP {status} {answer}");
                continue;
            }

            if (!outbound.TryGetValue(CaseWord(i), out var request))
            {
                failures.Add($"{sample.Id}: no outbound request carried case '{CaseWord(i)}' (was the case word masked?)");
                continue;
            }

            // The message contents as the provider decoded them, so escaping in the JSON cannot hide a value.
            var sent = string.Join("\n", request["messages"]!.AsArray().Select(m => m!["content"]!.ToString()));
            foreach (var value in sample.Sensitive.Where(v => sent.Contains(v, StringComparison.Ordinal)))
            {
                failures.Add($"{sample.Id}: '{value}' reached the provider");
            }

            if (answer != EchoPrefix + sample.Text)
            {
                failures.Add($"{sample.Id}: the echoed answer did not come back exact:\n{answer}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} problems over {samples.Count} samples:\n" + string.Join("\n", failures.Take(20)));
        Assert.Equal(samples.Count, outbound.Count);
    }

    /// <summary>A word of lower-case letters, unique per index: "casebcd" and the like.</summary>
    private static string CaseWord(int index)
    {
        var letters = new char[3];
        for (var d = 2; d >= 0; d--)
        {
            letters[d] = (char)('a' + (index % 26));
            index /= 26;
        }

        return "case" + new string(letters);
    }
}
