namespace Argus.Server.Notifications;

// Wire shapes of /api/channels. Secrets go in (secret, url of Slack, smtp.password, header values) and never come out.

/// <summary>A channel as POST and PUT take it. On PUT, an omitted secret (null) keeps the stored one.</summary>
internal sealed record ChannelRequest(
    string? Name,
    string? Type,
    bool? Enabled,
    string? Url,
    string? Secret,
    Dictionary<string, string>? Headers,
    SmtpRequest? Smtp,
    string? From,
    List<string>? To);

/// <summary>The SMTP part of an e-mail channel request.</summary>
internal sealed record SmtpRequest(string? Host, int? Port, string? Security, string? Username, string? Password, string? TrustedCertificateSha256);

/// <summary>A channel as the API shows it: the URL redacted, header values and passwords replaced by flags.</summary>
internal sealed record ChannelResponse(
    string Id,
    string Name,
    string Type,
    bool Enabled,
    string? Url,
    bool HasSecret,
    IReadOnlyList<string>? HeaderNames,
    SmtpResponse? Smtp,
    string? From,
    IReadOnlyList<string>? To,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The SMTP part of a channel, without the password.</summary>
internal sealed record SmtpResponse(string Host, int Port, string Security, string? Username, bool HasPassword, string? TrustedCertificateSha256);

internal sealed record ChannelListResponse(IReadOnlyList<ChannelResponse> Channels);

/// <summary>One delivery attempt in the log.</summary>
internal sealed record DeliveryItem(
    string DeliveryId,
    string ChannelId,
    string ChannelName,
    string ChannelType,
    string Event,
    int Attempt,
    string Status,
    int? HttpStatus,
    string? SmtpReply,
    string? Error,
    double LatencyMs,
    DateTimeOffset Time);

internal sealed record DeliveriesResponse(IReadOnlyList<DeliveryItem> Deliveries);

/// <summary>The outcome of <c>POST /api/channels/{id}/test</c>.</summary>
internal sealed record ChannelTestResponse(bool Ok, DeliveryItem Delivery);
