using System.Globalization;
using Argus.Core.Issues;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>One issue over the range: its counts per step, its latest records with their traces, first and last seen.</summary>
public sealed partial class Issue
{
    private const int SampleCount = 10;

    /// <summary>About this many rows in the counts table.</summary>
    private const int Steps = 12;

    private IssueDetail? _detail;
    private (string Title, string Detail)? _problem;
    private long _max;
    private TimeSpan _step;

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

        _max = _detail.Counts.Count == 0 ? 0 : _detail.Counts.Max(p => p.Count);
    }

    // Every step of the range, newest first, with 0 where the store has no records. The store's steps start at whole
    // multiples of the step since the Unix epoch, so the first one starts at or before the range's start.
    private IEnumerable<IssueCountPoint> Buckets()
    {
        var counts = _detail!.Counts.ToDictionary(p => p.Time.UtcTicks, p => p.Count);
        var epoch = DateTimeOffset.UnixEpoch.UtcTicks;
        var first = epoch + ((Window.From.UtcTicks - epoch) / _step.Ticks * _step.Ticks);
        var buckets = new List<IssueCountPoint>();
        for (var t = first; t < Window.To.UtcTicks; t += _step.Ticks)
        {
            buckets.Add(new IssueCountPoint(new DateTimeOffset(t, TimeSpan.Zero), counts.GetValueOrDefault(t)));
        }

        return Enumerable.Reverse(buckets);
    }

    private string BarWidth(long count) => _max == 0 ? "0" : (count * 160.0 / _max).ToString("0", CultureInfo.InvariantCulture) + "px";
}
