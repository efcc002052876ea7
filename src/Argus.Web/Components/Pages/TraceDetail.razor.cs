using System.Globalization;
using Argus.Core.Telemetry;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>
/// One trace as a waterfall: the span tree of <see cref="Argus.Analysis.Profiles.TraceTree"/>, a bar per span on the
/// trace's time axis, SQL statements and exceptions on their spans, collapsible subtrees, rows virtualized.
/// </summary>
public sealed partial class TraceDetail
{
    private TraceWaterfall? _waterfall;
    private (string Title, string Detail)? _problem;

    [Parameter]
    public string TraceIdText { get; set; } = "";

    private IEnumerable<(double Percent, string Label)> Ticks =>
        _waterfall is null ? [] : Enumerable.Range(0, 5).Select(i => (i * 25.0, i == 0 ? "0" : Format.Ms(_waterfall.DurationMs * i / 4)));

    private static string Css(double percent) => percent.ToString("0.###", CultureInfo.InvariantCulture);

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _problem = null;
        _waterfall = null;
        if (!TraceId.TryParse(TraceIdText, out var id))
        {
            _problem = ("Not a trace id", $"'{TraceIdText}' is not a trace id: a trace id is 32 hexadecimal characters.");
            return;
        }

        var spans = await Reader.GetTraceAsync(Tenant, id, cancellationToken);
        if (spans.Count == 0)
        {
            _problem = ("Unknown trace", $"No spans of trace {id} are stored for this project (it may be older than the retention).");
            return;
        }

        _waterfall = TraceWaterfall.Build(spans);
    }
}
