using Argus.Core;
using Argus.Core.Telemetry;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>Log search, newest first: the filters live in the URL (<c>service</c>, <c>minSeverity</c>, <c>query</c>, <c>traceId</c>).</summary>
public sealed partial class Logs
{
    /// <summary>At most this many records are shown; one more is read to know whether there are more.</summary>
    internal const int Limit = 200;

    private static readonly string[] Levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    private readonly SearchForm _form = new();
    private IReadOnlyList<LogRecord>? _logs;
    private string? _problem;

    [SupplyParameterFromQuery(Name = "service")]
    public string? ServiceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "minSeverity")]
    public string? SeverityFilter { get; set; }

    [SupplyParameterFromQuery(Name = "query")]
    public string? QueryFilter { get; set; }

    [SupplyParameterFromQuery(Name = "traceId")]
    public string? TraceFilter { get; set; }

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var severity = 0;
        _form.MinSeverity = "";
        if (Blank(SeverityFilter) is { } severityText)
        {
            if (SeverityLevels.MinNumberOf(severityText) is { } named)
            {
                severity = named;
                _form.MinSeverity = SeverityLevels.NameOf(named);
            }
            else if (int.TryParse(severityText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 24)
            {
                severity = number;
                _form.MinSeverity = number == 0 ? "" : SeverityLevels.NameOf(number);
            }
            else
            {
                problems.Add($"'{severityText}' is not a severity (TRACE, DEBUG, INFO, WARN, ERROR, FATAL or 0-24); searching without it.");
            }
        }

        TraceId? trace = null;
        if (Blank(TraceFilter) is { } traceText)
        {
            if (TraceId.TryParse(traceText, out var parsed))
            {
                trace = parsed;
            }
            else
            {
                problems.Add($"'{traceText}' is not a trace id (32 hexadecimal characters); searching without it.");
            }
        }

        _problem = problems.Count == 0 ? null : string.Join(" ", problems);
        _form.Service = ServiceFilter;
        _form.Query = QueryFilter;
        _form.TraceId = TraceFilter;
        var found = await Reader.SearchLogsAsync(
            Tenant, new LogQuery(Window, Blank(ServiceFilter), severity, Blank(QueryFilter), trace, Limit + 1), cancellationToken);
        // Newest first (the reader answers so; the order is kept explicit here, as the API's issue samples do).
        _logs = [.. found.OrderByDescending(l => l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano)];
    }

    // The search writes the filters into the URL; the page then loads from the URL like any link or reload.
    private void Search() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["service"] = Blank(_form.Service),
        ["minSeverity"] = Blank(_form.MinSeverity),
        ["query"] = Blank(_form.Query),
        ["traceId"] = Blank(_form.TraceId),
    }));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class SearchForm
    {
        public string? Service { get; set; }

        public string MinSeverity { get; set; } = "";

        public string? Query { get; set; }

        public string? TraceId { get; set; }
    }
}
