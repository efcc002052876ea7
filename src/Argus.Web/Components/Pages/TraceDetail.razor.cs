using System.Globalization;
using Argus.Core;
using Argus.Core.Links;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Argus.Web.Components.Pages;

/// <summary>
/// One trace as a waterfall: the span tree of <see cref="Argus.Analysis.Profiles.TraceTree"/>, a bar per span on the
/// trace's time axis with its stretches on the critical path marked, SQL statements and exceptions on their spans,
/// collapsible subtrees, rows virtualized. <c>?span=</c> selects a span and opens its detail panel: its facts,
/// attributes, events with stack traces, SQL, external call, logs and issue.
/// </summary>
public sealed partial class TraceDetail
{
    /// <summary>The most log records the panel lists for a span; one more is read to know whether there are more.</summary>
    internal const int LogLimit = 100;

    /// <summary>The height of a waterfall row in pixels (the CSS's and <c>Virtualize</c>'s ItemSize).</summary>
    private const int RowHeight = 44;

    private TraceWaterfall? _waterfall;
    private (string Title, string Detail)? _problem;
    private string? _loaded; // tenant and trace of _waterfall: a change of ?span= alone does not read the trace again
    private SpanDetails? _selected;
    private WaterfallRow? _selectedRow;
    private IReadOnlyList<LogRecord> _logs = [];
    private IssueItem? _issue;
    private int _scrollTo = -1; // the visible position of a newly selected row, to scroll to once it is rendered
    private string? _scrolledTo;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Inject]
    private IIssueBoard Board { get; set; } = null!;

    [Parameter]
    public string TraceIdText { get; set; } = "";

    [SupplyParameterFromQuery(Name = "span")]
    public string? SpanFilter { get; set; }

    private IEnumerable<(double Percent, string Label)> Ticks =>
        _waterfall is null ? [] : Enumerable.Range(0, 5).Select(i => (i * 25.0, i == 0 ? "0" : Format.Ms(_waterfall.DurationMs * i / 4)));

    private static string Css(double percent) => percent.ToString("0.###", CultureInfo.InvariantCulture);

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        _selected = null;
        _selectedRow = null;
        _logs = [];
        _issue = null;
        if (!TraceId.TryParse(TraceIdText, out var id))
        {
            (_waterfall, _loaded) = (null, null);
            _problem = ("Not a trace id", $"'{TraceIdText}' is not a trace id: a trace id is 32 hexadecimal characters.");
            return;
        }

        // The trace is read once, on the live connection: reading and laying out 10,000 spans for the prerendered
        // page too would double the wait before the page answers a click (the waterfall is virtualized, so the
        // prerendered page would show no rows of it anyway).
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        var key = Tenant + "/" + id;
        if (_waterfall is null || _loaded != key)
        {
            (_waterfall, _loaded) = (null, null);
            var spans = await Reader.GetTraceAsync(Tenant, id, cancellationToken);
            if (spans.Count == 0)
            {
                _problem = ("Unknown trace", $"No spans of trace {id} are stored for this project (it may be older than the retention).");
                return;
            }

            (_waterfall, _loaded) = (TraceWaterfall.Build(spans), key);
        }

        if (string.IsNullOrWhiteSpace(SpanFilter))
        {
            return;
        }

        if (_waterfall.Find(SpanFilter.Trim()) is not { } found)
        {
            return; // the panel says the span is unknown
        }

        var span = found.Span;
        _selected = SpanDetails.Of(span, _waterfall.StartUnixNano);
        _selectedRow = found.Row;
        if (found.Row is { } row && row.SpanId != _scrolledTo)
        {
            _waterfall.Reveal(row.Index);
            _scrollTo = _waterfall.VisiblePosition(row.Index);
            _scrolledTo = row.SpanId;
        }

        // The span's own stretch of time, with a minute either side for records stamped a little before or after it.
        var around = new TimeRange(
            TimeRange.FromUnixNanoToTime(span.StartTimeUnixNano).AddMinutes(-1), TimeRange.FromUnixNanoToTime(span.EndTimeUnixNano).AddMinutes(1));
        var logs = await Reader.SearchLogsAsync(Tenant, new LogQuery(around, TraceId: id, SpanId: span.SpanId, Limit: LogLimit + 1), cancellationToken);
        _logs = [.. logs.OrderBy(l => l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano)];
        if (span.IssueId != 0)
        {
            // The board knows the issue only if the exception was grouped; its title names the link.
            var hour = new TimeRange(around.From.AddHours(-1), around.To.AddHours(1));
            _issue = (await Board.GetIssueAsync(Tenant, span.IssueId, hour, TimeSpan.FromHours(1), 1, cancellationToken))?.Issue;
        }
    }

    // A span selected by a link may be far down a virtualized list: bring its row into view (the rows are ItemSize high).
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_scrollTo >= 0)
        {
            var top = _scrollTo * RowHeight;
            _scrollTo = -1;
            await JS.InvokeVoidAsync("argusScrollIntoView", ".wf-body", top, RowHeight);
        }
    }

    // A span is selected through the URL, so that a link or a reload selects it too.
    private string SpanLink(string spanId) => Navigation.GetUriWithQueryParameter("span", spanId);

    private string CloseLink => Navigation.GetUriWithQueryParameter("span", (string?)null);

    private string ServiceLink(string service) => Link(ConsolePaths.Service(service));

    // The statements page of the span's service, at the row of its fingerprint.
    private string SqlLink(SpanDetails span)
    {
        var link = Link("/sql");
        return link + (link.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "service=" + Uri.EscapeDataString(span.Span.ServiceName) + "#sql-" + span.Fingerprint;
    }

    private static string Offset(double ms) => "+" + Format.Ms(ms);

    private void CollapseAll() => _waterfall?.CollapseAll();

    private void ExpandAll() => _waterfall?.ExpandAll();
}
