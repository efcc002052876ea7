namespace Argus.Web.Authentication;

/// <summary>Where a sign-in may send the browser back to: only a path on this server, never another site.</summary>
internal static class LocalUrl
{
    /// <summary>
    /// True for <c>/path?query</c>; false for absolute URLs, protocol-relative ones (<c>//host</c>, <c>/\host</c>, which
    /// browsers treat as another host) and anything with control characters (an open redirect through the sign-in page).
    /// </summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return false;
        }

        return !url.Any(char.IsControl);
    }

    /// <summary><paramref name="url"/> when it is local, else the console's home.</summary>
    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}
