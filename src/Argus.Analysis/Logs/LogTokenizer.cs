namespace Argus.Analysis.Logs;

/// <summary>
/// Splits a log body into words and masks the parts of each word whose shape says "value" (numbers, hex, addresses,
/// paths, URLs, identifiers mixing letters and digits), so that clustering compares constant text only.
/// </summary>
/// <remarks>
/// Masking works below the word: a word is cut at delimiters (<c>= : , ( ) [ ] { } # / | @ ; &lt; &gt;</c> and quotes) and
/// only the value-shaped pieces become <c>&lt;*&gt;</c>, so <c>uid=0</c> becomes <c>uid=&lt;*&gt;</c> and the template
/// keeps the original constant text. No rule here knows any particular system's vocabulary; every rule is a shape.
/// The methods are pure and allocation-light: a word that needs no masking is returned as the same instance.
/// </remarks>
internal static class LogTokenizer
{
    public const string Wildcard = "<*>";

    private const string LeadingWrap = "([{<'\"";
    private const string TrailingWrap = ")]}>'\",;:.!?";

    /// <summary>Splits <paramref name="content"/> on whitespace and masks each word into <paramref name="output"/>.</summary>
    /// <remarks>Lines longer than <paramref name="maxTokens"/> words keep their first <c>maxTokens - 1</c> words and end in
    /// one wildcard, which bounds both the tree and the templates whatever a producer sends.</remarks>
    public static void Tokenize(string content, List<string> output, int maxTokens, int maxTokenLength)
    {
        output.Clear();
        var span = content.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (i >= span.Length)
            {
                break;
            }

            var start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (output.Count == maxTokens - 1)
            {
                output.Add(Wildcard);
                return;
            }

            var length = i - start;
            output.Add(length > maxTokenLength ? Wildcard : MaskWord(content.Substring(start, length)));
        }

        if (output.Count == 0)
        {
            // An empty body is one (empty) word, so that it has a template like any other line.
            output.Add(string.Empty);
            return;
        }

