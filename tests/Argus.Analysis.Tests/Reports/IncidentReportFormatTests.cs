using System.Text.Json;
using Argus.Analysis.Reports;
using Argus.Analysis.Tests.Profiles;

namespace Argus.Analysis.Tests.Reports;

public sealed class IncidentReportFormatTests
{
    public static TheoryData<string, string> Reports()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in new[] { "en", "ko" })
        {
            foreach (var name in new[] { "slow", "n1", "wait", "external", "exception", "healthy" })
            {
                data.Add(name, language);
            }
        }

        return data;
    }

    private static IncidentReportContent Report(string name, string language)
    {
        var (spans, logs) = Traces.Exceptions();
        return name switch
        {
            "slow" => IncidentReportWriterTests.Write(Traces.SlowSql(), language),
            "n1" => IncidentReportWriterTests.Write(Traces.NPlusOne(), language),
            "wait" => IncidentReportWriterTests.Write(Traces.ConnectionWait(), language),
            "external" => IncidentReportWriterTests.Write(Traces.SlowExternal(), language),
            "exception" => IncidentReportWriterTests.Write(spans, language, AlertKinds.Exception, logs),
            _ => IncidentReportWriterTests.Write(Traces.Healthy(), language),
        };
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void Rendered_reports_parse_back_to_the_same_content(string name, string language)
    {
        var report = Report(name, language);

        var text = IncidentReportFormat.Render(report, language);
        var ok = IncidentReportFormat.TryParse(text, out var parsed, out var problems);

        Assert.True(ok, string.Join("\n", problems));
        Assert.Empty(problems);
        Assert.Equal(report, parsed, ContentComparer.Instance);
    }

    [Fact]
    public void Rendered_text_has_the_fixed_titles_and_numbered_points()
    {
        var en = IncidentReportFormat.Render(Report("exception", "en"), "en");
        var ko = IncidentReportFormat.Render(Report("exception", "ko"), "ko");

        Assert.StartsWith("[Summary]\n", en, StringComparison.Ordinal);
        Assert.Contains("\n\n[Transaction]\n", en, StringComparison.Ordinal);
        Assert.Contains("\n\n[Profile analysis]\n1. java.lang.IllegalStateException", en, StringComparison.Ordinal);
        Assert.Contains("\n2. System.InvalidOperationException", en, StringComparison.Ordinal);
        Assert.Contains("\n\n[Action plan]\n1. Fix the cause at", en, StringComparison.Ordinal);
        Assert.StartsWith("[요약]\n", ko, StringComparison.Ordinal);
        Assert.Contains("\n\n[트랜잭션]\n", ko, StringComparison.Ordinal);
        Assert.Contains("\n\n[프로파일 분석]\n1. ", ko, StringComparison.Ordinal);
        Assert.Contains("\n\n[조치 방안]\n1. ", ko, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operating_normally_flag_survives_the_text()
    {
        var content = new IncidentReportContent("Nothing stood out.", "GET / took 5 ms.", ["All steps were fast."], ["None."], OperatingNormally: true);

        Assert.True(IncidentReportFormat.TryParse(IncidentReportFormat.Render(content, "ko"), out var parsed, out _));
        Assert.True(parsed.OperatingNormally);
        Assert.Equal("Nothing stood out. 시스템은 정상 동작 중입니다.", parsed.Summary);
    }

    [Fact]
    public void A_missing_section_is_rejected()
    {
        var text = IncidentReportFormat.Render(Report("slow", "en"), "en");
        var without = text.Replace("[Transaction]", "Transaction:", StringComparison.Ordinal);

        Assert.False(IncidentReportFormat.TryParse(without, out _, out var problems));
        Assert.Contains(problems, p => p.Contains("[Transaction]", StringComparison.Ordinal) && p.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Four_points_are_rejected()
    {
        var text = """
            [요약]
            요약입니다.

            [트랜잭션]
            트랜잭션입니다.

            [프로파일 분석]
            1. 하나
            2. 둘
            3. 셋
            4. 넷

            [조치 방안]
            1. 조치
            """;

        Assert.False(IncidentReportFormat.TryParse(text, out var content, out var problems));
        Assert.Equal("[프로파일 분석] has 4 points; at most 3 are allowed.", Assert.Single(problems));
        Assert.Equal(4, content.ProfileAnalysis.Count);
    }

    [Fact]
    public void Unnumbered_points_duplicates_and_empty_sections_are_each_reported()
    {
        var text = """
            [Summary]

            [Transaction]
            GET /x took 9 s.

            [Profile analysis]
            - the database was slow

            [Action plan]
            1. Add an index.
            3. Skipped a number.

            [Transaction]
            Again.
            """;

        Assert.False(IncidentReportFormat.TryParse(text, out _, out var problems));
        Assert.Equal(4, problems.Count);
        Assert.Contains("The section [Summary] is empty.", problems);
        Assert.Contains("The section [Transaction] appears more than once.", problems);
        Assert.Contains(problems, p => p.StartsWith("[Profile analysis] must be numbered points", StringComparison.Ordinal));
        Assert.Contains("Point 3 of [Action plan] is out of order; points are numbered 1, 2, 3.", problems);
    }

    [Fact]
    public void Markdown_titles_preamble_and_wrapped_points_are_accepted()
    {
        var text = """
            Here is the report.

            **[Summary]**
            The checkout API was slow.

            ## [Transaction]
            POST /checkout took 2,000 ms.

            [Profile analysis]:
            1. Waiting for connections took 1,500 ms
               (75% of the response time).

            [Action plan]
            1) Look for connection leaks.
            2) Raise the pool size.
            """;

        Assert.True(IncidentReportFormat.TryParse(text, out var content, out var problems), string.Join("\n", problems));
        Assert.Equal("The checkout API was slow.", content.Summary);
        Assert.Equal(["Waiting for connections took 1,500 ms (75% of the response time)."], content.ProfileAnalysis);
        Assert.Equal(["Look for connection leaks.", "Raise the pool size."], content.ActionPlan);
        Assert.False(content.OperatingNormally);
    }

    [Fact]
    public void The_writers_json_parses_back()
    {
        var report = Report("n1", "ko");
        var json = JsonSerializer.Serialize(report, AnalysisJsonContext.Default.IncidentReportContent);
        Assert.True(IncidentReportFormat.TryParseJson(json, out var back, out var problems), string.Join("\n", problems));
        Assert.Equal(report, back!, ContentComparer.Instance);
    }

    [Theory]
    [InlineData("""{"summary":"s","transaction":"t","profileAnalysis":["a","b","c","d"],"actionPlan":[],"operatingNormally":false}""", "4 points")]
    [InlineData("""{"summary":"s","transaction":"t","profileAnalysis":[],"operatingNormally":false}""", "actionPlan")]
    [InlineData("""{"summary":null,"transaction":"t","profileAnalysis":[],"actionPlan":[],"operatingNormally":false}""", "summary")]
    [InlineData("""not json""", "not valid")]
    public void Json_answers_that_break_the_schema_are_rejected(string json, string expected)
    {
        Assert.False(IncidentReportFormat.TryParseJson(json, out _, out var problems));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
