using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.AI.Gateway;
using Argus.AI.Roles;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Reports;
using Argus.Core.Links;
using Argus.Core;
using Argus.Core.Telemetry;
using Argus.Operations.Alerting;
using Argus.Operations.Notifications;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Operations.IncidentReports;

/// <summary>
/// From a firing to a delivered report: the representative transaction is read and profiled, the analyzers measure,
/// the <c>alert-analyzer</c> role writes the four sections (its chain ends in the built-in analyst, and if the whole
/// chain fails the same deterministic writer is called here, so a report is always produced), the incident is stored,
/// and the report is handed to the rule's channels.
/// </summary>
public sealed partial class IncidentReporter(
    ITelemetryReader telemetry,
    IRoleResolver roles,
    UseCaseRoleCaller roleCaller,
    IIncidentStore incidents,
    IAlertStore alerts,
    NotificationDispatcher notifications,
    TimeProvider time,
    IOptions<AlertingOptions> options,
    IConsoleLinks links,
    ILogger<IncidentReporter> logger)
{
    /// <summary>How much before and after the firing a linked service page shows.</summary>
    private static readonly TimeSpan LinkMargin = TimeSpan.FromMinutes(30);

    /// <summary>The client id the incident pipeline calls roles as (call log, rate limits).</summary>
    public const string ClientId = "argus:incident-reports";

    /// <summary>Variables the pipeline passes beside the template's, for the built-in analyst.</summary>
    internal const string SubjectVariable = "subject";

    internal const string LanguageCodeVariable = "languageCode";

    /// <summary>Writes, stores and sends the report of a firing.</summary>
    public async Task<Incident> ReportAsync(AlertFiring firing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firing);
        var alert = firing.Alert;
        var tenant = alert.TenantId;

        // A report cut off by a stop after it was stored and sent but before its alert was linked to it is queued again at
        // the next start: it is linked now instead of written and sent twice.
        var earlier = await incidents.QueryAsync(tenant, new IncidentQuery(alert.StartsAt - TimeSpan.FromMinutes(1), time.GetUtcNow() + TimeSpan.FromMinutes(1), RuleId: alert.RuleId, Limit: 200), cancellationToken);
        if (earlier.FirstOrDefault(i => i.AlertId == alert.Id) is { } reported)
        {
            await alerts.LinkIncidentAsync(alert.TenantId, alert.Id, reported.Id, cancellationToken);
            return reported;
        }

        // The worst occurrence started inside the window; its trace may have begun up to an hour earlier.
        var around = new TimeRange(alert.WindowStart - TimeSpan.FromHours(1), alert.WindowEnd + TimeSpan.FromMinutes(5));
        var (spans, logs) = await ReadTransactionAsync(tenant, alert.TraceId, around, cancellationToken);
        var profile = spans.Count > 0 ? TransactionProfileBuilder.Build(spans, logs) : null;
        var findings = profile is null ? [] : ProfileAnalyzer.Analyze(profile);
        var language = firing.Rule?.Language
            ?? (await incidents.GetSettingsAsync(tenant, cancellationToken)).Language
            ?? options.Value.DefaultLanguage;
        var subject = new AlertSubject(
            alert.RuleName, alert.Kind, alert.Service ?? profile?.Service ?? "unknown", alert.Phase ?? profile?.Environment ?? "",
            alert.Condition, alert.WindowStart, alert.WindowEnd, (int)Math.Min(alert.Occurrences, int.MaxValue),
            [.. alert.Instances.Select(i => new AlertInstanceCount(i.Instance, (int)Math.Min(i.Count, int.MaxValue)))])
        {
            Project = await roles.TenantNameAsync(tenant, cancellationToken),
            WorstValue = alert.Value,
        };
        var alertText = AlertText.Render(subject, options.Value.Product);
        var profileJson = profile is null ? "{}" : JsonSerializer.Serialize(profile, AnalysisJsonContext.Default.TransactionProfile);
        var findingsJson = JsonSerializer.Serialize(findings, AnalysisJsonContext.Default.IReadOnlyListFinding);

        var written = await WriteAsync(tenant, subject, alertText, profile, profileJson, findings, findingsJson, language, cancellationToken);
        var reportText = IncidentReportFormat.Render(written.Result, language);
        var reportJson = JsonSerializer.SerializeToElement(written.Result, AnalysisJsonContext.Default.IncidentReportContent);
        var incident = new Incident
        {
            Id = "inc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            TenantId = tenant,
            AlertId = alert.Id,
            RuleId = alert.RuleId,
            RuleName = alert.RuleName,
            Kind = alert.Kind,
            Service = subject.Service,
            Phase = alert.Phase,
            FiredAt = alert.StartsAt,
            CreatedAt = time.GetUtcNow(),
            Language = language,
            AlertText = alertText,
            ReportText = reportText,
            Report = reportJson,
            Profile = profile is null ? null : JsonDocument.Parse(profileJson).RootElement.Clone(),
            Findings = JsonDocument.Parse(findingsJson).RootElement.Clone(),
            TraceId = alert.TraceId,
            RoleCode = BuiltInRoles.AlertAnalyzer,
            RoleVersion = written.RoleVersion,
            Provider = written.Provider,
            Model = written.Model,
            CallId = written.CallId,
            BuiltIn = written.BuiltIn,
            GatewayError = written.Error,
        };

        var message = Message(incident, written.Result, alert);
        var channels = firing.Rule is { Channels.Count: > 0 } rule ? rule.Channels : null;
        var dispatched = await notifications.DispatchAsync(tenant, message, channels, cancellationToken);
        incident = incident with
        {
            PipelineMs = time.GetElapsedTime(firing.FiredTimestamp).TotalMilliseconds,
            DeliveryIds = [.. dispatched.Deliveries.Select(d => d.DeliveryId)],
        };
        await incidents.SaveAsync(incident, cancellationToken);
        await alerts.LinkIncidentAsync(alert.TenantId, alert.Id, incident.Id, cancellationToken);
        LogReported(logger, incident.Id, alert.RuleName, tenant, incident.Model ?? "none", incident.PipelineMs);
        return incident;
    }

    /// <summary>Tells the rule's channels that an alert resolved.</summary>
    public async Task NotifyResolvedAsync(AlertFiring resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        var alert = resolved.Alert;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"[{options.Value.Product}] {alert.RuleName} resolved: [{alert.Condition}] on {alert.Service ?? "every service"}, firing {alert.StartsAt:yyyy-MM-dd HH:mm} ~ {alert.ResolvedAt:yyyy-MM-dd HH:mm}.");
        var data = new JsonObject { ["alertId"] = alert.Id, ["rule"] = alert.RuleName, ["service"] = alert.Service, ["incidentId"] = alert.IncidentId };
        await notifications.DispatchAsync(
            alert.TenantId,
            new NotificationMessage(NotificationEvents.AlertResolved, $"Resolved: {alert.RuleName}", "info", text)
            {
                Link = alert.Service is { } service ? links.To(ConsolePaths.Service(service, alert.StartsAt - LinkMargin, (alert.ResolvedAt ?? time.GetUtcNow()) + LinkMargin)) : null,
                Data = JsonSerializer.SerializeToElement(data, OperationsJsonContext.Default.JsonObject),
            },
            resolved.Rule is { Channels.Count: > 0 } rule ? rule.Channels : null,
            cancellationToken);

        // Handed to the channels (whose deliveries survive a restart): the notice is no longer owed.
        await alerts.ClearResolutionNoticeAsync(alert, cancellationToken);
    }

    private async Task<(IReadOnlyList<SpanRecord> Spans, IReadOnlyList<LogRecord> Logs)> ReadTransactionAsync(
        string tenant, string? traceHex, TimeRange around, CancellationToken cancellationToken)
    {
        if (!TraceId.TryParse(traceHex, out var traceId))
        {
            return ([], []);
        }

        var spans = await telemetry.GetTraceAsync(tenant, traceId, around, cancellationToken);
        if (spans.Count == 0)
        {
            return ([], []);
        }

        var start = TimeRange.FromUnixNanoToTime(spans.Min(s => s.StartTimeUnixNano));
        var end = TimeRange.FromUnixNanoToTime(spans.Max(s => s.EndTimeUnixNano));
        var logs = await telemetry.SearchLogsAsync(
            tenant, new LogQuery(new TimeRange(start - TimeSpan.FromMinutes(1), end + TimeSpan.FromMinutes(1)), TraceId: traceId, Limit: 200), cancellationToken);
        return (spans, logs);
    }

    private Task<RoleCallOutcome<IncidentReportContent>> WriteAsync(
        string tenant, AlertSubject subject, string alertText, TransactionProfile? profile, string profileJson, IReadOnlyList<Finding> findings,
        string findingsJson, string language, CancellationToken cancellationToken) =>
        roleCaller.CallAsync(
            tenant, BuiltInRoles.AlertAnalyzer, ClientId, "incident reports", "Write the incident report for this alert.",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["alert"] = alertText,
                ["service"] = subject.Service,
                ["profile"] = profileJson,
                ["findings"] = findingsJson,
                ["language"] = LanguageName(language),
                [SubjectVariable] = JsonSerializer.Serialize(subject, AnalysisJsonContext.Default.AlertSubject),
                [LanguageCodeVariable] = language,
            },
            ParseReport,
            () => IncidentReportWriter.Write(subject, profile, findings, language),
            cancellationToken);

    // The role answers in its JSON schema; an older or edited role may answer in the rendered text format.
    private static bool ParseReport(string text, out IncidentReportContent? content, out string? problem)
    {
        if (IncidentReportFormat.TryParseJson(text, out content, out var problems) && content is not null)
        {
            problem = null;
            return true;
        }

        if (IncidentReportFormat.TryParse(text, out var fromText, out var textProblems))
        {
            content = fromText;
            problem = null;
            return true;
        }

        content = null;
        problem = string.Join("; ", problems.Concat(textProblems));
        return false;
    }

    private NotificationMessage Message(Incident incident, IncidentReportContent content, AlertRecord alert)
    {
        var titles = IncidentReportFormat.SectionTitles(incident.Language);
        var numbered = (IReadOnlyList<string> points) => string.Join('\n', points.Select((p, i) => $"{i + 1}. {p}"));
        var data = new JsonObject
        {
            ["incidentId"] = incident.Id,
            ["alertId"] = alert.Id,
            ["rule"] = alert.RuleName,
            ["kind"] = alert.Kind,
            ["service"] = incident.Service,
            ["phase"] = incident.Phase,
            ["traceId"] = incident.TraceId,
            ["occurrences"] = alert.Occurrences,
            ["report"] = JsonNode.Parse(incident.Report.GetRawText()),
            ["findings"] = JsonNode.Parse(incident.Findings.GetRawText()),
            ["model"] = incident.Model,
        };
        var traceLink = incident.TraceId is { } trace ? links.To(ConsolePaths.Trace(trace)) : null;
        var serviceLink = incident.Service is { } service ? links.To(ConsolePaths.Service(service, incident.FiredAt - LinkMargin, incident.FiredAt + LinkMargin)) : null;
        data["links"] = new JsonObject { ["trace"] = traceLink?.AbsoluteUri, ["service"] = serviceLink?.AbsoluteUri };
        return new NotificationMessage(
            NotificationEvents.IncidentReport,
            $"[{options.Value.Product}] {alert.RuleName}: {alert.Condition} on {incident.Service}",
            alert.Kind is "exception" or "error_rate" ? "critical" : "warning",
            incident.AlertText + "\n\n" + incident.ReportText)
        {
            Sections =
            [
                new NotificationSection("Alert", incident.AlertText),
                new NotificationSection(titles[0], content.Summary),
                new NotificationSection(titles[1], content.Transaction),
                new NotificationSection(titles[2], numbered(content.ProfileAnalysis)),
                new NotificationSection(titles[3], numbered(content.ActionPlan)),
            ],
            Link = traceLink ?? serviceLink,
            Data = JsonSerializer.SerializeToElement(data, OperationsJsonContext.Default.JsonObject),
        };
    }

    private static string LanguageName(string code) => code switch
    {
        "ko" => "Korean",
        _ => "English",
    };

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Incident {Incident} reported for rule {Rule} of tenant {Tenant} by {Model} in {Milliseconds} ms")]
    private static partial void LogReported(ILogger logger, string incident, string rule, string tenant, string model, double milliseconds);

}
