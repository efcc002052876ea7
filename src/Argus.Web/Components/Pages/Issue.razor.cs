using System.Globalization;
using Argus.Core;
using Argus.Core.Issues;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>One issue over the range: its stack trace, the versions it appeared in, its counts per step, its latest records with their traces, first and last seen.</summary>
public sealed partial class Issue
{
    private const int SampleCount = 10;

    /// <summary>About this many rows in the counts table.</summary>
    private const int Steps = 12;

    private IssueDetail? _detail;
    private (string Title, string Detail)? _problem;
    private long _max;
    private TimeSpan _step;
    private IReadOnlyList<IssueCountPoint> _steps = [];

    [Inject]
    private IIssueBoard Board { get; set; } = null!;

    [Parameter]
    public string IssueIdText { get; set; } = "";

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _detail = null;
        _problem = null;
        if (IssueIdText.Length != 16 || !ulong.TryParse(IssueIdText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            _problem = ("Not an issue id", $"'{IssueIdText}' is not an issue id (16 hexadecimal characters).");
            return;
        }

        // Whole minutes, at least one: a table of about a dozen rows over the range.
        _step = TimeSpan.FromMinutes(Math.Max(1, Math.Ceiling(Window.Duration.TotalMinutes / Steps)));
        _detail = await Board.GetIssueAsync(Tenant, id, Window, _step, SampleCount, cancellationToken);
        if (_detail is null)
        {
            _problem = ("Unknown issue", $"No issue {IssueIdText} is known for this project.");
            return;
        }

        // Every step of the range (0 where there were no records), for the chart and the table.
        _steps = IssueTrend.Steps(_detail.Counts, Window, _step);
        _max = _steps.Count == 0 ? 0 : _steps.Max(p => p.Count);
    }

    /// <summary>The latest sample's stack trace (the samples are newest first), with where and when it was logged.</summary>
    private (string Text, string Service, DateTimeOffset Time)? StackTrace =>
        _detail!.Samples.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l.ExceptionStacktrace)) is { } l
            ? (l.ExceptionStacktrace!, l.ServiceName, TimeRange.FromUnixNanoToTime(l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano))
            : null;

    private string BarWidth(long count) => _max == 0 ? "0" : (count * 160.0 / _max).ToString("0", CultureInfo.InvariantCulture) + "px";
}
