using System.Text.Json;
using Argus.AI.Providers;
using Argus.AI.Roles;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Reports;
using Microsoft.Extensions.AI;

namespace Argus.Operations.IncidentReports;

/// <summary>
/// The built-in analyst's <c>alert-analyzer</c>: reads the alert, profile and findings the incident pipeline passes as
/// variables and writes the report with <see cref="IncidentReportWriter"/>, as JSON when the role asks for its schema.
/// Called directly by a user (no structured input), it writes the "nothing to analyse" report of an empty profile.
/// </summary>
public sealed class AlertAnalyzerAnalyst : IBuiltInRoleAnalyst
{
    public string RoleCode => BuiltInRoles.AlertAnalyzer;

    public string Answer(IReadOnlyDictionary<string, string> variables, IReadOnlyList<ChatMessage> messages, ChatResponseFormat? format)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var language = variables.GetValueOrDefault(IncidentReporter.LanguageCodeVariable)
            ?? (variables.GetValueOrDefault("language") is { } name && name.StartsWith("Korean", StringComparison.OrdinalIgnoreCase) ? "ko" : "en");
        var subject = Read(variables, IncidentReporter.SubjectVariable, AnalysisJsonContext.Default.AlertSubject)
            ?? new AlertSubject(
                variables.GetValueOrDefault("alert", "alert"), "unknown", variables.GetValueOrDefault("service", "unknown"), "", "", default, default, 0, []);
        var profile = Read(variables, "profile", AnalysisJsonContext.Default.TransactionProfile);
        var findings = Read(variables, "findings", AnalysisJsonContext.Default.IReadOnlyListFinding) ?? [];
        var content = IncidentReportWriter.Write(subject, profile, findings, language);
        return format is ChatResponseFormatJson
            ? JsonSerializer.Serialize(content, AnalysisJsonContext.Default.IncidentReportContent)
            : IncidentReportFormat.Render(content, language);
    }

    private static T? Read<T>(IReadOnlyDictionary<string, string> variables, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (!variables.TryGetValue(name, out var json) || json.Length < 3)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
