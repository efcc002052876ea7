namespace Argus.Operations.Notifications;

/// <summary>
/// Keeps channel secrets out of what people see. A Slack incoming-webhook URL is a credential (anyone holding it can
/// post), so only its host and the first letter of its path survive; a webhook URL keeps its path but loses user
/// information and query string, where tokens usually travel.
/// </summary>
public static class ChannelSecrets
{
    private const string Mask = "***";

    /// <summary>The URL as the API shows it; null stays null.</summary>
    public static string? RedactUrl(string type, string? url)
    {
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Mask;
        }

        var origin = $"{uri.Scheme}://{uri.Authority}";
        if (type == ChannelTypes.Slack)
        {
            // https://hooks.slack.com/services/T0123/B0456/xyz -> https://hooks.slack.com/services/T…/***
            var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length >= 2 ? $"{origin}/{segments[0]}/{segments[1][0]}…/{Mask}" : $"{origin}/{Mask}";
        }

        return origin + uri.AbsolutePath + (uri.Query.Length > 1 ? "?" + Mask : "");
    }

    /// <summary>
    /// Removes every secret of <paramref name="channel"/> from a text: the URL, its path and query, each longer path
    /// segment and query value, the signing secret, header values and the SMTP password.
    /// </summary>
    public static string Scrub(NotificationChannel channel, string text)
    {
        foreach (var secret in SecretsOf(channel).Where(s => s.Length >= 3).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    private static IEnumerable<string> SecretsOf(NotificationChannel channel)
    {
        if (channel.Url is { } url)
        {
            yield return url;
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                yield return uri.PathAndQuery;
                if (uri.UserInfo.Length > 0)
                {
                    yield return uri.UserInfo;
                }

                // An endpoint may echo a token alone (Slack's last path segment, a query value), not the whole URL.
                foreach (var segment in uri.AbsolutePath.Split('/').Where(s => s.Length >= 8))
                {
                    yield return segment;
                }

                foreach (var parameter in uri.Query.TrimStart('?').Split('&'))
                {
                    yield return parameter[(parameter.IndexOf('=', StringComparison.Ordinal) + 1)..];
                }
            }
        }

        if (channel.Secret is { } secret)
        {
            yield return secret;
        }

        foreach (var value in channel.Headers?.Values ?? [])
        {
            yield return value;
        }

        if (channel.Smtp?.Password is { } password)
        {
            yield return password;
        }
    }
}
