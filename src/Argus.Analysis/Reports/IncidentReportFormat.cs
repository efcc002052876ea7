using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Argus.Analysis.Reports;

/// <summary>
/// The fixed format of an incident report: the JSON Schema an LLM answers in, the text Argus renders for people and
/// channels, and a parser for that text (for an LLM that answers in text rather than JSON).
/// </summary>
/// <remarks>
/// The text has four sections, each a title on its own line (English <c>[Summary]</c>, <c>[Transaction]</c>,
/// <c>[Profile analysis]</c>, <c>[Action plan]</c>; Korean <c>[요약]</c>, <c>[트랜잭션]</c>, <c>[프로파일 분석]</c>,
/// <c>[조치 방안]</c>); the last two hold numbered points <c>1. ...</c>. The text has no field for
/// <see cref="IncidentReportContent.OperatingNormally"/>: it is carried by the summary saying the system is operating
/// normally (<see cref="Render"/> adds that sentence when the flag is set and the summary lacks it).
/// </remarks>
public static partial class IncidentReportFormat
{
    /// <summary>The response-format name for the <c>alert-analyzer</c> role.</summary>
    public const string Name = "incident_report_format";

    /// <summary>Most points in the profile analysis and in the action plan.</summary>
    public const int MaxPoints = 3;

    /// <summary>The four section titles of <paramref name="language"/>, in order, e.g. <c>[Summary]</c> or <c>[요약]</c>.</summary>
    public static IReadOnlyList<string> SectionTitles(string language)
    {
        var titles = IsKorean(language) ? Korean : English;
        return [titles.Summary, titles.Transaction, titles.ProfileAnalysis, titles.ActionPlan];
    }

    private sealed record Titles(string Summary, string Transaction, string ProfileAnalysis, string ActionPlan, string NormalSentence);

    private static readonly Titles English = new("[Summary]", "[Transaction]", "[Profile analysis]", "[Action plan]",
        "The system is operating normally.");

    private static readonly Titles Korean = new("[요약]", "[트랜잭션]", "[프로파일 분석]", "[조치 방안]", "시스템은 정상 동작 중입니다.");

    private enum Section
    {
        None,
        Summary,
        Transaction,
        ProfileAnalysis,
        ActionPlan,
    }

    /// <summary>Renders a report as text; <paramref name="language"/> <c>ko</c> (or <c>ko-*</c>) gives Korean
    /// titles, anything else English. Line breaks inside a point become spaces, so that the text parses back.</summary>
    public static string Render(IncidentReportContent content, string language)
    {
        ArgumentNullException.ThrowIfNull(content);
        var titles = IsKorean(language) ? Korean : English;
        var summary = content.Summary.Trim();
        if (content.OperatingNormally && !SaysOperatingNormally(summary))
        {
            summary = summary.Length == 0 ? titles.NormalSentence : $"{summary} {titles.NormalSentence}";
        }

        var text = new StringBuilder();
        text.Append(titles.Summary).Append('\n').Append(summary).Append("\n\n");
        text.Append(titles.Transaction).Append('\n').Append(content.Transaction.Trim()).Append("\n\n");
        AppendPoints(text, titles.ProfileAnalysis, content.ProfileAnalysis);
        text.Append('\n');
        AppendPoints(text, titles.ActionPlan, content.ActionPlan);
        return text.ToString();
    }

    private static void AppendPoints(StringBuilder text, string title, IReadOnlyList<string> points)
    {
        text.Append(title).Append('\n');
        for (var i = 0; i < points.Count; i++)
        {
            var point = string.Join(' ', points[i].Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {point}\n");
        }
    }

    /// <summary>
    /// Reads a report rendered by <see cref="Render"/> (English or Korean titles, also with Markdown <c>#</c> or
    /// <c>**</c> around them, text before the first title ignored) and checks its format: all four sections present
    /// once, summary and transaction not empty, the analysis and the plan numbered <c>1.</c>, <c>2.</c>, ... with at
    /// most <see cref="MaxPoints"/> points. Lines after a point that are not numbered continue it.
    /// </summary>
    /// <param name="text">The report text.</param>
    /// <param name="content">What could be read, also when the format is wrong.</param>
    /// <param name="problems">Every problem found; empty when the result is true.</param>
    public static bool TryParse(string text, out IncidentReportContent content, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        var seen = new HashSet<Section>();
        var summary = new List<string>();
        var transaction = new List<string>();
        var analysis = new List<string>();
        var plan = new List<string>();
        var current = Section.None;
        var titleOf = new Dictionary<Section, string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var section = SectionOf(line, out var titleText);
            if (section != Section.None)
            {
                if (!seen.Add(section))
                {
                    found.Add($"The section {titleText} appears more than once.");
                }

                titleOf[section] = titleText;
                current = section;
                continue;
            }

            switch (current)
            {
                case Section.Summary:
                    summary.Add(line);
                    break;
                case Section.Transaction:
                    transaction.Add(line);
                    break;
                case Section.ProfileAnalysis:
                    ReadPoint(line, analysis, titleOf[current], found);
                    break;
                case Section.ActionPlan:
                    ReadPoint(line, plan, titleOf[current], found);
                    break;
                default:
                    break; // a preamble before the first title
            }
        }

        Require(seen, Section.Summary, "[Summary] / [요약]", found);
        Require(seen, Section.Transaction, "[Transaction] / [트랜잭션]", found);
        Require(seen, Section.ProfileAnalysis, "[Profile analysis] / [프로파일 분석]", found);
        Require(seen, Section.ActionPlan, "[Action plan] / [조치 방안]", found);
        var summaryText = Paragraph(summary);
        var transactionText = Paragraph(transaction);
        if (seen.Contains(Section.Summary) && summaryText.Length == 0)
        {
            found.Add($"The section {titleOf[Section.Summary]} is empty.");
        }

        if (seen.Contains(Section.Transaction) && transactionText.Length == 0)
        {
            found.Add($"The section {titleOf[Section.Transaction]} is empty.");
        }

        CheckCount(analysis, seen.Contains(Section.ProfileAnalysis) ? titleOf[Section.ProfileAnalysis] : null, found);
        CheckCount(plan, seen.Contains(Section.ActionPlan) ? titleOf[Section.ActionPlan] : null, found);

        content = new IncidentReportContent(summaryText, transactionText, analysis, plan, SaysOperatingNormally(summaryText));
        problems = found;
        return found.Count == 0;
    }

