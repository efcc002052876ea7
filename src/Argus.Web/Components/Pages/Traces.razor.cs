using System.Globalization;
using Argus.Core.Telemetry;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>Trace search: the filters live in the URL (<c>service</c>, <c>operation</c>, <c>minDurationMs</c>, <c>status</c>).</summary>
public sealed partial class Traces
{
    private const int Limit = 100;

    private readonly SearchForm _form = new();
    private IReadOnlyList<TraceSummary>? _traces;
    private IReadOnlyList<string> _services = [];
    private string? _problem;

    [SupplyParameterFromQuery(Name = "service")]
    public string? ServiceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "operation")]
    public string? OperationFilter { get; set; }

    [SupplyParameterFromQuery(Name = "minDurationMs")]
    public string? MinDurationFilter { get; set; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusFilter { get; set; }

    /// <summary>A link to the search for one service (and operation), keeping <paramref name="range"/>.</summary>
    internal static string LinkTo(ConsoleTimeRange range, string service, string? operation)
    {
        var link = "/traces" + range.QueryString;
        link += (link.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "service=" + Uri.EscapeDataString(service);
        return operation is null ? link : link + "&operation=" + Uri.EscapeDataString(operation);
    }

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        _form.Service = ServiceFilter;
        _form.Operation = OperationFilter;
        _form.Status = StatusFilter?.ToLowerInvariant() ?? "";
        double? min = null;
        if (!string.IsNullOrWhiteSpace(MinDurationFilter))
        {
            if (double.TryParse(MinDurationFilter, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0 && double.IsFinite(parsed))
            {
                min = parsed;
            }
            else
            {
                _problem = $"'{MinDurationFilter}' is not a duration in milliseconds; searching without it.";
            }
        }

        _form.MinDurationMs = min;
        SpanStatusCode? status = _form.Status switch
        {
            "error" => SpanStatusCode.Error,
            "ok" => SpanStatusCode.Ok,
            "unset" => SpanStatusCode.Unset,
            _ => null,
        };

        _services = [.. (await Reader.GetServicesAsync(Tenant, Window, cancellationToken)).Select(s => s.Name).Order(StringComparer.Ordinal)];
        _traces = await Reader.SearchTracesAsync(
            Tenant, new TraceQuery(Window, Blank(ServiceFilter), Blank(OperationFilter), min, status, Limit), cancellationToken);
    }

    // The search writes the filters into the URL; the page then loads from the URL like any link or reload.
    private void Search() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["service"] = Blank(_form.Service),
        ["operation"] = Blank(_form.Operation),
        ["minDurationMs"] = _form.MinDurationMs?.ToString(CultureInfo.InvariantCulture),
        ["status"] = Blank(_form.Status),
    }));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class SearchForm
    {
        public string? Service { get; set; }

        public string? Operation { get; set; }

        public double? MinDurationMs { get; set; }

        public string Status { get; set; } = "";
    }
}
