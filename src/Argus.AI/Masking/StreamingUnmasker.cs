using System.Text;

namespace Argus.AI.Masking;

/// <summary>
/// Unmasks a streamed answer chunk by chunk. It holds back the shortest suffix that could still be the start of a
/// token (at most one token's length), so a token split across chunks is restored whole; <see cref="Flush"/> releases
/// the rest at the end of the stream. Not thread-safe: one instance per stream.
/// </summary>
public sealed class StreamingUnmasker
{
    private readonly MaskingSession _session;
    private readonly StringBuilder _pending = new();
    private char _previous;

    internal StreamingUnmasker(MaskingSession session) => _session = session;

    /// <summary>Totals for this stream so far.</summary>
    public UnmaskCounts Counts { get; private set; }

    /// <summary>Adds a chunk and returns the text that can be released now (possibly empty).</summary>
    public string Push(string chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var index = _session.GetIndex();
        if (index.IsEmpty)
        {
            return _pending.Length == 0 ? chunk : Drain(chunk);
        }

        _pending.Append(chunk);
        var text = _pending.ToString();
        var hold = HoldFrom(index, text);
        return Release(index, text, hold);
    }

    /// <summary>Releases everything held back (call once at the end of the stream).</summary>
    public string Flush()
    {
        var text = _pending.ToString();
        if (text.Length == 0)
        {
            return text;
        }

        return Release(_session.GetIndex(), text, text.Length);
    }

    private string Drain(string chunk)
    {
        _pending.Append(chunk);
        var text = _pending.ToString();
        _pending.Clear();
        _previous = text[^1];
        return text;
    }

    private string Release(UnmaskIndex index, string text, int limit)
    {
        if (limit == 0)
        {
            return "";
        }

        StringBuilder? output = null;
        int restored = 0, mangled = 0;
        var consumed = index.Process(text, limit, _previous, ref output, ref restored, ref mangled);
        Counts += _session.Record(restored, mangled);
        _pending.Clear();
        _pending.Append(text, consumed, text.Length - consumed);
        _previous = text[consumed - 1];
        return output?.ToString() ?? text[..consumed];
    }

    private int HoldFrom(UnmaskIndex index, string text)
    {
        // A suffix is held when it could still become a token: it is a (case-insensitive) prefix of a token, or a whole
        // token whose right boundary is not yet known.
        var from = Math.Max(0, text.Length - index.MaxLength);
        for (var start = from; start < text.Length; start++)
        {
            var skip = text.AsSpan(start).IndexOfAny(index.FirstChars);
            if (skip < 0)
            {
                break;
            }

            start += skip;
            var before = start > 0 ? text[start - 1] : _previous;
            if (UnmaskIndex.IsWordChar(before) && UnmaskIndex.IsWordChar(text[start]))
            {
                continue;
            }

            if (index.IsTokenPrefix(text.AsSpan(start)))
            {
                return start;
            }
        }

        return text.Length;
    }
}
