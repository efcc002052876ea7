using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.AI.Gateway;
using Argus.AI.Roles;
using Argus.AI.Schema;
using Argus.Core.Links;
using Argus.Operations.IncidentReports;
using Argus.Operations.Notifications;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Operations.ChangeTracking;

/// <summary>
/// Runs one check of a deployment: the health snapshots of every application (the window ending at the check's due
/// time, and the same a day and a week earlier), the statistical judgement, then the <c>change-tracker</c> role's
/// explanation in <c>application_health_report_format</c> (validated; a broken answer or a failed chain falls back to
/// the deterministic report). The statistics decide the state; the model's state is kept beside it. The verdict is
/// stored with the check and sent to channels per <see cref="ChangeTrackingOptions.Notify"/>.
/// </summary>
public sealed partial class ChangeTracker(
    HealthSnapshotReader snapshots,
    ChangeFollowUpReader followUps,
    IDeploymentStore store,
    UseCaseRoleCaller roleCaller,
    NotificationDispatcher notifications,
    TimeProvider time,
    IOptions<ChangeTrackingOptions> options,
    IConsoleLinks links,
    ILogger<ChangeTracker> logger)
{
    /// <summary>The client id the pipeline calls roles as (call log, rate limits).</summary>
    public const string ClientId = "argus:change-tracking";

    /// <summary>Event name of check reports sent to channels.</summary>
    public const string NotificationEvent = "deployment.check";

    private static readonly JsonElement Schema = JsonDocument.Parse(BuiltInRoles.ApplicationHealthReportSchema).RootElement.Clone();

    /// <summary>Runs a check now and stores its result; the window ends at the check's due time (or now, if that is earlier).</summary>
    public async Task<DeploymentCheck> RunAsync(Deployment deployment, DeploymentCheck check, string trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(check);
        var o = options.Value;
        var now = time.GetUtcNow();
        var at = check.DueAt <= now ? check.DueAt : now;
        var late = now - check.DueAt;
        DeploymentCheck result;
        try
        {
            var verdict = await MeasureAndExplainAsync(deployment, check, at, cancellationToken);
            var previous = (await store.GetChecksAsync(deployment.TenantId, deployment.Id, cancellationToken))
                .Where(c => c.Verdict is not null && c.Offset != check.Offset && c.DueAt < check.DueAt)
                .MaxBy(c => c.DueAt)?.Verdict?.State ?? HealthStates.Stable;
            result = check with
            {
                Status = "done",
                RanAt = now,
                LateBySeconds = Math.Max(0, late.TotalSeconds),
                Late = late > o.LateAfter,
                Trigger = trigger,
                Verdict = verdict,
                Error = null,
            };
            if (o.Notify == "all" || (o.Notify == "changes" && (verdict.State == HealthStates.Unstable || verdict.State != previous)))
            {
                var dispatched = await notifications.DispatchAsync(deployment.TenantId, Message(deployment, result, verdict, links), o.Channels.Count == 0 ? null : o.Channels, cancellationToken);
                result = result with { DeliveryIds = [.. dispatched.Deliveries.Select(d => d.DeliveryId)] };
            }

            LogChecked(logger, deployment.Id, check.Offset, deployment.TenantId, verdict.State, verdict.MeasureMs, result.LateBySeconds ?? 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckFailed(logger, deployment.Id, check.Offset, deployment.TenantId, ex);
            result = check with { Status = "failed", RanAt = now, LateBySeconds = Math.Max(0, late.TotalSeconds), Trigger = trigger, Error = ex.Message };
        }

        await store.SaveCheckAsync(result, cancellationToken);
        return result;
    }

    /// <summary>Snapshots, statistics and the role's explanation for the window ending at <paramref name="at"/>; stores nothing.</summary>
    public async Task<ChangeVerdict> MeasureAndExplainAsync(Deployment deployment, DeploymentCheck check, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(check);
        var o = options.Value;
        var started = Stopwatch.GetTimestamp();
        var newSince = deployment.StartedAt is { } s && check.OffsetSeconds >= 0 ? s : at - o.Window;
        var list = new List<ApplicationSnapshots>();
        for (var i = 0; i < deployment.Applications.Count; i++)
        {
            list.Add(await snapshots.ReadAsync(deployment.TenantId, deployment.Applications[i], i + 1, at, o.Window, newSince, o.MaxLatencySamples, cancellationToken));
        }

        var judgement = new ChangeJudge(o).Judge(list);
        var measureMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        var shown = (await followUps.ReadAsync(deployment.TenantId, list, judgement, o, cancellationToken))
            .Select(f => f with { Chart = ChartUrl(o, deployment.Id, check.Offset, f) })
            .ToList();
        var followUpMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var change = $"deployment {deployment.Id} of {string.Join(", ", deployment.Applications)}"
            + (deployment.Version is null ? "" : $" version {deployment.Version}")
            + (deployment.Environment is null ? "" : $" to {deployment.Environment}")
            + $", check {check.Offset} ({(check.OffsetSeconds < 0 ? "before" : "after")} the start)";
        var meta = await ExplainAsync(deployment.TenantId, change, list, judgement, cancellationToken);
        var report = meta.Result;

        var byId = report.Applications.GroupBy(a => (int)a.ApplicationId).ToDictionary(g => g.Key, g => g.First());
        var disagreements = new List<string>();
        var apps = judgement.Applications.Select(a =>
        {
            var model = byId.GetValueOrDefault(a.ApplicationId) ?? report.Applications.FirstOrDefault(r => r.Name == a.Name);
            if (model is not null && model.State != a.State)
            {
                disagreements.Add($"{a.Name}: the model said {model.State}, the statistics {a.State}; the statistics decide.");
            }

            return new VerdictApplication(a.Name, a.ApplicationId, a.State, model?.State, a.Metric, model?.Comment ?? "", a.Basis);
        }).ToList();
        if (report.State != judgement.State)
        {
            disagreements.Add($"overall: the model said {report.State}, the statistics {judgement.State}; the statistics decide.");
        }

        return new ChangeVerdict
        {
            State = judgement.State,
            ModelState = report.State,
            Comment = report.Comment,
            Applications = apps,
            Disagreements = disagreements,
            Report = JsonSerializer.SerializeToElement(report, ChangeTrackingJsonContext.Default.ApplicationHealthReport),
            Judgement = judgement,
            Snapshots = list,
            RoleVersion = meta.RoleVersion,
            Provider = meta.Provider,
            Model = meta.Model,
            CallId = meta.CallId,
            BuiltIn = meta.BuiltIn,
            GatewayError = meta.Error,
            MeasureMs = measureMs,
            FollowUps = shown,
            FollowUpMs = followUpMs,
        };
    }

    /// <summary>The address of a follow-up's chart (served by <c>GET /api/deployments/{id}/checks/{offset}/charts/{metric}.svg</c>).</summary>
    public static string ChartUrl(ChangeTrackingOptions options, string deploymentId, string offset, FollowUp followUp)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(followUp);
        var path = $"/api/deployments/{Uri.EscapeDataString(deploymentId)}/checks/{Uri.EscapeDataString(offset)}/charts/{Uri.EscapeDataString(followUp.Metric)}.svg"
            + $"?application={Uri.EscapeDataString(followUp.Application)}";
        return string.IsNullOrEmpty(options.PublicUrl) ? path : options.PublicUrl.TrimEnd('/') + path;
    }

    private Task<RoleCallOutcome<ApplicationHealthReport>> ExplainAsync(
        string tenant, string change, List<ApplicationSnapshots> list, ChangeJudgement judgement, CancellationToken cancellationToken) =>
        roleCaller.CallAsync(
            tenant, BuiltInRoles.ChangeTracker, ClientId, "change tracking", "Judge the health of each application after this change.",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["change"] = change,
                ["snapshots"] = JsonSerializer.Serialize(list, ChangeTrackingJsonContext.Default.IReadOnlyListApplicationSnapshots),
                ["judgement"] = JsonSerializer.Serialize(judgement, ChangeTrackingJsonContext.Default.ChangeJudgement),
            },
            TryParse,
            () => ChangeReportWriter.Write(judgement, change),
            cancellationToken);

    /// <summary>Parses and validates an answer against the strict schema.</summary>
    public static bool TryParse(string text, out ApplicationHealthReport? report, out string? problem)
    {
        report = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var problems = JsonSchemaSubset.Validate(Schema, doc.RootElement);
            if (problems.Count > 0)
            {
                problem = string.Join("; ", problems);
                return false;
            }

            report = doc.RootElement.Deserialize(ChangeTrackingJsonContext.Default.ApplicationHealthReport);
            problem = report is null ? "empty answer" : null;
            return report is not null;
        }
        catch (JsonException ex)
        {
            problem = "not JSON: " + ex.Message;
            return false;
        }
    }

    private static NotificationMessage Message(Deployment deployment, DeploymentCheck check, ChangeVerdict verdict, IConsoleLinks links)
    {
        // The first application's page from half an hour before the deployment to the check: the change on its charts.
        var start = deployment.StartedAt ?? deployment.PlannedAt ?? check.DueAt;
        var serviceLink = deployment.Applications.Count == 0 ? null
            : links.To(ConsolePaths.Service(deployment.Applications[0], start - TimeSpan.FromMinutes(30), check.DueAt > start ? check.DueAt : start + TimeSpan.FromMinutes(30)));
        var title = $"[{verdict.State}] {string.Join(", ", deployment.Applications)} {deployment.Version} — check {check.Offset}";
        var lines = verdict.Applications.Select(a =>
            $"{a.Name}: {a.State}{(a.Metric.Count == 0 ? "" : " (" + string.Join(", ", a.Metric) + ")")}{(a.ModelState is { } m && m != a.State ? $" — the model said {m}" : "")}. {a.Comment}");
        var charts = verdict.FollowUps.Select(f => $"{f.Application} {f.Metric}: {f.Chart}"
            + (f.Movers.Count == 0 ? "" : $" (moved most: {string.Join(", ", f.Movers.Take(3).Select(m => m.Name))})")).ToList();
        var text = title + (check.Late ? $" (ran {check.LateBySeconds:0} s late)" : "") + "\n" + verdict.Comment + "\n" + string.Join('\n', lines)
            + (charts.Count == 0 ? "" : "\nCharts:\n" + string.Join('\n', charts));
        var data = new JsonObject
        {
            ["deploymentId"] = deployment.Id,
            ["check"] = check.Offset,
            ["state"] = verdict.State,
            ["modelState"] = verdict.ModelState,
            ["late"] = check.Late,
            ["lateBySeconds"] = check.LateBySeconds,
            ["report"] = JsonNode.Parse(verdict.Report.GetRawText()),
            ["charts"] = new JsonArray([.. verdict.FollowUps.Select(f => (JsonNode?)new JsonObject { ["application"] = f.Application, ["metric"] = f.Metric, ["url"] = f.Chart })]),
            ["links"] = new JsonObject { ["service"] = serviceLink?.AbsoluteUri },
        };
        return new NotificationMessage(NotificationEvent, title, verdict.State switch
        {
            HealthStates.Unstable => "critical",
            HealthStates.MostlyStable => "warning",
            _ => "info",
        }, text)
        {
            Sections =
            [
                new NotificationSection("Summary", verdict.Comment),
                .. verdict.Applications.Select(a => new NotificationSection(a.Name + ": " + a.State, a.Comment)),
                .. charts.Count == 0 ? [] : new[] { new NotificationSection("Charts", string.Join('\n', charts)) },
            ],
            Link = serviceLink,
            Data = JsonSerializer.SerializeToElement(data, OperationsJsonContext.Default.JsonObject),
        };
    }

    [LoggerMessage(EventId = 5501, Level = LogLevel.Information, Message = "Deployment {Deployment} check {Offset} of tenant {Tenant}: {State} (measured in {Milliseconds} ms, {LateSeconds} s after due)")]
    private static partial void LogChecked(ILogger logger, string deployment, string offset, string tenant, string state, double milliseconds, double lateSeconds);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Warning, Message = "Deployment {Deployment} check {Offset} of tenant {Tenant} failed")]
    private static partial void LogCheckFailed(ILogger logger, string deployment, string offset, string tenant, Exception exception);

}
