using System.Text.Json;
using Argus.AI.Providers;
using Argus.AI.Roles;
using Microsoft.Extensions.AI;

namespace Argus.Operations.ChangeTracking;

/// <summary>The <c>application_health_report_format</c> answer of the <c>change-tracker</c> role.</summary>
public sealed record ApplicationHealthReport(IReadOnlyList<HealthReportApplication> Applications, string State, string Comment);

/// <summary>One application of the report.</summary>
public sealed record HealthReportApplication(string Name, double ApplicationId, string State, IReadOnlyList<string> Metric, string Comment);

/// <summary>
/// The deterministic report: the statistical judgement in the report format, one sentence per application from the
/// failing metrics' reasons. The built-in analyst answers with it, and the pipeline falls back to it.
/// </summary>
public static class ChangeReportWriter
{
    /// <summary>The label that says no LLM wrote the text.</summary>
    public const string Label = "[Argus built-in analyst, no LLM]";

    /// <summary>Writes the report of a judgement.</summary>
    public static ApplicationHealthReport Write(ChangeJudgement judgement, string? change)
    {
        ArgumentNullException.ThrowIfNull(judgement);
        var apps = judgement.Applications.Select(a =>
        {
            var failing = a.Metrics.Where(m => m.State == "WORSE").ToList();
            var comment = failing.Count == 0
                ? $"No metric is worse than before{(a.Basis == "absolute" ? " the absolute thresholds" : " (the same window a day and a week earlier)")}."
                : "Worse: " + string.Join("; ", failing.Select(m => $"{m.Metric} ({m.Reason})")) + ".";
            if (a.Note is not null)
            {
                comment = a.Note + " " + comment;
            }

            return new HealthReportApplication(a.Name, a.ApplicationId, a.State, a.Metric, comment);
        }).ToList();
        var unstable = apps.Count(a => a.State == HealthStates.Unstable);
        var mostly = apps.Count(a => a.State == HealthStates.MostlyStable);
        var summary = $"{Label} After {change ?? "the change"}: {unstable} of {apps.Count} application(s) unstable, {mostly} mostly stable.";
        return new ApplicationHealthReport(apps, judgement.State, summary);
    }
}

/// <summary>
/// The built-in analyst's <c>change-tracker</c>: reads the judgement the pipeline passes as a variable and answers the
/// deterministic report. Called directly without one, it answers an empty STABLE report that says so.
/// </summary>
public sealed class ChangeTrackerAnalyst : IBuiltInRoleAnalyst
{
    /// <inheritdoc />
    public string RoleCode => BuiltInRoles.ChangeTracker;

    /// <inheritdoc />
    public string Answer(IReadOnlyDictionary<string, string> variables, IReadOnlyList<ChatMessage> messages, ChatResponseFormat? format)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ChangeJudgement? judgement = null;
        if (variables.TryGetValue("judgement", out var json) && json.Length > 2)
        {
            try
            {
                judgement = JsonSerializer.Deserialize(json, ChangeTrackingJsonContext.Default.ChangeJudgement);
            }
            catch (JsonException)
            {
                judgement = null;
            }
        }

        var report = judgement is null
            ? new ApplicationHealthReport([], HealthStates.Stable, $"{ChangeReportWriter.Label} No statistical judgement was given, so there is nothing to report.")
            : ChangeReportWriter.Write(judgement, variables.GetValueOrDefault("change"));
        return JsonSerializer.Serialize(report, ChangeTrackingJsonContext.Default.ApplicationHealthReport);
    }
}
