using Argus.Core;

namespace Argus.Web.Model;

/// <summary>The auto-refresh interval of a page, kept in the URL as <c>?refresh=30s</c> (absent: off).</summary>
internal static class ConsoleRefresh
{
    public const string Parameter = "refresh";

    /// <summary>The intervals the picker offers, as URL values.</summary>
    public static readonly IReadOnlyList<string> Choices = ["5s", "10s", "30s", "1m", "5m"];

    /// <summary>The shortest interval taken from an address: a shorter one is raised to it, so a link cannot make a page poll the store continuously.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(5);

    /// <summary>The interval in <paramref name="value"/>, or null (off) when absent, <c>off</c> or not a duration.</summary>
    public static TimeSpan? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value == "off" || !Durations.TryParse(value, out var span) || span <= TimeSpan.Zero)
        {
            return null;
        }

        return span < Minimum ? Minimum : span;
    }

    /// <summary>The interval in the query of <paramref name="uri"/>'s URL value, or null.</summary>
    public static string? FromUri(string uri)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query);
        return query.TryGetValue(Parameter, out var v) && Parse(v.ToString()) is not null ? v.ToString() : null;
    }
}
