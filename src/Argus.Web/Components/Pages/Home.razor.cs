using Argus.Core.Issues;
using Argus.Operations.Alerting;
using Argus.Operations.ChangeTracking;
using Argus.Operations.IncidentReports;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// The range at a glance: every service's requests, error rate and p95 with sparklines and their change against the
/// same window a day and a week before; firing alerts, top issues, recent deployments and incidents. "Get started"
/// while no telemetry has arrived for the tenant.
/// </summary>
public sealed partial class Home
{
    private HomeView? _view;

    [Inject]
    private IAlertStore Alerts { get; set; } = null!;

    [Inject]
    private IIncidentStore Incidents { get; set; } = null!;

    [Inject]
    private IDeploymentStore Deployments { get; set; } = null!;

    [Inject]
    private IIssueBoard Board { get; set; } = null!;

    [Inject]
    private IConsoleEndpoints Endpoints { get; set; } = null!;

    /// <summary>The sparklines' step, as words for their tooltips.</summary>
    private string StepLabel => Format.Span(HomeFigures.StepOf(Window));

    private protected override async Task LoadAsync(CancellationToken cancellationToken) =>
        _view = await new HomeFigures(Reader, Alerts, Incidents, Deployments, Board).ReadAsync(Tenant, Window, cancellationToken);
}
