using System.Security.Cryptography;
using System.Text;
using Argus.Core;
using Argus.Core.Alerting;
using Argus.Core.Telemetry;

namespace Argus.Operations.Alerting;

/// <summary>An alert raised outside Argus (Prometheus Alertmanager), as received.</summary>
/// <param name="Name">The alert's name (<c>alertname</c>).</param>
/// <param name="Firing">True while firing, false when resolved.</param>
/// <param name="Labels">All labels.</param>
/// <param name="Annotations">All annotations (summary, description).</param>
/// <param name="StartsAt">When it started.</param>
/// <param name="EndsAt">When it ended, if resolved.</param>
/// <param name="Fingerprint">The source's identity of the alert (labels hash); de-duplicates repeated posts.</param>
public sealed record ExternalAlert(
    string Name,
    bool Firing,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? Fingerprint);

/// <summary>What became of the alerts of one post.</summary>
/// <param name="Received">Alerts in the post.</param>
/// <param name="Reported">New firings queued for an incident report.</param>
/// <param name="Resolved">Alerts marked resolved.</param>
/// <param name="Alerts">The ids of the alerts in Argus's history, in the post's order.</param>
public sealed record ExternalAlertsResult(int Received, int Reported, int Resolved, IReadOnlyList<string> Alerts);

/// <summary>
/// Turns external alerts into Argus alerts with incident reports: each alert is matched to a service Argus knows by its
/// labels (<c>service</c>, <c>service_name</c>, <c>app</c>, <c>application</c>, <c>job</c>, ...), and the report is made from
/// the worst transaction of that service around the alert's start (an erroring one first, else the slowest).
/// A repeated post of the same firing alert updates it instead of reporting again.
/// </summary>
public sealed class ExternalAlertIngestor(IAlertStore store, IAlertReporter reporter, ITelemetryReader telemetry, IAlertSignalReader signals, TimeProvider time)
{
    /// <summary>Labels that name the service, most specific first.</summary>
    public static IReadOnlyList<string> ServiceLabels { get; } = ["service", "service_name", "service.name", "app", "application", "app_kubernetes_io_name", "job", "container"];

    /// <summary>Labels that name the phase (environment).</summary>
    public static IReadOnlyList<string> PhaseLabels { get; } = ["env", "environment", "deployment_environment", "phase", "stage"];

    /// <summary>How far before the alert's start the transactions are searched.</summary>
    public static TimeSpan Lookback { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Records the alerts and queues reports of the new firings.</summary>
    public async Task<ExternalAlertsResult> IngestAsync(string tenantId, string source, IReadOnlyList<ExternalAlert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var now = time.GetUtcNow();
        var known = await telemetry.GetServicesAsync(tenantId, new TimeRange(now - TimeSpan.FromDays(1), now), cancellationToken);
        int reported = 0, resolved = 0;
        var ids = new List<string>(alerts.Count);
        foreach (var external in alerts)
        {
            var id = "alert_" + Identity(source, external);
            ids.Add(id);
            var existing = await store.GetAlertAsync(tenantId, id, cancellationToken);
            if (!external.Firing)
            {
                if (existing is { State: AlertState.Firing })
                {
                    var done = existing with { State = AlertState.Resolved, ResolvedAt = external.EndsAt ?? now, LastSeenAt = now, ResolutionNoticePending = true };
                    await store.SaveAlertAsync(done, cancellationToken);
                    reporter.TryReportResolved(new AlertFiring(done, null, time.GetTimestamp()));
                    resolved++;
                }

                continue;
            }

            if (existing is { State: AlertState.Firing })
            {
                await store.SaveAlertAsync(existing with { LastSeenAt = now }, cancellationToken);
                continue;
            }

            var service = MatchService(external.Labels, known);
            var phase = PhaseLabels.Select(l => external.Labels.GetValueOrDefault(l)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            var start = external.StartsAt > now || external.StartsAt == default ? now : external.StartsAt;
            var window = new TimeRange(start - Lookback, now > start ? now : start + TimeSpan.FromSeconds(1));
            var worst = AlertSignalResult.None;
            if (service is not null)
            {
                worst = await signals.QueryAlertSignalAsync(tenantId, new AlertSignalQuery(AlertSignal.ServerError, window, service), cancellationToken);
                if (worst.WorstTraceId is null)
                {
                    worst = await signals.QueryAlertSignalAsync(tenantId, new AlertSignalQuery(AlertSignal.SlowServer, window, service), cancellationToken);
                }
            }

            var alert = new AlertRecord
            {
                Id = id,
                TenantId = tenantId,
                RuleName = external.Name,
                Kind = "external",
                Source = source,
                Service = service ?? ServiceLabels.Select(l => external.Labels.GetValueOrDefault(l)).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
                Phase = phase,
                State = AlertState.Firing,
                Condition = external.Annotations.GetValueOrDefault("summary") ?? external.Annotations.GetValueOrDefault("description") ?? external.Name,
                StartsAt = start,
                LastSeenAt = now,
                WindowStart = window.From,
                WindowEnd = window.To,
                Occurrences = 1,
                Value = worst.WorstValue,
                Instances = worst.Instances,
                TraceId = worst.WorstTraceId?.ToString(),
                Labels = external.Labels,
            };
            // Stored before it is handed to the reporter, whose incident link must find it.
            await store.SaveAlertAsync(alert, cancellationToken);
            if (!reporter.TryReport(new AlertFiring(alert, null, time.GetTimestamp())))
            {
                await store.SaveAlertAsync(alert with { Suppressed = AlertEvaluatorService.ReportQueueFull }, cancellationToken);
            }
            else
            {
                reported++;
            }
        }

        return new ExternalAlertsResult(alerts.Count, reported, resolved, ids);
    }

    private static string? MatchService(IReadOnlyDictionary<string, string> labels, IReadOnlyList<ServiceSummary> known)
    {
        foreach (var label in ServiceLabels)
        {
            if (labels.GetValueOrDefault(label) is { Length: > 0 } value
                && known.FirstOrDefault(s => string.Equals(s.Name, value, StringComparison.OrdinalIgnoreCase)) is { } match)
            {
                return match.Name;
            }
        }

        return null;
    }

    // The same alert (labels) from the same source firing since the same time is one alert; a new firing of it is another.
    private static string Identity(string source, ExternalAlert alert)
    {
        var key = new StringBuilder(source).Append('|').Append(alert.Fingerprint ?? string.Join(',', alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        key.Append('@').Append(alert.StartsAt.ToUnixTimeMilliseconds());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16];
    }
}
