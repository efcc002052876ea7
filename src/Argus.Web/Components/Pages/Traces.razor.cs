using System.Globalization;
using Argus.Core.Links;
using Argus.Core.Telemetry;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// Trace search: the filters live in the URL (<c>service</c>, <c>operation</c>, <c>minDurationMs</c>,
/// <c>maxDurationMs</c>, <c>status</c>, <c>attr=key=value</c> repeated, <c>orderBy=start|duration</c>), with a
/// duration-over-time scatter of the traces found above the list.
/// </summary>
public sealed partial class Traces
{
    private const int Limit = 100;

    // The sortable columns: the store answers newest first; the page orders what it got.
    private static readonly string[] Orders = ["start", "duration"];

    private readonly SearchForm _form = new();
    private IReadOnlyList<TraceSummary>? _traces;
    private TraceScatter? _scatter;
    private IReadOnlyList<string> _services = [];
    private string? _problem;
    private string _order = "start";

    [SupplyParameterFromQuery(Name = "service")]
    public string? ServiceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "operation")]
    public string? OperationFilter { get; set; }

    [SupplyParameterFromQuery(Name = "minDurationMs")]
    public string? MinDurationFilter { get; set; }

    [SupplyParameterFromQuery(Name = "maxDurationMs")]
    public string? MaxDurationFilter { get; set; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusFilter { get; set; }

    [SupplyParameterFromQuery(Name = "attr")]
    public string[]? AttributeFilters { get; set; }

    [SupplyParameterFromQuery(Name = "orderBy")]
    public string? OrderFilter { get; set; }

    /// <summary>A link to the search for one service (and operation), keeping <paramref name="range"/>.</summary>
    internal static string LinkTo(ConsoleTimeRange range, string service, string? operation)
    {
        var link = "/traces" + range.QueryString;
        link += (link.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "service=" + Uri.EscapeDataString(service);
        return operation is null ? link : link + "&operation=" + Uri.EscapeDataString(operation);
    }

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        _form.Service = ServiceFilter;
        _form.Operation = OperationFilter;
        _form.Status = StatusFilter?.ToLowerInvariant() ?? "";
        var min = Duration(MinDurationFilter, problems);
        var max = Duration(MaxDurationFilter, problems);
        if (min > max)
        {
            problems.Add("The minimum duration is above the maximum; searching without the maximum.");
            max = null;
        }

        _form.MinDurationMs = min;
        _form.MaxDurationMs = max;
        var attributes = new List<TelemetryAttribute>();
        foreach (var text in AttributeFilters ?? [])
        {
            if (AttributeFilter.TryParse(text, out var pair))
            {
                attributes.Add(pair);
            }
            else
            {
                problems.Add($"'{text}' is not an attribute filter (key=value); searching without it.");
            }
        }

        if (attributes.Count > AttributeFilter.MaxPerQuery)
        {
            problems.Add($"At most {AttributeFilter.MaxPerQuery} attribute filters; searching with the first {AttributeFilter.MaxPerQuery}.");
            attributes = attributes[..AttributeFilter.MaxPerQuery];
        }

        _form.Attributes = AttributeText.Format(attributes);
        SpanStatusCode? status = _form.Status switch
        {
            "error" => SpanStatusCode.Error,
            "ok" => SpanStatusCode.Ok,
            "unset" => SpanStatusCode.Unset,
            _ => null,
        };
        _order = (OrderFilter ?? "start").Trim().ToLowerInvariant();
        if (!Orders.Contains(_order))
        {
            problems.Add($"'{OrderFilter}' is not an order (start, duration); newest first.");
            _order = "start";
        }

        _problem = problems.Count == 0 ? null : string.Join(" ", problems);
        _services = [.. (await Reader.GetServicesAsync(Tenant, Window, cancellationToken)).Select(s => s.Name).Order(StringComparer.Ordinal)];
        var found = await Reader.SearchTracesAsync(
            Tenant, new TraceQuery(Window, Blank(ServiceFilter), Blank(OperationFilter), min, status, Limit, max, attributes), cancellationToken);
        _scatter = TraceScatter.Build(found, Window);
        _traces = _order == "duration"
            ? [.. found.OrderByDescending(t => t.DurationMs).ThenByDescending(t => t.Start)]
            : [.. found.OrderByDescending(t => t.Start)];
    }

    private double? Duration(string? text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0 && double.IsFinite(parsed))
        {
            return parsed;
        }

        problems.Add($"'{text}' is not a duration in milliseconds; searching without it.");
        return null;
    }

    private string TraceLink(TraceSummary trace) => Link(ConsolePaths.Trace(trace.TraceId.ToString()));

    private string OrderLink(string key) => Navigation.GetUriWithQueryParameter("orderBy", key == "start" ? null : key);

    private static string Css(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    // The search writes the filters into the URL; the page then loads from the URL like any link or reload.
    private void Search()
    {
        var pairs = AttributeText.Parse(_form.Attributes, out var bad);
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["service"] = Blank(_form.Service),
            ["operation"] = Blank(_form.Operation),
            ["minDurationMs"] = _form.MinDurationMs?.ToString(CultureInfo.InvariantCulture),
            ["maxDurationMs"] = _form.MaxDurationMs?.ToString(CultureInfo.InvariantCulture),
            ["status"] = Blank(_form.Status),
            // A word that is no pair goes into the URL as it is, so that the page says what it did not understand.
            ["attr"] = pairs.Select(AttributeFilter.Format).Concat(bad).ToArray() is { Length: > 0 } all ? all : null,
        }));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class SearchForm
    {
        public string? Service { get; set; }

        public string? Operation { get; set; }

        public double? MinDurationMs { get; set; }

        public double? MaxDurationMs { get; set; }

        public string Status { get; set; } = "";

        public string? Attributes { get; set; }
    }
}
