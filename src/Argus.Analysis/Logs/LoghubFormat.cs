using System.Text;
using System.Text.RegularExpressions;

namespace Argus.Analysis.Logs;

/// <summary>
/// A Loghub log format such as <c>&lt;Date&gt; &lt;Time&gt; &lt;Level&gt; &lt;Component&gt;: &lt;Content&gt;</c>, used to
/// split a raw line into its header fields and its content (the part that is mined).
/// </summary>
/// <remarks>
/// The conversion is the one of the Loghub benchmark: each <c>&lt;Name&gt;</c> becomes a lazy named group, runs of spaces
/// match any whitespace, and every other character is taken as regular-expression text (so <c>\[</c> and optional
/// groups like <c>(\[&lt;PID&gt;\])?</c> work). The format must contain <c>&lt;Content&gt;</c>.
/// </remarks>
public sealed partial class LoghubFormat
{
    private const string ContentField = "Content";

    private readonly Regex _regex;

    private LoghubFormat(Regex regex, IReadOnlyList<string> fields)
    {
        _regex = regex;
        Fields = fields;
    }

    /// <summary>The field names in the order they appear, including <c>Content</c>.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>Parses a Loghub format string.</summary>
    /// <exception cref="FormatException">The format has no <c>&lt;Content&gt;</c> field, repeats a field, or is not a
    /// valid pattern.</exception>
    public static LoghubFormat Parse(string format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        var pattern = new StringBuilder("^");
        var fields = new List<string>();
        var last = 0;
        foreach (Match m in FieldPattern().Matches(format))
        {
            pattern.Append(Spaces().Replace(format[last..m.Index], @"\s+"));
            var name = m.Groups[1].Value;
            if (fields.Contains(name))
            {
                throw new FormatException($"The log format '{format}' names the field <{name}> twice.");
            }

            fields.Add(name);
            pattern.Append("(?<").Append(name).Append(">.*?)");
            last = m.Index + m.Length;
        }

        pattern.Append(Spaces().Replace(format[last..], @"\s+")).Append('$');
        if (!fields.Contains(ContentField))
        {
            throw new FormatException($"The log format '{format}' has no <Content> field; add one where the message starts.");
        }

        try
        {
            // The timeout bounds pathological lines against lazy groups; a line that times out is treated as unmatched.
            var regex = new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));
            return new LoghubFormat(regex, fields);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"The log format '{format}' is not a valid pattern: {ex.Message}", ex);
        }
    }

    /// <summary>Extracts the content of <paramref name="line"/>; <see langword="false"/> when the line does not fit the format.</summary>
    public bool TryGetContent(string line, out string content)
    {
        try
        {
            var m = _regex.Match(line);
            if (m.Success)
            {
                content = m.Groups[ContentField].Value;
                return true;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Fall through: an unmatchable line is handled like any other non-matching line.
        }

        content = line;
        return false;
    }

    /// <summary>Extracts all fields of <paramref name="line"/>, or <see langword="null"/> when it does not fit.</summary>
    public IReadOnlyDictionary<string, string>? Split(string line)
    {
        try
        {
            var m = _regex.Match(line);
            if (!m.Success)
            {
                return null;
            }

            var result = new Dictionary<string, string>(Fields.Count, StringComparer.Ordinal);
            foreach (var f in Fields)
            {
                result[f] = m.Groups[f].Value;
            }

            return result;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    [GeneratedRegex("<([^<>]+)>")]
    private static partial Regex FieldPattern();

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();
}
