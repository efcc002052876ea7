using System.Globalization;

namespace Argus.Web.Components;

/// <summary>How the console writes numbers: counts with separators, rates in percent, durations in ms or s.</summary>
internal static class Format
{
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Rate(double? rate) => rate is { } r ? (r * 100).ToString(r is > 0 and < 0.001 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Ms(double? ms) => ms switch
    {
        null => "—",
        >= 10_000 => (ms.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s",
        >= 100 => ms.Value.ToString("0", CultureInfo.InvariantCulture) + " ms",
        >= 1 => ms.Value.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        _ => ms.Value.ToString("0.000", CultureInfo.InvariantCulture) + " ms",
    };

    /// <summary>A time to the minute, for the start of a step of a minute or more.</summary>
    public static string Minute(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>A step's length in words: <c>45 s</c>, <c>2 min</c>, <c>6 h</c>.</summary>
    public static string Span(TimeSpan span) =>
        span.TotalSeconds < 120 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s")
        : span.TotalMinutes < 120 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h");
}
