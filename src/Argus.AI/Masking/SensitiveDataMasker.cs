using System.Text;
using Microsoft.Extensions.AI;

namespace Argus.AI.Masking;

/// <summary>
/// Masks sensitive values with the detectors of one <see cref="MaskingOptions"/> (a tenant's, restricted by a role's).
/// Immutable and thread-safe: build one per options and reuse it; the per-request or per-conversation state is the
/// <see cref="MaskingSession"/> passed in.
/// </summary>
public sealed class SensitiveDataMasker
{
    private readonly Scanner _scanner;

    /// <summary>Compiles <paramref name="options"/>; throws <see cref="ArgumentException"/> for an unusable custom pattern.</summary>
    public SensitiveDataMasker(MaskingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _scanner = new Scanner(options);
    }

    /// <summary>The options this masker was built from.</summary>
    public MaskingOptions Options { get; }

    /// <summary>Replaces every sensitive value in <paramref name="text"/> by its token in <paramref name="session"/>.</summary>
    public MaskResult Mask(string text, MaskingSession session)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(session);
        var counts = NewCounts();
        var masked = MaskCore(text, session, counts, spans: null);
        return new MaskResult(masked, ToDictionary(counts)) { ByName = ByName(counts) };
    }

    /// <summary>
    /// Masks a request: the text, reasoning text, tool-call arguments and tool results of every message (system and
    /// assistant messages included, so a history that echoes values stays consistent). Other content (images, files)
    /// passes through unchanged. Returns new messages; the originals are not modified, and
    /// <see cref="ChatMessage.RawRepresentation"/> is dropped so no provider client can send the unmasked original.
    /// </summary>
    public MaskedMessages Mask(IEnumerable<ChatMessage> messages, MaskingSession session)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(session);
        var counts = NewCounts();
        string MaskString(string s) => MaskCore(s, session, counts, spans: null);

        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            var contents = new List<AIContent>(message.Contents.Count);
            foreach (var content in message.Contents)
            {
                contents.Add(content switch
                {
                    TextContent t => new TextContent(MaskString(t.Text)) { AdditionalProperties = t.AdditionalProperties },
                    TextReasoningContent r => new TextReasoningContent(MaskString(r.Text)) { ProtectedData = r.ProtectedData },
                    FunctionCallContent call => new FunctionCallContent(call.CallId, call.Name, MaskArguments(call.Arguments, MaskString)),
                    FunctionResultContent res => new FunctionResultContent(res.CallId, JsonStrings.RewriteValue(res.Result, MaskString)),
                    _ => content,
                });
            }

            var copy = message.Clone();
            copy.Contents = contents;
            copy.RawRepresentation = null;
            result.Add(copy);
        }

        return new MaskedMessages(result, ToDictionary(counts)) { ByName = ByName(counts) };
    }

    /// <summary>
    /// What would be sent for <paramref name="text"/> under <paramref name="options"/>, with the kinds found and their
    /// counts and where they are in the original text. Uses a throw-away session, so tokens differ on every call.
    /// </summary>
    public static MaskPreview Preview(string text, MaskingOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SensitiveDataMasker(options).Preview(text);
    }

    /// <summary>What would be sent for <paramref name="text"/> with these options (see <see cref="Preview(string, MaskingOptions)"/>).</summary>
    public MaskPreview Preview(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = NewCounts();
        var spans = new List<MaskedSpan>();
        var masked = MaskCore(text, new MaskingSession("preview"), counts, spans);
        return new MaskPreview(masked, ToDictionary(counts), spans) { ByName = ByName(counts) };
    }

    private static Dictionary<string, object?>? MaskArguments(IDictionary<string, object?>? arguments, Func<string, string> mask)
    {
        if (arguments is null)
        {
            return null;
        }

        // Keys are the tool's parameter names (the schema), never data; only values are masked.
        var result = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            result[key] = JsonStrings.RewriteValue(value, mask);
        }

        return result;
    }

    private static readonly int KindCount = Enum.GetValues<SensitiveKind>().Length;

    [ThreadStatic]
    private static List<Detection>? t_detections;

    private string MaskCore(string text, MaskingSession session, int[] counts, List<MaskedSpan>? spans)
    {
        var detections = t_detections ??= new List<Detection>(64);
        detections.Clear();
        _scanner.Scan(text, detections);
        if (detections.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + detections.Count * 8);
        var copied = 0;
        using (session.EnterMasking())
        {
            foreach (var d in detections)
            {
                var value = text.AsSpan(d.Start, d.Length);
                if (session.IsToken(value))
                {
                    // Already a token of this session (a history that kept it): leave it, so it unmasks once.
                    continue;
                }

                var token = session.GetOrAddToken(value, d.Shape);
                if (!HasTokenBoundaries(text, d, token))
                {
                    // The token would merge with its neighbours and could not be found again on the way back;
                    // detectors only report whole words, so this is a safety net rather than a path.
                    continue;
                }

                builder.Append(text, copied, d.Start - copied).Append(token);
                copied = d.Start + d.Length;
                counts[d.Label == 0 ? (int)d.Kind : KindCount + d.Label - 1]++;
                spans?.Add(new MaskedSpan(d.Start, d.Length, d.Kind));
            }
        }

        if (copied == 0)
        {
            return text;
        }

        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }

    private static bool HasTokenBoundaries(string text, Detection d, string token)
    {
        var before = d.Start > 0 ? text[d.Start - 1] : ' ';
        var after = d.Start + d.Length < text.Length ? text[d.Start + d.Length] : ' ';
        return !(UnmaskIndex.IsWordChar(before) && UnmaskIndex.IsWordChar(token[0])) &&
               !(UnmaskIndex.IsWordChar(after) && UnmaskIndex.IsWordChar(token[^1]));
    }

    // One slot per kind, then one per label of the scanner's labelled patterns and word lists.
    private int[] NewCounts() => new int[KindCount + _scanner.Labels.Count];

    private static Dictionary<SensitiveKind, int> ToDictionary(int[] counts)
    {
        var result = new Dictionary<SensitiveKind, int>();
        for (var k = 0; k < KindCount; k++)
        {
            if (counts[k] > 0)
            {
                result[(SensitiveKind)k] = counts[k];
            }
        }

        var labelled = 0;
        for (var k = KindCount; k < counts.Length; k++)
        {
            labelled += counts[k];
        }

        if (labelled > 0)
        {
            result[SensitiveKind.Custom] = result.GetValueOrDefault(SensitiveKind.Custom) + labelled;
        }

        return result;
    }

    private Dictionary<string, int> ByName(int[] counts)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < counts.Length; k++)
        {
            if (counts[k] > 0)
            {
                var name = k < KindCount ? ((SensitiveKind)k).Name() : _scanner.Labels[k - KindCount];
                result[name] = result.GetValueOrDefault(name) + counts[k];
            }
        }

        return result;
    }
}

