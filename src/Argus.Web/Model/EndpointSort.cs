namespace Argus.Web.Model;

/// <summary>
/// The order of a service's endpoints table, kept in the URL as <c>?sort=p95&amp;dir=desc</c>: any column, either way.
/// Clicking a column's header sorts by it (numbers largest first, the name A to Z); clicking it again turns the order round.
/// </summary>
internal sealed record EndpointSort(string Column, bool Descending)
{
    public const string SortParameter = "sort";
    public const string DirectionParameter = "dir";

    /// <summary>The columns in their order on the page, with their headers.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> Columns =
    [
        ("endpoint", "Endpoint"), ("requests", "Requests"), ("errors", "Errors"), ("rate", "Error rate"),
        ("p50", "p50"), ("p90", "p90"), ("p95", "p95"), ("p99", "p99"),
    ];

    /// <summary>The busiest first, as the table opens.</summary>
    public static readonly EndpointSort Default = new("requests", true);

    /// <summary>The URL's sort; an unknown column falls back to <see cref="Default"/> and <paramref name="problem"/> says so.</summary>
    public static EndpointSort Parse(string? sort, string? direction, out string? problem)
    {
        problem = null;
        var column = string.IsNullOrWhiteSpace(sort) ? Default.Column : sort.Trim().ToLowerInvariant();
        if (!Columns.Any(c => c.Key == column))
        {
            problem = $"'{sort}' is not a column of the endpoints table ({string.Join(", ", Columns.Select(c => c.Key))}); sorting by requests.";
            return Default;
        }

        var descending = direction?.Trim().ToLowerInvariant() switch
        {
            "asc" => false,
            "desc" => true,
            _ => column != "endpoint",
        };
        return new EndpointSort(column, descending);
    }

    /// <summary>The sort a click on <paramref name="column"/>'s header asks for.</summary>
    public EndpointSort Toggle(string column) => column == Column ? this with { Descending = !Descending } : new EndpointSort(column, column != "endpoint");

    public string DirectionText => Descending ? "desc" : "asc";

    /// <summary>The rows in this order; ties keep the endpoint names' order, so the table never shuffles on reload.</summary>
    public IReadOnlyList<EndpointRow> Apply(IEnumerable<EndpointRow> rows)
    {
        var byName = rows.OrderBy(r => r.Endpoint, StringComparer.Ordinal);
        if (Column == "endpoint")
        {
            return Descending ? [.. rows.OrderByDescending(r => r.Endpoint, StringComparer.Ordinal)] : [.. byName];
        }

        Func<EndpointRow, double> key = Column switch
        {
            "requests" => r => r.Requests,
            "errors" => r => r.Errors,
            "rate" => r => r.ErrorRate ?? -1,
            "p50" => r => r.P50Ms,
            "p90" => r => r.P90Ms,
            "p95" => r => r.P95Ms,
            _ => r => r.P99Ms,
        };
        return Descending ? [.. byName.OrderByDescending(key)] : [.. byName.OrderBy(key)];
    }
}
