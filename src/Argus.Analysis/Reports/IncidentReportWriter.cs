using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;

namespace Argus.Analysis.Reports;

/// <summary>
/// Writes an incident report from an alert, the profile of a transaction it concerns and the findings on that profile,
/// without an LLM: the built-in analyst, and the reference an LLM's report is held to. Deterministic.
/// </summary>
/// <remarks>
/// Findings that match the alert's kind (<see cref="AlertKinds"/>: <c>slow_sql</c> → dominant and repeated SQL,
/// <c>db_connection_wait</c> → connection waits, <c>external_delay</c> → slow external calls, <c>exception</c> and
/// <c>error_rate</c> → exceptions, <c>excessive_sql</c> → repeated and excessive SQL, <c>excessive_rows</c> → excessive
/// rows) come first; the rest keep the analyzer's order. The first three make the profile analysis. The action plan
/// takes the first step for each of them, then their second steps, up to three.
/// </remarks>
public static class IncidentReportWriter
{
    /// <summary>Writes the report.</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="profile">The analysed transaction; null when none was sampled.</param>
    /// <param name="findings">Findings of <see cref="ProfileAnalyzer"/> on the profile (may be empty).</param>
    /// <param name="language"><c>ko</c> (or <c>ko-KR</c>) for Korean; anything else gives English.</param>
    public static IncidentReportContent Write(AlertSubject alert, TransactionProfile? profile, IReadOnlyList<Finding> findings, string language)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(findings);
        ReportPhrases phrases = IncidentReportFormat.IsKorean(language) ? new KoreanPhrases(alert) : new EnglishPhrases(alert);

        var significant = Prioritize(alert.Kind, findings.Where(f => f is not NoSignificantProblemFinding))
            .Take(IncidentReportFormat.MaxPoints)
            .ToList();
        var transaction = profile is null ? phrases.NoTransaction() : phrases.Transaction(profile);

        if (significant.Count > 0)
        {
            var actions = significant.Select(phrases.Actions).ToList();
            var plan = new List<string>();
            for (var round = 0; round < 2 && plan.Count < IncidentReportFormat.MaxPoints; round++)
            {
                foreach (var steps in actions)
                {
                    if (round < steps.Count && plan.Count < IncidentReportFormat.MaxPoints && !plan.Contains(steps[round]))
                    {
                        plan.Add(steps[round]);
                    }
                }
            }

            return new IncidentReportContent(
                $"{phrases.AlertSentence()} {phrases.Headline(significant[0], profile)}",
                transaction,
                [.. significant.Select(f => phrases.Point(f, profile))],
                plan,
                OperatingNormally: false);
        }

        if (profile is null)
        {
            // Nothing was measured, so nothing can be called normal: say so and point at where to look.
            return new IncidentReportContent(
                $"{phrases.AlertSentence()} {phrases.NoProfileHeadline()}",
                transaction,
                [phrases.NoProfilePoint()],
                phrases.NoProfileActions(),
                OperatingNormally: false);
        }

        var calm = findings.OfType<NoSignificantProblemFinding>().FirstOrDefault()
            ?? new NoSignificantProblemFinding(FindingSeverity.Info, 0, profile.DurationMs, 0, null, null, 0);
        return new IncidentReportContent(
            $"{phrases.AlertSentence()} {phrases.NormalHeadline()}",
            transaction,
            [phrases.NormalPoint(calm, profile)],
            phrases.NormalActions(),
            OperatingNormally: true);
    }

    /// <summary>Findings matching the alert kind first, the others after, each in the analyzer's order.</summary>
    private static IEnumerable<Finding> Prioritize(string kind, IEnumerable<Finding> findings)
    {
        var list = findings.ToList();
        return list.Where(f => Matches(kind, f)).Concat(list.Where(f => !Matches(kind, f)));
    }

    private static bool Matches(string kind, Finding finding) => (kind, finding) switch
    {
        (AlertKinds.SlowSql, DominantSqlFinding or RepeatedSqlFinding) => true,
        (AlertKinds.ExcessiveSql, RepeatedSqlFinding or ExcessiveSqlFinding) => true,
        (AlertKinds.ExcessiveRows, ExcessiveRowsFinding) => true,
        (AlertKinds.DbConnectionWait, ConnectionWaitFinding) => true,
        (AlertKinds.ExternalDelay, SlowExternalFinding) => true,
        (AlertKinds.Exception or AlertKinds.ErrorRate, ExceptionFinding) => true,
        _ => false,
    };
}
