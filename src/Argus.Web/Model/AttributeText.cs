using System.Text;
using Argus.Core.Telemetry;

namespace Argus.Web.Model;

/// <summary>
/// The trace search's attribute box: pairs <c>key=value</c> separated by spaces, a value with spaces in double
/// quotes (<c>http.route=/orders customer.tier="gold plus"</c>), as Jaeger's tag box takes them (logfmt).
/// </summary>
internal static class AttributeText
{
    /// <summary>The pairs of <paramref name="text"/>; <paramref name="bad"/> lists the words that are not a pair.</summary>
    public static List<TelemetryAttribute> Parse(string? text, out List<string> bad)
    {
        var pairs = new List<TelemetryAttribute>();
        bad = [];
        foreach (var word in Words(text ?? ""))
        {
            if (AttributeFilter.TryParse(word, out var pair))
            {
                pairs.Add(pair);
            }
            else
            {
                bad.Add(word);
            }
        }

        return pairs;
    }

    /// <summary>The box's text for <paramref name="pairs"/>: what <see cref="Parse"/> reads back as the same pairs.</summary>
    public static string Format(IEnumerable<TelemetryAttribute> pairs) =>
        string.Join(" ", pairs.Select(p => p.Key + "=" + (p.Value.Length == 0 || p.Value.Any(c => char.IsWhiteSpace(c) || c == '"')
            ? "\"" + p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : p.Value)));

    // Splits at white space outside double quotes; inside quotes a backslash escapes the next character. The quotes go.
    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted && c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
            }
            else if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (!quoted && char.IsWhiteSpace(c))
            {
                if (word.Length > 0 || any)
                {
                    yield return word.ToString();
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (word.Length > 0 || any)
        {
            yield return word.ToString();
        }
    }
}
