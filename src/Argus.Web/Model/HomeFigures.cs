using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Operations.Alerting;
using Argus.Operations.ChangeTracking;
using Argus.Operations.IncidentReports;

namespace Argus.Web.Model;

/// <summary>A service on the home: its figures now, in the same window a day and a week before, and per step now.</summary>
internal sealed record ServiceHealth(ServiceRow Now, ServiceRow DayBefore, ServiceRow WeekBefore, ServiceSeries Series);

/// <summary>A deployment with the verdict of its latest check that has one (null while none has run).</summary>
internal sealed record DeploymentRow(Deployment Deployment, DeploymentCheck? Judged, int Checks);

/// <summary>What the home shows. <see cref="NothingYet"/>: no span or log record has ever arrived for the tenant.</summary>
internal sealed record HomeView(
    IReadOnlyList<ServiceHealth> Services,
    IReadOnlyList<AlertRecord> FiringAlerts,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<DeploymentRow> Deployments,
    IReadOnlyList<IssueItem> TopIssues,
    bool NothingYet);

/// <summary>
/// Reads the home from the same services as the API: the telemetry store (three reads of all services' RED: the range's
/// figures with its steps, and the two earlier windows' figures), the alert, incident and deployment stores, and the issue board.
/// </summary>
internal sealed class HomeFigures(ITelemetryReader reader, IAlertStore alerts, IIncidentStore incidents, IDeploymentStore deployments, IIssueBoard issues)
{
    /// <summary>About this many points in each sparkline.</summary>
    public const int SparklinePoints = 30;

    public const int ListLimit = 5;

    /// <summary>Incidents and deployments of at least this long ago count as recent, whatever the range.</summary>
    private static readonly TimeSpan RecentAtLeast = TimeSpan.FromDays(7);

    private static readonly TimeSpan Day = TimeSpan.FromDays(1), Week = TimeSpan.FromDays(7);

    /// <summary>The sparklines' step over <paramref name="range"/> (the top issues' trends use the same).</summary>
    public static TimeSpan StepOf(TimeRange range) => IssueTrend.StepFor(range.Duration, SparklinePoints);

    public async Task<HomeView> ReadAsync(string tenant, TimeRange range, CancellationToken cancellationToken)
    {
        var services = HealthAsync(tenant, range, cancellationToken);
        var firing = alerts.QueryAlertsAsync(
            tenant, new AlertHistoryQuery(DateTimeOffset.UnixEpoch, range.To.AddMinutes(1), AlertState.Firing, Limit: 20), cancellationToken);
        var recentFrom = range.Duration > RecentAtLeast ? range.From : range.To - RecentAtLeast;
        var recentIncidents = incidents.QueryAsync(tenant, new IncidentQuery(recentFrom, range.To.AddMinutes(1), Limit: ListLimit), cancellationToken);
        var recentDeployments = DeploymentsAsync(tenant, cancellationToken);
        var baseline = new TimeRange(range.From - range.Duration, range.From);
        var top = issues.GetIssuesAsync(
            tenant, new IssueListQuery(range, baseline, range.From, null, 13, IssueSort.Count, ListLimit, SparklinePoints), cancellationToken);
        await Task.WhenAll(services, firing, recentIncidents, recentDeployments, top);

        var nothingYet = services.Result.Count == 0 && await NothingEverAsync(tenant, range.To, cancellationToken);
        return new HomeView(services.Result, firing.Result, recentIncidents.Result, recentDeployments.Result, top.Result, nothingYet);
    }

    // Four reads whatever the number of services: the services, then each window's RED of all services at once (the
    // range's by range and by sparkline step in one).
    private async Task<IReadOnlyList<ServiceHealth>> HealthAsync(string tenant, TimeRange range, CancellationToken cancellationToken)
    {
        var figures = new ServiceFigures(reader);
        var services = await reader.GetServicesAsync(tenant, range, cancellationToken);
        if (services.Count == 0)
        {
            return [];
        }

        var now = figures.RowsAndSeriesAsync(tenant, range, StepOf(range), cancellationToken);
        var day = figures.RowsAsync(tenant, Shift(range, Day), cancellationToken);
        var week = figures.RowsAsync(tenant, Shift(range, Week), cancellationToken);
        await Task.WhenAll(now, day, week);
        var (rows, series) = now.Result;
        return [.. services.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s =>
            new ServiceHealth(rows(s.Name, s.SpanCount), day.Result(s.Name, 0), week.Result(s.Name, 0), series(s.Name)))];
    }

    private async Task<IReadOnlyList<DeploymentRow>> DeploymentsAsync(string tenant, CancellationToken cancellationToken)
    {
        var list = await deployments.ListDeploymentsAsync(tenant, null, ListLimit, cancellationToken);
        var rows = new List<DeploymentRow>(list.Count);
        foreach (var d in list)
        {
            var checks = await deployments.GetChecksAsync(tenant, d.Id, cancellationToken);
            rows.Add(new DeploymentRow(d, checks.LastOrDefault(c => c.Verdict is not null), checks.Count));
        }

        return rows;
    }

    // Only asked when the range has no service: one span or one log record at any time is enough to say data came.
    private async Task<bool> NothingEverAsync(string tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ever = new TimeRange(DateTimeOffset.UnixEpoch, now.AddMinutes(5));
        return (await reader.GetServicesAsync(tenant, ever, cancellationToken)).Count == 0
            && (await reader.SearchLogsAsync(tenant, new LogQuery(ever, Limit: 1), cancellationToken)).Count == 0;
    }

    private static TimeRange Shift(TimeRange range, TimeSpan back) => new(range.From - back, range.To - back);
}
