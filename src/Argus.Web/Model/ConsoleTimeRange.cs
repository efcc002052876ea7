using System.Globalization;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Web.Model;

/// <summary>
/// The time range of a page, kept in the URL: <c>?range=1h</c> (relative to now, the default) or
/// <c>?from=2026-06-15T12:00:00Z&amp;to=2026-06-15T13:00:00Z</c> (absolute, ISO-8601, UTC).
/// </summary>
internal sealed record ConsoleTimeRange(TimeSpan? Relative, DateTimeOffset? From, DateTimeOffset? To)
{
    public const string RangeParameter = "range";
    public const string FromParameter = "from";
    public const string ToParameter = "to";

    /// <summary>The relative ranges the picker offers, as URL values.</summary>
    public static readonly IReadOnlyList<string> Choices = ["15m", "1h", "6h", "24h", "7d"];

    public static readonly ConsoleTimeRange Default = new(TimeSpan.FromHours(1), null, null);

    public bool IsAbsolute => From is not null && To is not null;

    /// <summary>Reads the URL's values; anything unreadable falls back to the last hour (and <paramref name="problem"/> says why).</summary>
    public static ConsoleTimeRange Parse(string? range, string? from, string? to, out string? problem)
    {
        problem = null;
        if (!string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to))
        {
            if (TryTime(from, out var f) && TryTime(to, out var t) && f < t)
            {
                return new ConsoleTimeRange(null, f, t);
            }

            problem = "The time range in the address is not a pair of ISO-8601 times with 'from' before 'to'; showing the last hour.";
            return Default;
        }

        if (string.IsNullOrWhiteSpace(range))
        {
            return Default;
        }

        if (Durations.TryParse(range, out var span) && span > TimeSpan.Zero && span <= TimeSpan.FromDays(3650))
        {
            return new ConsoleTimeRange(span, null, null);
        }

        problem = $"'{range}' is not a time range ({Durations.Grammar}); showing the last hour.";
        return Default;
    }

    /// <summary>The range in the query of <paramref name="uri"/> (for components that are not pages: the layout, the picker).</summary>
    public static ConsoleTimeRange FromUri(string uri)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query);
        string? Value(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        return Parse(Value(RangeParameter), Value(FromParameter), Value(ToParameter), out _);
    }

    /// <summary>The range as the store reads it, relative ranges ending at <paramref name="now"/>.</summary>
    public TimeRange Resolve(DateTimeOffset now) => IsAbsolute ? new TimeRange(From!.Value, To!.Value) : new TimeRange(now - Relative!.Value, now);

    /// <summary>The URL value of a relative range (<c>1h</c>, <c>24h</c>, <c>7d</c>).</summary>
    public string? RangeValue => Relative is { } r ? Format(r) : null;

    public string? FromValue => From?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public string? ToValue => To?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The query parameters of this range, for links that keep it (null removes a parameter).</summary>
    public IReadOnlyDictionary<string, object?> Query => new Dictionary<string, object?>
    {
        [RangeParameter] = IsAbsolute || Relative == Default.Relative ? null : RangeValue,
        [FromParameter] = FromValue,
        [ToParameter] = ToValue,
    };

    /// <summary><c>?range=…</c> or <c>?from=…&amp;to=…</c> (empty for the default), to append to a link.</summary>
    public string QueryString => IsAbsolute
        ? $"?{FromParameter}={Uri.EscapeDataString(FromValue!)}&{ToParameter}={Uri.EscapeDataString(ToValue!)}"
        : Relative == Default.Relative ? "" : $"?{RangeParameter}={RangeValue}";

    /// <summary>What the page says it shows: "last 1h" or "2026-06-15 12:00 – 13:00 UTC".</summary>
    public string Label => IsAbsolute
        ? $"{From!.Value.UtcDateTime:yyyy-MM-dd HH:mm} – {To!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
        : $"last {RangeValue}";

    /// <summary>A duration as the range picker writes it: 30s, 10m, 2h, 7d.</summary>
    internal static string Format(TimeSpan span) =>
        span.TotalHours > 24 && span.TotalDays % 1 == 0 ? $"{span.TotalDays:0}d"
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0}h"
        : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? $"{span.TotalMinutes:0}m"
        : $"{span.TotalSeconds:0}s";

    private static bool TryTime(string? value, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
