namespace Argus.Operations.Notifications;

/// <summary>Where the dispatcher finds a tenant's channels (the control-plane store in the server).</summary>
public interface INotificationChannelStore
{
    /// <summary>The tenant's channel called <paramref name="name"/>, enabled or not; null when there is none.</summary>
    Task<NotificationChannel?> GetByNameAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>The tenant's enabled channels.</summary>
    Task<IReadOnlyList<NotificationChannel>> ListEnabledAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>The tenant's channel with id <paramref name="id"/>, enabled or not; null when there is none.</summary>
    Task<NotificationChannel?> GetByIdAsync(string tenantId, string id, CancellationToken cancellationToken);
}

/// <summary>The record of every delivery attempt.</summary>
public interface IDeliveryLog
{
    /// <summary>Appends one attempt.</summary>
    Task AppendAsync(DeliveryAttempt attempt, CancellationToken cancellationToken);

    /// <summary>The tenant's attempts matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> QueryAsync(string tenantId, DeliveryQuery query, CancellationToken cancellationToken);
}

/// <summary>One attempt to deliver one message to one channel. Never holds a secret or a URL.</summary>
/// <param name="DeliveryId">Shared by the attempts of one delivery.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="ChannelId">The channel's id.</param>
/// <param name="ChannelName">The channel's name when the attempt was made.</param>
/// <param name="ChannelType">The channel's type.</param>
/// <param name="Event">The message's event.</param>
/// <param name="Attempt">1 for the first attempt; 0 for a delivery dropped before any attempt.</param>
/// <param name="Status">The outcome.</param>
/// <param name="HttpStatus">The HTTP status the endpoint answered (Slack, webhook).</param>
/// <param name="SmtpReply">The SMTP server's reply to the message (e-mail).</param>
/// <param name="Error">What went wrong, with secrets removed.</param>
/// <param name="LatencyMs">How long the attempt took.</param>
/// <param name="Time">When the attempt ended.</param>
public sealed record DeliveryAttempt(
    string DeliveryId,
    string TenantId,
    string ChannelId,
    string ChannelName,
    string ChannelType,
    string Event,
    int Attempt,
    DeliveryStatus Status,
    int? HttpStatus,
    string? SmtpReply,
    string? Error,
    double LatencyMs,
    DateTimeOffset Time);

/// <summary>The outcome of an attempt.</summary>
public enum DeliveryStatus
{
    /// <summary>The channel accepted the message.</summary>
    Sent,

    /// <summary>The attempt failed in a way worth retrying; another attempt follows.</summary>
    Retrying,

    /// <summary>The delivery gave up: a permanent error, or the last attempt failed.</summary>
    Failed,

    /// <summary>The queue was full; the delivery was not attempted.</summary>
    Dropped,
}

/// <summary>A filter over the delivery log.</summary>
/// <param name="Channel">Channel name or id; null for all.</param>
/// <param name="Status">Only attempts with this outcome; null for all.</param>
/// <param name="From">Attempts at or after this time.</param>
/// <param name="To">Attempts at or before this time.</param>
/// <param name="Limit">At most this many, newest first.</param>
public sealed record DeliveryQuery(string? Channel, DeliveryStatus? Status, DateTimeOffset From, DateTimeOffset To, int Limit);