    /// <summary>
    /// Reads a report given as JSON (the LLM's structured answer) and checks it against the schema's rules: every
    /// property present, strings not null, at most <see cref="MaxPoints"/> points per list, no empty points.
    /// </summary>
    public static bool TryParseJson(string json, out IncidentReportContent? content, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(json);
        var found = new List<string>();
        content = null;
        try
        {
            content = JsonSerializer.Deserialize(json, AnalysisJsonContext.Default.IncidentReportContent);
        }
        catch (JsonException e)
        {
            found.Add($"The report is not valid {Name} JSON: {e.Message}");
        }

        if (content is null)
        {
            if (found.Count == 0)
            {
                found.Add($"The report is not valid {Name} JSON: it is null.");
            }

            problems = found;
            return false;
        }

        if (string.IsNullOrWhiteSpace(content.Summary))
        {
            found.Add("summary is empty.");
        }

        if (string.IsNullOrWhiteSpace(content.Transaction))
        {
            found.Add("transaction is empty.");
        }

        CheckList(content.ProfileAnalysis, "profileAnalysis", found);
        CheckList(content.ActionPlan, "actionPlan", found);
        problems = found;
        return found.Count == 0;
    }

    private static void CheckList(IReadOnlyList<string> points, string name, List<string> found)
    {
        if (points.Count > MaxPoints)
        {
            found.Add($"{name} has {points.Count} points; at most {MaxPoints} are allowed.");
        }

        if (points.Any(string.IsNullOrWhiteSpace))
        {
            found.Add($"{name} has an empty point.");
        }
    }

    private static void ReadPoint(string line, List<string> points, string title, List<string> found)
    {
        if (line.Length == 0)
        {
            return;
        }

        var m = NumberedPoint().Match(line);
        if (m.Success)
        {
            var number = int.Parse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            if (number != points.Count + 1)
            {
                found.Add($"Point {number} of {title} is out of order; points are numbered 1, 2, 3.");
            }

            points.Add(m.Groups["text"].Value.Trim());
        }
        else if (points.Count > 0)
        {
            points[^1] = $"{points[^1]} {line}";
        }
        else
        {
            found.Add($"{title} must be numbered points (\"1. ...\"), but starts with \"{Shorten(line)}\".");
            points.Add(line.TrimStart('-', '*', '•', ' '));
        }
    }

    private static void CheckCount(List<string> points, string? title, List<string> found)
    {
        if (title is not null && points.Count > MaxPoints)
        {
            found.Add($"{title} has {points.Count} points; at most {MaxPoints} are allowed.");
        }
    }

    private static void Require(HashSet<Section> seen, Section section, string title, List<string> found)
    {
        if (!seen.Contains(section))
        {
            found.Add($"The section {title} is missing.");
        }
    }

    private static string Paragraph(List<string> lines)
    {
        var start = lines.FindIndex(l => l.Length > 0);
        var end = lines.FindLastIndex(l => l.Length > 0);
        return start < 0 ? string.Empty : string.Join('\n', lines.GetRange(start, end - start + 1));
    }

    private static Section SectionOf(string line, out string title)
    {
        // Markdown decorations an LLM adds: "## [Summary]", "**[Summary]**", "[Summary]:".
        title = line.Trim('#', '*', ' ', ':').Trim();
        return title.ToUpperInvariant() switch
        {
            "[SUMMARY]" or "[요약]" => Section.Summary,
            "[TRANSACTION]" or "[트랜잭션]" => Section.Transaction,
            "[PROFILE ANALYSIS]" or "[프로파일 분석]" => Section.ProfileAnalysis,
            "[ACTION PLAN]" or "[조치 방안]" => Section.ActionPlan,
            _ => Section.None,
        };
    }

    private static bool SaysOperatingNormally(string summary) =>
        (summary.Contains("operating normally", StringComparison.OrdinalIgnoreCase)
            && !summary.Contains("not operating normally", StringComparison.OrdinalIgnoreCase))
        || summary.Contains("정상 동작 중", StringComparison.Ordinal);

    internal static bool IsKorean(string? language) =>
        language is not null && (language.Equals("ko", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("ko-", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("ko_", StringComparison.OrdinalIgnoreCase));

    private static string Shorten(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 39), "…");

    [GeneratedRegex(@"^(?<n>\d{1,2})[.)]\s+(?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberedPoint();
}
