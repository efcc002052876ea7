using Argus.Analysis.Sql;
using Argus.Core.Telemetry;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// Database statements grouped by fingerprint, each with its slowest statements' traces: <c>service</c> and
/// <c>orderBy</c> (total, avg, max, count) live in the URL.
/// </summary>
public sealed partial class Sql
{
    private const int Limit = 100;

    // The sortable columns, in their order on the page.
    private static readonly (string Key, string Label)[] Orders = [("count", "Count"), ("total", "Total"), ("avg", "Avg"), ("max", "Max")];

    private IReadOnlyList<Row>? _rows;
    private string _order = "total";
    private string? _service;
    private string? _problem;

    [SupplyParameterFromQuery(Name = "service")]
    public string? ServiceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "orderBy")]
    public string? OrderFilter { get; set; }

    private string? Service => string.IsNullOrWhiteSpace(ServiceFilter) ? null : ServiceFilter.Trim();

    // A statement links to the trace search of the service shown; its example traces are under it.
    private string TracesLink => Service is null ? Link("/traces") : Traces.LinkTo(Range, Service, null);

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        _service = Service;
        SqlOrder? order = (OrderFilter ?? "total").Trim().ToLowerInvariant() switch
        {
            "total" => SqlOrder.Total,
            "avg" or "average" => SqlOrder.Average,
            "max" => SqlOrder.Max,
            "count" => SqlOrder.Count,
            _ => null,
        };
        if (order is null)
        {
            _problem = $"'{OrderFilter}' is not an order (total, avg, max, count); ordering by total.";
        }

        var by = order ?? SqlOrder.Total;
        _order = by switch
        {
            SqlOrder.Average => "avg",
            SqlOrder.Max => "max",
            SqlOrder.Count => "count",
            _ => "total",
        };
        var stats = await Reader.GetSqlStatementsAsync(Tenant, new SqlQuery(Window, Service, by, Limit), cancellationToken);
        _rows = [.. stats.Select(s => new Row(s, SqlNormalizer.Analyze(s.SampleStatement)))];
    }

    private string OrderLink(string key) => Navigation.GetUriWithQueryParameter("orderBy", key);

    private void Search() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("service", string.IsNullOrWhiteSpace(_service) ? null : _service.Trim()));

    private sealed record Row(SqlStatementStats Stats, SqlShape Shape);
}
