using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Argus.AI.Masking;

/// <summary>A value to replace: where it is, which detector found it and the shape of its token.</summary>
/// <remarks><see cref="Label"/> is 0, or for a labelled custom pattern or word list its 1-based index in <see cref="Scanner.Labels"/>.</remarks>
internal readonly record struct Detection(int Start, int Length, SensitiveKind Kind, TokenShape Shape, int Label = 0);

/// <summary>
/// Finds sensitive values in one forward pass over the text. The pass jumps from word start to word start with
/// vectorised searches; a word is classified by cheap checks on its first character and the character after it
/// (':' before "//" means a URL, '@' an e-mail address, '=' a key, a digit start a number, a dot a host candidate)
/// before any real parsing, and all parsing is hand-written and linear, so there is no backtracking anywhere.
/// Only tenant patterns use <see cref="Regex"/>, in <see cref="RegexOptions.NonBacktracking"/> mode.
/// </summary>
internal sealed partial class Scanner
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string AlnumChars = Letters + "0123456789";

    private static readonly SearchValues<char> StartChars = SearchValues.Create(AlnumChars + "+-");
    private static readonly SearchValues<char> LetterValues = SearchValues.Create(Letters);
    private static readonly SearchValues<char> Alnum = SearchValues.Create(AlnumChars);
    private static readonly SearchValues<char> HostChars = SearchValues.Create(AlnumChars + "._-");
    private static readonly SearchValues<char> SchemeChars = SearchValues.Create(AlnumChars + "+.-");
    private static readonly SearchValues<char> DomainChars = SearchValues.Create(AlnumChars + ".-");
    private static readonly SearchValues<char> LocalPartChars = SearchValues.Create(AlnumChars + "._%+-");
    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create("0123456789abcdefABCDEF:.");
    private static readonly SearchValues<char> HexChars = SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    // Printable ASCII that may appear inside a URL; anything else (space, quotes, angle brackets, Hangul) ends it.
    private static readonly SearchValues<char> UrlChars =
        SearchValues.Create(AlnumChars + "-._~:/?#[]@!$&()*+,;=%");

    private static readonly SearchValues<char> ValueEnd = SearchValues.Create(" \t\r\n,;&\"')]}<>");

    private static readonly string[] CredentialKeySuffixes =
    [
        "password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key", "access_key", "accesskey",
        "secret_key", "secretkey", "private_key", "privatekey", "credentials", "credential", "authorization", "sas",
        "client_secret", "passphrase",
    ];

    private static readonly string[] DatabaseSchemes =
        ["mongodb", "mongodb+srv", "redis", "rediss", "postgres", "postgresql", "mysql", "mariadb", "sqlserver", "mssql", "oracle", "amqp", "amqps", "clickhouse", "cockroachdb"];

    private readonly uint _enabled;
    private readonly (Regex Regex, int Label)[] _patterns;
    private readonly string[] _words;
    private readonly int[] _wordLabels;
    private readonly SearchValues<string>? _wordSearch;

    public Scanner(MaskingOptions options)
    {
        options.Validate();
        foreach (var kind in options.EnabledKinds)
        {
            _enabled |= 1u << (int)kind;
        }

        var custom = On(SensitiveKind.Custom);
        var timeout = options.PatternTimeout;
        var labels = new List<string>();
        int LabelOf(string label)
        {
            labels.Add(label);
            return labels.Count;
        }

        _patterns = custom
            ? [
                .. options.CustomPatterns.Distinct().Select(p => (new Regex(p, MaskingOptions.CustomPatternOptions, timeout), 0)),
                .. options.Patterns.Select(p => (new Regex(p.Pattern, MaskingOptions.CustomPatternOptions, timeout), LabelOf(p.Label))),
            ]
            : [];

        // Longest first, so "Project Bluebird" wins over "Bluebird"; the first list to name a word labels it.
        var words = custom
            ? options.CustomWords.Select(w => (Word: w.Trim(), Label: 0))
                .Concat(options.WordLists.SelectMany(l => { var label = LabelOf(l.Label); return l.Words.Select(w => (Word: w.Trim(), Label: label)); }))
                .DistinctBy(w => w.Word, StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(w => w.Word.Length)
                .ToArray()
            : [];
        _words = [.. words.Select(w => w.Word)];
        _wordLabels = [.. words.Select(w => w.Label)];
        _wordSearch = _words.Length > 0 ? SearchValues.Create(_words, StringComparison.OrdinalIgnoreCase) : null;
        Labels = labels;
    }

    /// <summary>The labels of the labelled custom patterns and word lists; <see cref="Detection.Label"/> indexes it from 1.</summary>
    public IReadOnlyList<string> Labels { get; }

    private bool On(SensitiveKind kind) => (_enabled & (1u << (int)kind)) != 0;

    /// <summary>Appends the detections in <paramref name="text"/> to <paramref name="output"/>, ordered and non-overlapping.</summary>
    public void Scan(string text, List<Detection> output)
    {
        ScanMain(text, output);
        if (!On(SensitiveKind.SqlIdentifier) && _patterns.Length == 0 && _wordSearch is null)
        {
            return;
        }

        var extra = new List<Detection>();
        if (On(SensitiveKind.SqlIdentifier))
        {
            SqlPass.Scan(text, extra);
        }

        foreach (var (pattern, label) in _patterns)
        {
            foreach (var match in pattern.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    extra.Add(new Detection(match.Index, match.Length, SensitiveKind.Custom, TokenShape.Label, label));
                }
            }
        }

        ScanWords(text, extra);
        if (extra.Count == 0)
        {
            return;
        }

        // Earliest start wins, then the longest; later overlapping detections are dropped.
        output.AddRange(extra);
        output.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var write = 0;
        var end = 0;
        for (var read = 0; read < output.Count; read++)
        {
            var d = output[read];
            if (d.Start >= end)
            {
                output[write++] = d;
                end = d.Start + d.Length;
            }
        }

        output.RemoveRange(write, output.Count - write);
    }

    private void ScanWords(string text, List<Detection> output)
    {
        if (_wordSearch is null)
        {
            return;
        }

        var s = text.AsSpan();
        var i = 0;
        while (i < s.Length)
        {
            var rel = s[i..].IndexOfAny(_wordSearch);
            if (rel < 0)
            {
                return;
            }

            var at = i + rel;
            var matched = 0;
            var label = 0;
            for (var w = 0; w < _words.Length; w++)
            {
                var word = _words[w];
                if (s[at..].StartsWith(word, StringComparison.OrdinalIgnoreCase) && IsBoundary(s, at, word.Length))
                {
                    matched = word.Length;
                    label = _wordLabels[w];
                    break;
                }
            }

            if (matched > 0)
            {
                output.Add(new Detection(at, matched, SensitiveKind.Custom, TokenShape.Label, label));
                i = at + matched;
            }
            else
            {
                i = at + 1;
            }
        }
    }

    private static bool IsBoundary(ReadOnlySpan<char> s, int start, int length) =>
        (start == 0 || !IsWordChar(s[start - 1]) || !IsWordChar(s[start])) &&
        (start + length >= s.Length || !IsWordChar(s[start + length]) || !IsWordChar(s[start + length - 1]));

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c);

    private void ScanMain(string text, List<Detection> output)
    {
        var s = text.AsSpan();
        var i = 0;
        while (i < s.Length)
        {
            var rel = s[i..].IndexOfAny(StartChars);
            if (rel < 0)
            {
                return;
            }

            i += rel;
            var c = s[i];
            if (i > 0 && IsWordChar(s[i - 1]))
            {
                // Inside a word that started with a character we do not start on (e.g. after '_'): skip it.
                i = Math.Max(SkipAlnum(s, i), i + 1);
                continue;
            }

            if (c == '+')
            {
                i = On(SensitiveKind.PhoneNumber) ? Math.Max(TryE164(s, i, output), i + 1) : i + 1;
                continue;
            }

            if (c == '-')
            {
                i = On(SensitiveKind.Credential) ? Math.Max(TryPem(s, i, output), i + 1) : i + 1;
                continue;
            }

            i = ScanWord(s, i, output);
        }
    }

    private static int SkipAlnum(ReadOnlySpan<char> s, int i)
    {
        var rel = s[i..].IndexOfAnyExcept(Alnum);
        return rel < 0 ? s.Length : i + rel;
    }

    private static int RunEnd(ReadOnlySpan<char> s, int i, SearchValues<char> chars)
    {
        var rel = s[i..].IndexOfAnyExcept(chars);
        return rel < 0 ? s.Length : i + rel;
    }

    /// <summary>Classifies the word starting at <paramref name="i"/>; returns where scanning continues.</summary>
    private int ScanWord(ReadOnlySpan<char> s, int i, List<Detection> output)
    {
        var hEnd = RunEnd(s, i, HostChars);
        var hTrim = hEnd;
        while (hTrim > i + 1 && s[hTrim - 1] is '.' or '-' or '_')
        {
            hTrim--;
        }

        var h = s[i..hTrim];
        var next = hEnd < s.Length ? s[hEnd] : '\0';
        var first = s[i];

        if (char.IsAsciiLetter(first))
        {
            if (next is ':' or '+')
            {
                var schemeEnd = next == '+' ? RunEnd(s, i, SchemeChars) : hEnd;
                if (s[schemeEnd..].StartsWith("://") && schemeEnd - i >= 2)
                {
                    var end = TryUrl(s, i, schemeEnd, output);
                    if (end > 0)
                    {
                        return end;
                    }
                }
                else if (next == ':' && h.Equals("jdbc", StringComparison.OrdinalIgnoreCase) && On(SensitiveKind.ConnectionString))
                {
                    var end = TryJdbc(s, hEnd + 1, output);
                    if (end > 0)
                    {
                        return end;
                    }
                }
            }

            if (first == 'e' && h.StartsWith("eyJ") && On(SensitiveKind.Credential) && IsJwt(h))
            {
                output.Add(new Detection(i, h.Length, SensitiveKind.Credential, TokenShape.Secret));
                return hTrim;
            }

            if (h.Length == 20 && first == 'A' && (h.StartsWith("AKIA") || h.StartsWith("ASIA")) && IsAwsKeyId(h) &&
                On(SensitiveKind.Credential))
            {
                output.Add(new Detection(i, 20, SensitiveKind.Credential, TokenShape.Secret));
                return hTrim;
            }
        }

        if (next is '@' or '+' && On(SensitiveKind.Email))
        {
            var end = TryEmail(s, i, hEnd, output);
            if (end > 0)
            {
                return end;
            }
        }

        if (next is '=' or ':' or '"' or '\'' or ' ' && char.IsAsciiLetter(first))
        {
            var end = TryKeyValue(s, i, h, hEnd, output);
            if (end > 0)
            {
                return end;
            }
        }

        if (char.IsAsciiDigit(first))
        {
            return ScanNumber(s, i, h, hEnd, hTrim, next, output);
        }

        if (next == ':' && h.Length <= 4 && h.IndexOfAnyExcept(HexChars) < 0 && On(SensitiveKind.IPv6Address))
        {
            var end = TryIPv6(s, i, output);
            if (end > 0)
            {
                return end;
            }
        }

        if (On(SensitiveKind.Hostname))
        {
            if (h.Contains('.'))
            {
                if (next is not '(' and not '=' && (HostRules.IsHost(h) || (IsPort(s, hEnd) && IsLowerDotted(h))))
                {
                    output.Add(new Detection(i, h.Length, SensitiveKind.Hostname, TokenShape.Host));
                }
            }
            else if (h.Length >= 13 && HostRules.IsPodName(PodCandidate(h)))
            {
                // Container log file names glue the namespace on with '_' (pod_namespace_container).
                output.Add(new Detection(i, PodCandidate(h).Length, SensitiveKind.Hostname, TokenShape.Pod));
                return i + PodCandidate(h).Length;
            }
            else if (next == ':' && IsPort(s, hEnd) && HostRules.IsBareHostBeforePort(h))
            {
                output.Add(new Detection(i, h.Length, SensitiveKind.Hostname, TokenShape.Label));
            }
        }

        return hTrim;
    }

    private static ReadOnlySpan<char> PodCandidate(ReadOnlySpan<char> h) => h.IndexOf('_') is var u and > 0 ? h[..u] : h;

    private static bool IsLowerDotted(ReadOnlySpan<char> h)
    {
        foreach (var c in h)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return h.IndexOfAnyInRange('a', 'z') >= 0 && !h.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>Whether <c>:port</c> (1-5 digits, at most 65535) starts at <paramref name="colon"/>, followed by a non-word character.</summary>
    private static bool IsPort(ReadOnlySpan<char> s, int colon)
    {
        if (colon >= s.Length || s[colon] != ':')
        {
            return false;
        }

        var end = RunEnd(s, colon + 1, Digits);
        var length = end - colon - 1;
        return length is >= 2 and <= 5 && (end >= s.Length || !(IsWordChar(s[end]) || s[end] == ':')) &&
               int.Parse(s[(colon + 1)..end], System.Globalization.CultureInfo.InvariantCulture) <= 65535;
    }

    private static bool IsJwt(ReadOnlySpan<char> h)
    {
        var dot1 = h.IndexOf('.');
        if (dot1 < 10)
        {
            return false;
        }

        var rest = h[(dot1 + 1)..];
        var dot2 = rest.IndexOf('.');
        return dot2 >= 10 && !rest[(dot2 + 1)..].Contains('.');
    }

    private static bool IsAwsKeyId(ReadOnlySpan<char> h)
    {
        foreach (var c in h)
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
            {
                return false;
            }
        }

        return true;
    }

    private int TryEmail(ReadOnlySpan<char> s, int i, int hEnd, List<Detection> output)
    {
        var at = s[hEnd] == '@' ? hEnd : RunEnd(s, i, LocalPartChars);
        if (at >= s.Length || s[at] != '@')
        {
            return -1;
        }

        var domainEnd = RunEnd(s, at + 1, DomainChars);
        while (domainEnd > at + 1 && s[domainEnd - 1] is '.' or '-')
        {
            domainEnd--;
        }

        var domain = s[(at + 1)..domainEnd];
        var lastDot = domain.LastIndexOf('.');
        if (lastDot <= 0 || domain.Length - lastDot - 1 < 2 || domain[(lastDot + 1)..].IndexOfAnyExcept(LetterValues) >= 0 ||
            domain.Contains("..", StringComparison.Ordinal))
        {
            return -1;
        }

        output.Add(new Detection(i, domainEnd - i, SensitiveKind.Email, TokenShape.Email));
        return domainEnd;
    }

    /// <summary><c>key=value</c>, <c>key: value</c> and <c>"key": "value"</c> where the key names a credential, and
    /// ADO.NET connection strings.</summary>
    private int TryKeyValue(ReadOnlySpan<char> s, int i, ReadOnlySpan<char> key, int hEnd, List<Detection> output)
    {
        if (On(SensitiveKind.Credential) && key.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && s[hEnd] == ' ')
        {
            var start = hEnd + 1;
            var end = RunEnd(s, start, BearerChars);
            if (end - start >= 8)
            {
                output.Add(new Detection(start, end - start, SensitiveKind.Credential, TokenShape.Secret));
                return end;
            }

            return -1;
        }

        var j = hEnd;
        if (j < s.Length && s[j] is '"' or '\'')
        {
            j++;
        }

        while (j < s.Length && j - hEnd < 4 && s[j] == ' ')
        {
            j++;
        }

        if (j >= s.Length || s[j] is not ('=' or ':'))
        {
            return -1;
        }

        if (s[j] == '=' && On(SensitiveKind.ConnectionString) && IsAdoStart(key, s, hEnd))
        {
            var end = TryAdo(s, i, output);
            if (end > 0)
            {
                return end;
            }
        }

        if (!On(SensitiveKind.Credential) || !IsCredentialKey(key) || (s[j] == ':' && j + 1 < s.Length && s[j + 1] == '/'))
        {
            return -1;
        }

        j++;
        while (j < s.Length && s[j] is ' ' or '\t')
        {
            j++;
        }

        if (key.EndsWith("authorization", StringComparison.OrdinalIgnoreCase))
        {
            // "Authorization: Bearer xyz" (also quoted): skip the scheme word, mask the credential after it.
            var q = j < s.Length && s[j] is '"' or '\'' ? j + 1 : j;
            var schemeEnd = RunEnd(s, q, LetterValues);
            if (schemeEnd > q && schemeEnd < s.Length && s[schemeEnd] == ' ')
            {
                var credentialEnd = RunEnd(s, schemeEnd + 1, BearerChars);
                if (credentialEnd - schemeEnd - 1 >= 8)
                {
                    output.Add(new Detection(schemeEnd + 1, credentialEnd - schemeEnd - 1, SensitiveKind.Credential, TokenShape.Secret));
                    return credentialEnd;
                }

                return -1;
            }
        }

        var (valueStart, valueEnd, after) = ReadValue(s, j);
        if (!IsSecretValue(s[valueStart..valueEnd]))
        {
            return -1;
        }

        output.Add(new Detection(valueStart, valueEnd - valueStart, SensitiveKind.Credential, TokenShape.Secret));
        return after;
    }

    private static readonly SearchValues<char> BearerChars = SearchValues.Create(AlnumChars + "-._~+/=");

    /// <summary>Reads a value at <paramref name="j"/>: quoted (to the closing quote on the same line) or bare (to a delimiter).</summary>
    private static (int Start, int End, int After) ReadValue(ReadOnlySpan<char> s, int j)
    {
        if (j < s.Length && s[j] is '"' or '\'')
        {
            var quote = s[j];
            var close = s[(j + 1)..].IndexOfAny(quote, '\n');
            var end = close < 0 ? s.Length : j + 1 + close;
            return (j + 1, end, Math.Min(end + 1, s.Length));
        }

        var rel = s[j..].IndexOfAny(ValueEnd);
        var bare = rel < 0 ? s.Length : j + rel;
        return (j, bare, bare);
    }

    private static bool IsCredentialKey(ReadOnlySpan<char> key)
    {
        foreach (var suffix in CredentialKeySuffixes)
        {
            if (key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSecretValue(ReadOnlySpan<char> value)
    {
        // Placeholders and already-redacted values carry nothing; masking them would only add noise.
        if (value.Length < 3 || value.IndexOfAnyExcept('*') < 0 || value.StartsWith("${") || value.StartsWith("<") ||
            value.StartsWith("{{") || value.StartsWith("%("))
        {
            return false;
        }

        return !(value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase) ||
                 value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase) ||
                 value.Equals("undefined", StringComparison.OrdinalIgnoreCase) || value.Equals("redacted", StringComparison.OrdinalIgnoreCase) ||
                 value.Equals("[REDACTED]", StringComparison.OrdinalIgnoreCase));
    }

    private void EmitHost(ReadOnlySpan<char> s, int start, int end, SensitiveKind kind, List<Detection> output)
    {
        while (start < end && s[start] == ' ')
        {
            start++;
        }

        while (end > start && s[end - 1] == ' ')
        {
            end--;
        }

        var host = s[start..end];
        if (host.IsEmpty || host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.IndexOfAny("${}") >= 0 || host.StartsWith("127."))
        {
            return;
        }

        if (host[0] == '[' && host[^1] == ']')
        {
            output.Add(new Detection(start + 1, host.Length - 2, kind, TokenShape.IPv6));
            return;
        }

        var shape = IsIPv4(host) ? TokenShape.IPv4 : host.Contains('.') ? TokenShape.Host : TokenShape.Label;
        output.Add(new Detection(start, host.Length, kind, shape));
    }

    private static bool IsIPv4(ReadOnlySpan<char> s)
    {
        var parts = 0;
        foreach (var range in s.Split('.'))
        {
            var part = s[range];
            if (part.Length is 0 or > 3 || part.IndexOfAnyExcept(Digits) >= 0 || (part.Length > 1 && part[0] == '0') ||
                int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }
}
