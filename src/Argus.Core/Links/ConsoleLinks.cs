using System.Globalization;

namespace Argus.Core.Links;

/// <summary>
/// Absolute addresses of console pages, for links that leave Argus (notifications, reports). The server answers with
/// <c>Argus:PublicUrl</c>, or the API listener's own address when that is unset (right on a laptop, wrong behind a
/// proxy: set the public URL there).
/// </summary>
public interface IConsoleLinks
{
    /// <summary><paramref name="path"/> (from <see cref="ConsolePaths"/>) on the console's public address, or null when it has none yet.</summary>
    Uri? To(string path);
}

/// <summary>The paths of the console's pages, in one place for the pages' own links and for links sent out.</summary>
public static class ConsolePaths
{
    /// <summary>A trace's waterfall, with <paramref name="spanId"/> selected when given.</summary>
    public static string Trace(string traceId, string? spanId = null) =>
        "/traces/" + Uri.EscapeDataString(traceId) + (spanId is null ? "" : "?span=" + Uri.EscapeDataString(spanId));

    /// <summary>A service's page (over the console's default range).</summary>
    public static string Service(string service) => "/services/" + Uri.EscapeDataString(service);

    /// <summary>A service's page over the range <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static string Service(string service, DateTimeOffset from, DateTimeOffset to) =>
        Service(service) + "?from=" + Uri.EscapeDataString(Time(from)) + "&to=" + Uri.EscapeDataString(Time(to));

    /// <summary>An issue's page.</summary>
    public static string Issue(string issueId) => "/issues/" + Uri.EscapeDataString(issueId);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
