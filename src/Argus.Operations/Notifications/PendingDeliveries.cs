namespace Argus.Operations.Notifications;

/// <summary>
/// Deliveries not finished yet, kept across restarts: a delivery is written here before it is queued and removed when
/// it ends (sent, failed for good, or dropped). Deliveries still here when Argus starts are sent again (at least once;
/// the delivery id is the receiver's de-duplication key).
/// </summary>
public interface IPendingDeliveryStore
{
    /// <summary>Keeps a delivery.</summary>
    Task AddAsync(PendingDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Forgets a delivery; nothing happens when it is not kept.</summary>
    Task RemoveAsync(string deliveryId, CancellationToken cancellationToken);

    /// <summary>The deliveries kept before <paramref name="before"/>, oldest first.</summary>
    Task<IReadOnlyList<PendingDelivery>> ListAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>A kept delivery: the message and the channel it is for (by id: the channel's settings are read when it is sent).</summary>
/// <param name="DeliveryId">The delivery's id, as in the delivery log and the webhook's delivery header.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="ChannelId">The channel.</param>
/// <param name="Message">What to send.</param>
/// <param name="QueuedAt">When it was queued.</param>
public sealed record PendingDelivery(string DeliveryId, string TenantId, string ChannelId, NotificationMessage Message, DateTimeOffset QueuedAt);
