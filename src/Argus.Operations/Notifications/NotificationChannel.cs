namespace Argus.Operations.Notifications;

/// <summary>
/// A configured destination of a tenant. The secret parts (<see cref="Secret"/>, a Slack <see cref="Url"/>,
/// <see cref="Headers"/> values and <see cref="SmtpSettings.Password"/>) are never logged or returned by the API.
/// </summary>
public sealed record NotificationChannel
{
    /// <summary>The channel's id, stable across renames.</summary>
    public required string Id { get; init; }

    /// <summary>The tenant owning the channel.</summary>
    public required string TenantId { get; init; }

    /// <summary>The name, unique in the tenant; callers pick channels by it.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="ChannelTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>Disabled channels are kept but receive nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The Slack incoming-webhook URL (a secret itself) or the webhook's URL.</summary>
    public string? Url { get; init; }

    /// <summary>The webhook's HMAC-SHA256 key; without it, webhook requests are not signed.</summary>
    public string? Secret { get; init; }

    /// <summary>Extra request headers of a webhook (e.g. an Authorization header); their values are treated as secrets.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The SMTP server of an e-mail channel.</summary>
    public SmtpSettings? Smtp { get; init; }

    /// <summary>The sender address of an e-mail channel.</summary>
    public string? From { get; init; }

    /// <summary>The recipients of an e-mail channel.</summary>
    public IReadOnlyList<string>? To { get; init; }
}

/// <summary>The SMTP server an e-mail channel sends through.</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port: usually 25, 587 (STARTTLS) or 465 (TLS on connect).</param>
/// <param name="Security">How the connection is secured.</param>
/// <param name="Username">Login, if the server wants one.</param>
/// <param name="Password">Password for <paramref name="Username"/>.</param>
/// <param name="TrustedCertificateSha256">
/// Hex SHA-256 of a server certificate to accept even though no trusted authority signed it (a self-signed relay);
/// other certificates still have to be valid.
/// </param>
public sealed record SmtpSettings(string Host, int Port, SmtpSecurity Security, string? Username, string? Password, string? TrustedCertificateSha256);

/// <summary>How an SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text; for a relay on the same host or network only.</summary>
    None,

    /// <summary>Plain connect, then STARTTLS, required (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>TLS on connect for port 465, else STARTTLS when the server offers it.</summary>
    Auto,
}

/// <summary>The channel types.</summary>
public static class ChannelTypes
{
    /// <summary>A Slack incoming webhook; messages use Block Kit.</summary>
    public const string Slack = "slack";

    /// <summary>A signed JSON POST to any URL.</summary>
    public const string Webhook = "webhook";

    /// <summary>E-mail through an SMTP server.</summary>
    public const string Email = "email";

    /// <summary>Every type, for validation messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Slack, Webhook, Email];
}
