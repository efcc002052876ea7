using Argus.AI.Masking;

namespace Argus.AI.Tests.Masking;

public sealed class CorpusTests
{
    private static readonly SensitiveDataMasker Masker = new(MaskingOptions.Default);

    [Fact]
    public void Corpus_has_at_least_300_samples_each_with_sensitive_values()
    {
        Assert.True(MaskingCorpus.All.Count >= 300, $"corpus has {MaskingCorpus.All.Count} samples");
        Assert.All(MaskingCorpus.All, s => Assert.NotEmpty(s.Sensitive));
        Assert.Equal(MaskingCorpus.All.Count, MaskingCorpus.All.Select(s => s.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Masked_sample_holds_none_of_its_sensitive_values_and_the_echoed_answer_unmasks_exactly(string id)
    {
        var sample = MaskingCorpus.Get(id);
        var session = new MaskingSession("tenant-a");
        var masked = Masker.Mask(sample.Text, session);

        foreach (var value in sample.Sensitive)
        {
            Assert.DoesNotContain(value, masked.Text, StringComparison.Ordinal);
        }

        Assert.NotEmpty(masked.Counts);
        var (answer, expected) = EchoAnswer(sample, session, masked.Text);
        Assert.Equal(expected, session.Unmask(answer, out var counts));
        Assert.Equal(0, counts.Mangled);
        Assert.Equal(sample.Text, session.Unmask(masked.Text));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Echoed_answer_streamed_in_random_chunks_unmasks_exactly(string id)
    {
        var sample = MaskingCorpus.Get(id);
        var session = new MaskingSession("tenant-a");
        var masked = Masker.Mask(sample.Text, session);
        var (answer, expected) = EchoAnswer(sample, session, masked.Text);
        var random = new Random(id.GetHashCode(StringComparison.Ordinal));

        for (var round = 0; round < 5; round++)
        {
            var unmasker = session.CreateStreamingUnmasker();
            var output = new System.Text.StringBuilder();
            var pos = 0;
            while (pos < answer.Length)
            {
                var size = Math.Min(answer.Length - pos, random.Next(1, round == 0 ? 3 : 24));
                output.Append(unmasker.Push(answer.Substring(pos, size)));
                pos += size;
            }

            output.Append(unmasker.Flush());
            Assert.Equal(expected, output.ToString());
            Assert.Equal(0, unmasker.Counts.Mangled);
        }
    }

    public static TheoryData<string> Ids() => MaskingCorpus.Ids();

    /// <summary>A simulated model answer that names each masked value by its token and quotes the whole masked input.</summary>
    internal static (string Answer, string Expected) EchoAnswer(CorpusSample sample, MaskingSession session, string maskedText)
    {
        var answer = new System.Text.StringBuilder("The problem is in ");
        var expected = new System.Text.StringBuilder("The problem is in ");
        foreach (var value in sample.Sensitive)
        {
            if (session.TryGetToken(value, out var token))
            {
                answer.Append(token).Append(", ");
                expected.Append(value).Append(", ");
            }
        }

        answer.Append("see:\n").Append(maskedText).Append("\n(end)");
        expected.Append("see:\n").Append(sample.Text).Append("\n(end)");
        return (answer.ToString(), expected.ToString());
    }
}
