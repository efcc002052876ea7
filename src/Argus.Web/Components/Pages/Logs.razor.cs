using Argus.Core;
using Argus.Core.Links;
using Argus.Core.Telemetry;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Argus.Web.Components.Pages;

/// <summary>
/// Log search, newest first: the filters live in the URL (<c>service</c>, <c>minSeverity</c>, <c>query</c>,
/// <c>traceId</c>), and so does the live tail (<c>live=1</c>): on the live connection, the store is asked every
/// <see cref="TailInterval"/> for records newer than the newest shown, which go on top (at most <see cref="Limit"/>
/// rows are kept); while the reader has scrolled down, they are held back and counted instead.
/// </summary>
public sealed partial class Logs
{
    /// <summary>At most this many records are shown; one more is read to know whether there are more.</summary>
    internal const int Limit = 200;

    /// <summary>How often the live tail asks the store.</summary>
    internal static readonly TimeSpan TailInterval = TimeSpan.FromSeconds(2);

    private static readonly string[] Levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    private readonly SearchForm _form = new();
    private List<LogRecord>? _logs;
    private string? _problem;
    private LogQuery? _query;
    private CancellationTokenSource? _tail;
    private IJSObjectReference? _scroll;

    /// <summary>Records the tail found while the reader was scrolled down, newest first.</summary>
    private List<LogRecord> _held = [];

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "live")]
    public string? LiveFilter { get; set; }

    private bool Live => LiveFilter is "1" or "true";

    private string LiveLink => Navigation.GetUriWithQueryParameter("live", Live ? null : "1");

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
        StopTail();
        _query = new LogQuery(Window, Blank(ServiceFilter), severity, Blank(QueryFilter), trace, Limit + 1);
        var found = await Reader.SearchLogsAsync(Tenant, _query, cancellationToken);
        // Newest first (the reader answers so; the order is kept explicit here, as the API's issue samples do).
        _logs = [.. found.OrderByDescending(Nanos)];
        _held = [];

        if (Live)
        {
            _tail = Poll(TailInterval, TailOnceAsync);
        }
    }

    // One ask of the live tail: records newer than the newest shown or held; records of that same instant are asked
    // again and left out when known.
    private async Task TailOnceAsync(CancellationToken cancellationToken)
    {
        var newest = _held.Concat(_logs!).Select(Nanos).DefaultIfEmpty(_query!.Range.FromUnixNano).Max();
        var since = TimeRange.FromUnixNanoToTime(newest);
        var now = Time.GetUtcNow();
        var query = _query with { Range = new TimeRange(since, now > since ? now.AddMinutes(1) : since.AddMinutes(1)) };
        var known = _held.Concat(_logs!).Where(l => Nanos(l) == newest).Select(Key).ToHashSet();
        var fresh = (await Reader.SearchLogsAsync(Tenant, query, cancellationToken))
            .Where(l => !known.Contains(Key(l)))
            .OrderByDescending(Nanos)
            .ToList();
        _held.InsertRange(0, fresh);
        if (_held.Count > 0 && !await ScrolledDownAsync())
        {
            ShowHeld();
        }
    }

    // The held records go on top; the list keeps the newest Limit (+1, so the page still says when there are more).
    private void ShowHeld()
    {
        _logs!.InsertRange(0, _held);
        _held = [];
        if (_logs.Count > Limit + 1)
        {
            _logs.RemoveRange(Limit + 1, _logs.Count - Limit - 1);
        }
    }

    private async Task BackToTopAsync()
    {
        ShowHeld();
        _scroll ??= await JS.InvokeAsync<IJSObjectReference>("import", ScrollModule);
        await _scroll.InvokeVoidAsync("toTop");
    }

    private async Task<bool> ScrolledDownAsync()
    {
        _scroll ??= await JS.InvokeAsync<IJSObjectReference>("import", ScrollModule);
        return await _scroll.InvokeAsync<bool>("scrolledDown");
    }

    private const string ScrollModule = "./_content/Argus.Web/Components/Pages/Logs.razor.js";

    private void StopTail()
    {
        _tail?.Cancel();
        _tail?.Dispose();
        _tail = null;
    }

    private protected override void OnDisposing()
    {
        StopTail();
        // The module is a browser object: it goes with the circuit; releasing it here could wait on a closed connection.
        _scroll = null;
    }

    private static long Nanos(LogRecord l) => l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano;

    private static (long, string, string, SpanId) Key(LogRecord l) => (Nanos(l), l.ServiceName, l.Body, l.SpanId);

    private static string IssueLink(ulong issueId) => ConsolePaths.Issue(issueId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));

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
