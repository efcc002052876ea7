using Argus.Analysis.Sql;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Operations.ChangeTracking;
using Argus.Web.Components.Charts;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// One service: RED charts over the range (of the whole service, or of the endpoint in <c>?endpoint=</c>) with its
/// deployments marked, its endpoints sortable by any column (<c>?sort=p95&amp;dir=desc</c>), then its slowest SQL,
/// outgoing calls, failing spans and issues.
/// </summary>
public sealed partial class Service
{
    private const int SqlLimit = 5;
    private const int CallLimit = 10;
    private const int ErrorLimit = 10;
    private const int IssueLimit = 5;
    private const int DeploymentLimit = 100;

    /// <summary>WARN and above, as the issues page and the API count them.</summary>
    private const int IssueMinSeverity = 13;

    private IReadOnlyList<EndpointRow>? _endpoints;
    private bool _known;
    private EndpointSort _sort = EndpointSort.Default;
    private string? _endpoint;
    private string? _problem;
    private TimeSpan _step;
    private RedCharts? _charts;
    private IReadOnlyList<ChartMarker> _deployments = [];
    private IReadOnlyList<SqlRow> _sql = [];
    private IReadOnlyList<ExternalCallStats> _calls = [];
    private IReadOnlyList<ErrorSpanStats> _errors = [];
    private IReadOnlyList<IssueItem> _issues = [];

    [Parameter]
    public string Name { get; set; } = "";

    [SupplyParameterFromQuery(Name = "endpoint")]
    public string? EndpointFilter { get; set; }

    [SupplyParameterFromQuery(Name = EndpointSort.SortParameter)]
    public string? SortFilter { get; set; }

    [SupplyParameterFromQuery(Name = EndpointSort.DirectionParameter)]
    public string? DirectionFilter { get; set; }

    [Inject]
    private IServiceCallReader Calls { get; set; } = null!;

    [Inject]
    private IDeploymentStore Deployments { get; set; } = null!;

    [Inject]
    private IIssueBoard Board { get; set; } = null!;

    private string TracesLink => Traces.LinkTo(Range, Name, null);

    private string ChartsHint => $"per {ConsoleTimeRange.Format(_step)}" + _deployments.Count switch
    {
        0 => "",
        1 => ", 1 deployment marked",
        var n => $", {n} deployments marked",
    };

    private string ChartsOf => _endpoint is null ? "all endpoints" : _endpoint;

    /// <summary>A page filtered to this service (<c>?service=</c>), keeping the range.</summary>
    private string ServiceLink(string path) => Link(path) + (Range.QueryString.Length == 0 ? "?" : "&") + "service=" + Uri.EscapeDataString(Name);

    private string EndpointTracesLink(string endpoint) => Traces.LinkTo(Range, Name, endpoint);

    private string EndpointLink(string? endpoint) => Navigation.GetUriWithQueryParameter("endpoint", endpoint);

    private string SortLink(string column)
    {
        var next = _sort.Toggle(column);
        return Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [EndpointSort.SortParameter] = next.Column,
            [EndpointSort.DirectionParameter] = next.DirectionText,
        });
    }

    private string SortMark(string column) => column != _sort.Column ? "" : _sort.Descending ? " ▼" : " ▲";

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        var services = await Reader.GetServicesAsync(Tenant, Window, cancellationToken);
        _known = services.Any(s => s.Name == Name);
        if (!_known)
        {
            _endpoints = [];
            return;
        }

        _sort = EndpointSort.Parse(SortFilter, DirectionFilter, out var sortProblem);
        var endpoints = await new ServiceFigures(Reader).EndpointsAsync(Tenant, Name, Window, cancellationToken);
        _endpoint = string.IsNullOrWhiteSpace(EndpointFilter) ? null : EndpointFilter;
        if (_endpoint is not null && !endpoints.Any(e => e.Endpoint == _endpoint))
        {
            var endpointProblem = $"{Name} answered no request to '{_endpoint}' in the {Range.Label}; showing all its endpoints.";
            sortProblem = sortProblem is null ? endpointProblem : endpointProblem + " " + sortProblem;
            _endpoint = null;
        }

        _problem = sortProblem;
        _step = ChartSteps.For(Window);

        var red = Reader.GetRedAsync(Tenant, new RedQuery(Name, Window, _step, _endpoint, ByEndpoint: false), cancellationToken);
        var deployments = Deployments.ListDeploymentsAsync(Tenant, Name, DeploymentLimit, cancellationToken);
        var sql = Reader.GetSqlStatementsAsync(Tenant, new SqlQuery(Window, Name, SqlOrder.Total, SqlLimit), cancellationToken);
        var calls = Calls.GetExternalCallsAsync(Tenant, Name, Window, CallLimit, cancellationToken);
        var errors = Calls.GetErrorSpansAsync(Tenant, Name, Window, ErrorLimit, cancellationToken);
        var baseline = new Argus.Core.TimeRange(Window.From - Window.Duration, Window.From);
        var issues = Board.GetIssuesAsync(Tenant, new IssueListQuery(Window, baseline, Window.From, Name, IssueMinSeverity, IssueSort.Count, IssueLimit), cancellationToken);
        await Task.WhenAll(red, deployments, sql, calls, errors, issues);

        // A deployment is marked where it started (a planned one that has not started yet is not marked).
        _deployments = [.. (await deployments)
            .Where(d => d.StartedAt is { } at && at >= Window.From && at < Window.To)
            .OrderBy(d => d.StartedAt)
            .Select(d => new ChartMarker(d.StartedAt!.Value, "deploy " + (d.Version ?? d.Id)))];
        _charts = RedCharts.From(await red, ChartSteps.Grid(Window, _step), _step, _deployments);
        _endpoints = _sort.Apply(endpoints);
        _sql = [.. (await sql).Select(s => new SqlRow(s, SqlNormalizer.Analyze(s.SampleStatement)))];
        _calls = await calls;
        _errors = await errors;
        _issues = await issues;
    }

    private sealed record SqlRow(SqlStatementStats Stats, SqlShape Shape);
}
