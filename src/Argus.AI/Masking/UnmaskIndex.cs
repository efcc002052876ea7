using System.Buffers;
using System.Text;

namespace Argus.AI.Masking;

/// <summary>
/// An immutable snapshot of a session's tokens for unmasking. Every token is at least <see cref="ProbeLength"/>
/// characters long, so one vectorised <see cref="SearchValues{T}"/> search over the first <see cref="ProbeLength"/>
/// characters of every token finds candidates; the full token is then confirmed by a span dictionary look-up, longest
/// first. Probes match case-insensitively so that a token the model re-cased is noticed (and counted) rather than
/// silently passed through.
/// </summary>
internal sealed class UnmaskIndex
{
    /// <summary>The minimum token length, and the length of the search probes.</summary>
    public const int ProbeLength = 8;

    public static readonly UnmaskIndex Empty = new(new Dictionary<string, string>(StringComparer.Ordinal), -1);

    private readonly SearchValues<string> _probes;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lengths;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly string[] _sorted;

    public UnmaskIndex(Dictionary<string, string> tokenToOriginal, long version)
    {
        Version = version;
        var exact = new Dictionary<string, string>(tokenToOriginal, StringComparer.Ordinal);
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        var lengths = new Dictionary<string, int[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in tokenToOriginal.Keys.GroupBy(t => t[..ProbeLength], StringComparer.OrdinalIgnoreCase))
        {
            lengths[group.Key] = [.. group.Select(t => t.Length).Distinct().OrderDescending()];
        }

        _lengths = lengths.GetAlternateLookup<ReadOnlySpan<char>>();
        _probes = SearchValues.Create([.. lengths.Keys], StringComparison.OrdinalIgnoreCase);
        _sorted = [.. tokenToOriginal.Keys.Order(StringComparer.OrdinalIgnoreCase)];
        FirstChars = SearchValues.Create([.. _sorted.SelectMany(t => new[] { char.ToLowerInvariant(t[0]), char.ToUpperInvariant(t[0]) }).Distinct()]);
        MaxLength = _sorted.Length == 0 ? 0 : _sorted.Max(t => t.Length);
    }

    /// <summary>The session version this snapshot was built from.</summary>
    public long Version { get; }

    /// <summary>The first characters of all tokens, in both cases (a cheap filter for the streaming hold-back).</summary>
    public SearchValues<char> FirstChars { get; }

    /// <summary>The longest token.</summary>
    public int MaxLength { get; }

    /// <summary>Whether there is nothing to unmask.</summary>
    public bool IsEmpty => _sorted.Length == 0;

    /// <summary>
    /// Copies <paramref name="text"/> to <paramref name="output"/> (created on the first replacement), replacing tokens
    /// that start before <paramref name="limit"/>. <paramref name="previous"/> is the character before the text (for
    /// the word-boundary check across stream chunks). Returns how much of the text was consumed: at least
    /// <paramref name="limit"/>, more when a token starting before it ends after it.
    /// </summary>
    public int Process(ReadOnlySpan<char> text, int limit, char previous, ref StringBuilder? output, ref int restored, ref int mangled)
    {
        var pos = 0;
        var copied = 0;
        var mangledUntil = 0;
        while (pos < limit)
        {
            var rel = text[pos..].IndexOfAny(_probes);
            if (rel < 0 || pos + rel >= limit)
            {
                break;
            }

            var at = pos + rel;
            var before = at > 0 ? text[at - 1] : previous;
            if (IsWordChar(before) && IsWordChar(text[at]))
            {
                // Inside a longer word: not a token (tokens are whole words in the masked text).
                pos = at + 1;
                continue;
            }

            var matched = false;
            if (_lengths.TryGetValue(text.Slice(at, ProbeLength), out var lengths))
            {
                foreach (var length in lengths)
                {
                    if (at + length > text.Length)
                    {
                        continue;
                    }

                    var candidate = text.Slice(at, length);
                    if (_exact.TryGetValue(candidate, out var original) &&
                        (at + length == text.Length || !IsWordChar(candidate[^1]) || !IsWordChar(text[at + length])))
                    {
                        output ??= new StringBuilder(text.Length + 64);
                        output.Append(text[copied..at]).Append(original);
                        copied = pos = at + length;
                        restored++;
                        matched = true;
                        break;
                    }
                }
            }

            if (!matched)
            {
                // Token-shaped (a token's first characters, any case) but not a token: the model changed its case,
                // truncated or extended it. Left as is, and counted once (overlapping probes are the same mangled
                // token); the search goes on from the next character so a real token inside is still found.
                if (at >= mangledUntil)
                {
                    mangled++;
                }

                mangledUntil = at + ProbeLength;
                pos = at + 1;
            }
        }

        var end = Math.Max(limit, pos);
        if (output is not null)
        {
            output.Append(text[copied..end]);
        }

        return end;
    }

    /// <summary>Whether <paramref name="text"/> is the start of some token (or a whole token), ignoring case.</summary>
    public bool IsTokenPrefix(ReadOnlySpan<char> text)
    {
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (MemoryExtensions.CompareTo(_sorted[mid], text, StringComparison.OrdinalIgnoreCase) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < _sorted.Length && _sorted[lo].AsSpan().StartsWith(text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Word characters for token boundaries: ASCII letters and digits only, so Hangul particles
    /// (<c>010-1234-5678로</c>) and punctuation end a token.</summary>
    public static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c);
}