/// <summary>The masked text and the values masked, by kind (for the call log).</summary>
/// <param name="Text">The text as sent.</param>
/// <param name="Counts">Masked occurrences by detector kind; kinds with none are absent.</param>
public sealed record MaskResult(string Text, IReadOnlyDictionary<SensitiveKind, int> Counts)
{
    /// <summary>Masked occurrences by wire name (<see cref="SensitiveKindNames"/>), labelled custom matches under their label.</summary>
    public IReadOnlyDictionary<string, int> ByName { get; init; } = new Dictionary<string, int>();
}

/// <summary>Masked copies of request messages and the values masked, by kind.</summary>
/// <param name="Messages">The messages as sent.</param>
/// <param name="Counts">Masked occurrences by detector kind; kinds with none are absent.</param>
public sealed record MaskedMessages(IList<ChatMessage> Messages, IReadOnlyDictionary<SensitiveKind, int> Counts)
{
    /// <summary>Masked occurrences by wire name (<see cref="SensitiveKindNames"/>), labelled custom matches under their label.</summary>
    public IReadOnlyDictionary<string, int> ByName { get; init; } = new Dictionary<string, int>();
}

/// <summary>The result of <see cref="SensitiveDataMasker.Preview"/>.</summary>
/// <param name="MaskedText">What would be sent.</param>
/// <param name="Kinds">Masked occurrences by kind.</param>
/// <param name="Spans">Where each masked value is in the original text.</param>
public sealed record MaskPreview(string MaskedText, IReadOnlyDictionary<SensitiveKind, int> Kinds, IReadOnlyList<MaskedSpan> Spans)
{
    /// <summary>Masked occurrences by wire name (<see cref="SensitiveKindNames"/>), labelled custom matches under their label.</summary>
    public IReadOnlyDictionary<string, int> ByName { get; init; } = new Dictionary<string, int>();
}

/// <summary>A masked value's position in the original text.</summary>
/// <param name="Start">Offset in the original text.</param>
/// <param name="Length">Length in the original text.</param>
/// <param name="Kind">The detector that found it.</param>
public readonly record struct MaskedSpan(int Start, int Length, SensitiveKind Kind);