        MaskTimestampWords(output);
        MergeQuantities(output);
    }

    /// <summary>Masks one whitespace-free word; returns the same instance when nothing in it is value-shaped.</summary>
    public static string MaskWord(string word)
    {
        var span = word.AsSpan();
        var start = 0;
        while (start < span.Length && LeadingWrap.Contains(span[start]))
        {
            start++;
        }

        var end = span.Length;
        while (end > start && TrailingWrap.Contains(span[end - 1]))
        {
            end--;
        }

        if (end <= start)
        {
            return word;
        }

        var core = span[start..end];
        if (!HasDigitOrSlash(core))
        {
            // Pure words (letters, '-', '_', '.') are constants; this is the hot path and must not allocate.
            return word;
        }

        if (IsWholeValue(core))
        {
            // A path or URL may end in '.', which the trailing-punctuation trim took off; only ',;:)' etc. follow it.
            var tail = span[end..];
            if (core[0] == '/' || core.Contains("://", StringComparison.Ordinal))
            {
                tail = tail.TrimStart('.');
            }

            return string.Concat(span[..start], Wildcard, tail);
        }

        return MaskPieces(word, span, start, end);
    }

    private static bool HasDigitOrSlash(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c) || c == '/' || c == '\\')
            {
                return true;
            }
        }

        return false;
    }

    private static string MaskPieces(string word, ReadOnlySpan<char> span, int start, int end)
    {
        // Cut the core at delimiters and mask the value part of each piece; keep delimiters and the wrapping text.
        var builder = new System.Text.StringBuilder(word.Length + 8);
        builder.Append(span[..start]);
        var changed = false;
        var hasLetters = false;
        var i = start;
        while (i < end)
        {
            var c = span[i];
            if (c == '/' && i > start && span[i - 1] is '(' or '=' or ':' or '[' && i + 1 < end && span[i + 1] != '/')
            {
                // A path after "(", "=" or ":" runs to the closing bracket or the end: chdir(/a/b), path:/var/log/x.
                while (i < end && span[i] is not (')' or ']' or ',' or ';' or '"' or '\''))
                {
                    i++;
                }

                builder.Append(Wildcard);
                changed = true;
                continue;
            }

            if (IsDelimiter(c))
            {
                builder.Append(c);
                i++;
                continue;
            }

            var pieceStart = i;
            while (i < end && !IsDelimiter(span[i]))
            {
                i++;
            }

            var piece = span[pieceStart..i];
            if (i + 1 < end && span[i] == ':' && char.IsAsciiDigit(span[i + 1]) && IsIPv4(piece))
            {
                // ip:port inside a longer word ("10.0.0.1:50010:Got") is one value.
                i++;
                while (i < end && char.IsAsciiDigit(span[i]))
                {
                    i++;
                }

                builder.Append(Wildcard);
                changed = true;
                continue;
            }

            if (MaskPiece(piece, builder))
            {
                changed = true;
                hasLetters |= builder.Length > 0 && builder[^1] != '>' || ContainsLetter(piece[..LetterPrefixLength(piece)]);
            }
            else
            {
                builder.Append(piece);
                hasLetters |= ContainsLetter(piece);
            }
        }

        if (!changed)
        {
            return word;
        }

        if (!hasLetters)
        {
            // Only values and punctuation: the whole core is one value (times, ratios, coordinates).
            return string.Concat(span[..start], Wildcard, span[end..]);
        }

        builder.Append(span[end..]);
        return builder.ToString();
    }

    /// <summary>
    /// Appends the masked form of a piece that holds a value and returns <see langword="true"/>; returns
    /// <see langword="false"/> (appending nothing) when the piece is constant. A leading name joined by '-' or '.'
    /// (<c>node-129</c>, <c>core.2275</c>, <c>instruction......0</c>) and a trailing file extension
    /// (<c>25037.log</c>) stay constant around the value.
    /// </summary>
    private static bool MaskPiece(ReadOnlySpan<char> piece, System.Text.StringBuilder builder)
    {
        if (!IsValuePiece(piece))
        {
            return false;
        }

        var prefix = LetterPrefixLength(piece);
        var middle = piece[prefix..];
        var suffix = middle.Length;
        var dot = middle.LastIndexOf('.');
        if (dot > 0 && dot < middle.Length - 1 && AllLetters(middle[(dot + 1)..]) && IsNumberLike(middle[..dot]))
        {
            suffix = dot;
        }

        if (prefix > 0 && !IsValuePiece(middle[..suffix]))
        {
            // The part after the name is itself a constant-looking identifier (hadoop-metrics2): keep the piece whole.
            return false;
        }

        builder.Append(piece[..prefix]).Append(Wildcard).Append(middle[suffix..]);
        return true;
    }

    /// <summary>Length of a leading run of letter-only segments each followed by '-' or '.' separators.</summary>
    private static int LetterPrefixLength(ReadOnlySpan<char> piece)
    {
        var p = 0;
        var prefixEnd = 0;
        while (true)
        {
            var segmentStart = p;
            while (p < piece.Length && char.IsAsciiLetter(piece[p]))
            {
                p++;
            }

            if (p == segmentStart || p >= piece.Length || piece[p] is not ('-' or '.'))
            {
                return prefixEnd;
            }

            while (p < piece.Length && piece[p] is '-' or '.')
            {
                p++;
            }

            prefixEnd = p;
        }
    }

    private static bool IsNumberLike(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    private static bool IsIPv4(ReadOnlySpan<char> s)
    {
        var dots = 0;
        foreach (var c in s)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return dots == 3;
    }

    private static bool ContainsLetter(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDelimiter(char c) => c is '=' or ':' or ',' or '(' or ')' or '[' or ']' or '{' or '}' or '#'
        or '/' or '|' or '@' or ';' or '<' or '>' or '"' or '\'' or '\\';

    /// <summary>A piece between delimiters is a value when it carries a digit, except short "name + 1-2 digits"
    /// identifiers (eth0, tty2, L1, SOCKS5), which are far more often constants than values.</summary>
    private static bool IsValuePiece(ReadOnlySpan<char> piece)
    {
        var digits = 0;
        var firstDigit = -1;
        for (var i = 0; i < piece.Length; i++)
        {
            if (char.IsAsciiDigit(piece[i]))
            {
                digits++;
                if (firstDigit < 0)
                {
                    firstDigit = i;
                }
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (digits <= 2 && firstDigit >= 1 && firstDigit == piece.Length - digits && AllLetters(piece[..firstDigit]))
        {
            return false;
        }

        return true;
    }

    private static bool AllLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Shapes that are values as a whole even though they contain delimiters: URLs, paths, IPv4 addresses
    /// (with port or prefix), host:port, MAC addresses.</summary>
    private static bool IsWholeValue(ReadOnlySpan<char> core)
    {
        if (core.Contains("://", StringComparison.Ordinal))
        {
            return true;
        }

        if (core[0] == '/' && core.Length > 1)
        {
            return true;
        }

        if (core.Length > 2 && char.IsAsciiLetter(core[0]) && core[1] == ':' && core[2] == '\\')
        {
            return true;
        }

        var colon = core.LastIndexOf(':');
        if (colon > 0 && colon < core.Length - 1 && AllDigits(core[(colon + 1)..]))
        {
            // host:port and the Java "name/address:port" form; a bare word before the colon (batch:1) is a key instead.
            var host = core[..colon];
            if (host.IndexOfAny('.', '-', '/') >= 0 && IsHostName(host))
            {
                return true;
            }
        }

        return IsMacAddress(core);
    }

    private static bool IsHostName(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    private static bool IsMacAddress(ReadOnlySpan<char> s)
    {
        if (s.Length != 17)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var ok = i % 3 == 2 ? s[i] is ':' or '-' : char.IsAsciiHexDigit(s[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Folds quantities whose printed form varies in word count, so that such lines stay one template:
    /// a human-readable size (<c>8.8 KB</c>, <c>2 GiB</c>) becomes one value; a byte count followed by its readable repeat
    /// (<c>1234 bytes (1.2 KB)</c>) keeps only the count (<c>&lt;*&gt; bytes</c>, like <c>0 bytes</c>); and a bound
    /// (<c>&lt;1 sec</c>) becomes one value, like the plain duration <c>00:01</c> printed in its place.
    /// </summary>
    /// <remarks>Plain counts with a unit word (<c>took 12 ms</c>, <c>512 bytes</c>) are left as two words: the unit is
    /// constant text of the event.</remarks>
    private static void MergeQuantities(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (!IsBareValue(words[i], out var prefix))
            {
                continue;
            }

            var unit = UnitOf(words[i + 1], out var suffix);
            if (unit == UnitKind.None)
            {
                continue;
            }

            if (unit == UnitKind.Size || prefix is "<" or ">" or "~")
            {
                var bare = prefix is "<" or ">" or "~" ? string.Empty : prefix;
                words[i] = bare.Length == 0 && suffix.Length == 0 ? Wildcard : string.Concat(bare, Wildcard, suffix);
                words.RemoveAt(i + 1);
                continue;
            }

            // "1234 bytes (1.2 KB)": drop the parenthesised repeat so the line reads like "0 bytes".
            if (suffix.Length == 0 && i + 3 < words.Count && words[i + 2] == "(" + Wildcard
                && UnitOf(words[i + 3], out var closing) == UnitKind.Size && closing.StartsWith(')'))
            {
                words[i + 1] = string.Concat(words[i + 1], closing.AsSpan(1));
                words.RemoveRange(i + 2, 2);
            }
        }
    }

    private enum UnitKind
    {
        None,
        Size,
        Count,
    }

    private static bool IsBareValue(string word, out string prefix)
    {
        prefix = string.Empty;
        if (!word.EndsWith(Wildcard, StringComparison.Ordinal))
        {
            return false;
        }

        var head = word.AsSpan(0, word.Length - Wildcard.Length);
        if (head.Length == 0 || head is "(" or "[" or "<" or ">" or "~")
        {
            prefix = head.ToString();
            return true;
        }

        return false;
    }

    private static UnitKind UnitOf(string word, out string suffix)
    {
        var core = word.AsSpan().TrimEnd(TrailingWrap.AsSpan());
        suffix = word[core.Length..];
        Span<char> lower = stackalloc char[8];
        if (core.Length is 0 or > 8)
        {
            return UnitKind.None;
        }

        core.ToLowerInvariant(lower);
        if (core is "B")
        {
            // Upper-case B is the byte unit of human-readable sizes ("384.0 B"); a lower-case b is too ambiguous.
            return UnitKind.Size;
        }

        return lower[..core.Length] switch
        {
            "kb" or "mb" or "gb" or "tb" or "pb" or "kib" or "mib" or "gib" or "tib" => UnitKind.Size,
            "b" or "byte" or "bytes" => UnitKind.Count,
            "ns" or "us" or "µs" or "ms" or "s" or "sec" or "secs" or "second" or "seconds" => UnitKind.Count,
            "min" or "mins" or "minute" or "minutes" or "h" or "hr" or "hrs" or "hour" or "hours" or "day" or "days" => UnitKind.Count,
            _ => UnitKind.None,
        };
    }

    /// <summary>Month and weekday names next to a masked value are part of a timestamp (<c>Fri Jun 17 07:07:00 2005</c>).</summary>
    private static void MaskTimestampWords(List<string> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!IsCalendarName(words[i]))
            {
                continue;
            }

            var prevValue = i > 0 && words[i - 1] == Wildcard;
            var nextValue = i + 1 < words.Count && (words[i + 1] == Wildcard || IsCalendarName(words[i + 1]));
            if (prevValue || nextValue)
            {
                words[i] = Wildcard;
            }
        }
    }

    private static bool IsCalendarName(string word)
    {
        var core = word.AsSpan().TrimEnd(",.");
        if (core.Length != 3)
        {
            return false;
        }

        Span<char> lower = stackalloc char[3];
        core.ToLowerInvariant(lower);
        return lower switch
        {
            "jan" or "feb" or "mar" or "apr" or "may" or "jun" or "jul" or "aug" or "sep" or "oct" or "nov" or "dec" => true,
            "mon" or "tue" or "wed" or "thu" or "fri" or "sat" or "sun" => true,
            _ => false,
        };
    }

    /// <summary>A constant word made of letters (and digits, '_', '-', '.'), unquoted: the kind of word that names things.</summary>
    public static bool IsPlainWord(ReadOnlySpan<char> word)
    {
        var core = word.Trim(TrailingWrap.AsSpan()).TrimStart("([{<".AsSpan());
        var letters = false;
        foreach (var c in core)
        {
            if (char.IsLetter(c))
            {
                letters = true;
            }
            else if (!(char.IsAsciiDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return letters && word.IndexOfAny('\'', '"') < 0;
    }

    /// <summary>An upper-case identifier (at least two letters, none lower-case): states, protocols, event types.</summary>
    public static bool IsUpperIdentifier(ReadOnlySpan<char> word)
    {
        var letters = 0;
        foreach (var c in word)
        {
            if (char.IsLower(c))
            {
                return false;
            }

            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return letters >= 2;
    }
}
