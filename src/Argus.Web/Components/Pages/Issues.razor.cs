using Argus.Core;
using Argus.Core.Issues;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// Top issues over the range, against the range before it (as <c>/api/issues</c> ranks them, through the same
/// <see cref="IIssueBoard"/>): <c>service</c> and <c>sort</c> (count, delta, new) live in the URL.
/// </summary>
public sealed partial class Issues
{
    private const int Limit = 100;

    /// <summary>Steps in each issue's trend sparkline.</summary>
    private const int TrendSteps = 24;

    /// <summary>WARN and above, as the API's default (records with an exception always count).</summary>
    private const int MinSeverity = 13;

    private static readonly (string Key, string Label)[] Sorts = [("count", "count"), ("delta", "change"), ("new", "new first")];

    private IReadOnlyList<IssueItem>? _issues;
    private string _sort = "count";
    private string? _service;
    private string? _problem;
    private TimeSpan _step;

    [Inject]
    private IIssueBoard Board { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "service")]
    public string? ServiceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "sort")]
    public string? SortFilter { get; set; }

    private string? Service => string.IsNullOrWhiteSpace(ServiceFilter) ? null : ServiceFilter.Trim();

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        _service = Service;
        IssueSort? sort = (SortFilter ?? "count").Trim().ToLowerInvariant() switch
        {
            "count" => IssueSort.Count,
            "delta" => IssueSort.Delta,
            "new" => IssueSort.New,
            _ => null,
        };
        if (sort is null)
        {
            _problem = $"'{SortFilter}' is not a sort (count, delta, new); sorting by count.";
        }

        var by = sort ?? IssueSort.Count;
        _sort = by.ToString().ToLowerInvariant();
        var baseline = new TimeRange(Window.From - Window.Duration, Window.From);
        _step = IssueTrend.StepFor(Window.Duration, TrendSteps);
        _issues = await Board.GetIssuesAsync(Tenant, new IssueListQuery(Window, baseline, Window.From, Service, MinSeverity, by, Limit, TrendSteps), cancellationToken);
    }

    private void Search() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("service", string.IsNullOrWhiteSpace(_service) ? null : _service.Trim()));
}
