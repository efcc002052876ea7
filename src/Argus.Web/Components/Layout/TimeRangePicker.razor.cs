using System.Globalization;
using Argus.Core;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Argus.Web.Components.Layout;

/// <summary>
/// The time range of the page, read from and written to the URL (<c>range</c>, or <c>from</c> and <c>to</c>), so a
/// link or a reload shows the same data. Choosing a range navigates; the page reloads its data from the new URL.
/// Beside it, the auto-refresh interval (<c>refresh</c>), also in the URL.
/// </summary>
public sealed partial class TimeRangePicker : IDisposable
{
    private const string Custom = "custom";
    private const string Off = "off";

    private ConsoleTimeRange _range = ConsoleTimeRange.Default;
    private bool _editing;
    private DateTime? _from;
    private DateTime? _to;
    private string? _refresh;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    // The offered ranges, and the address's own relative range when it is none of them (range=3h), so the picker shows it.
    private IEnumerable<string> Choices => _range.RangeValue is { } own && !_range.IsAbsolute && !ConsoleTimeRange.Choices.Contains(own)
        ? ConsoleTimeRange.Choices.Append(own).OrderBy(c => Durations.TryParse(c, out var d) ? d : TimeSpan.Zero)
        : ConsoleTimeRange.Choices;

    private string Selected => _editing || _range.IsAbsolute ? Custom : _range.RangeValue ?? "1h";

    protected override void OnInitialized()
    {
        Read();
        Navigation.LocationChanged += OnLocationChanged;
    }

    private void Read()
    {
        _range = ConsoleTimeRange.FromUri(Navigation.Uri);
        _refresh = ConsoleRefresh.FromUri(Navigation.Uri);
        _editing = _range.IsAbsolute;
        var window = _range.Resolve(Time.GetUtcNow());
        _from = window.From.UtcDateTime;
        _to = window.To.UtcDateTime;
    }

    private void OnSelected(string? value)
    {
        if (value == Custom)
        {
            _editing = true;
            return;
        }

        _editing = false;
        Go(new Dictionary<string, object?>
        {
            [ConsoleTimeRange.RangeParameter] = value,
            [ConsoleTimeRange.FromParameter] = null,
            [ConsoleTimeRange.ToParameter] = null,
        });
    }

    private void ApplyAbsolute()
    {
        if (_from is not { } from || _to is not { } to || from >= to)
        {
            return;
        }

        Go(new Dictionary<string, object?>
        {
            [ConsoleTimeRange.RangeParameter] = null,
            [ConsoleTimeRange.FromParameter] = DateTime.SpecifyKind(from, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            [ConsoleTimeRange.ToParameter] = DateTime.SpecifyKind(to, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        });
    }

    private void OnRefresh(string? value) =>
        Go(new Dictionary<string, object?> { [ConsoleRefresh.Parameter] = value is null or Off ? null : value });

    private void Go(IReadOnlyDictionary<string, object?> parameters) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(parameters));

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        Read();
        InvokeAsync(StateHasChanged);
    }

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
