using Microsoft.Extensions.Logging;

namespace Argus.Operations.Notifications;

/// <summary>Log messages of notification delivery; event ids 5300-5399. Channel names only: URLs and secrets are never logged.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to channel '{Channel}' of tenant {Tenant} was dropped: the queue holds {Capacity} deliveries already.")]
    public static partial void DeliveryDropped(ILogger logger, string deliveryId, string channel, string tenant, int capacity);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Delivery {DeliveryId} to channel '{Channel}' of tenant {Tenant} sent (attempt {Attempt}).")]
    public static partial void DeliverySent(ILogger logger, string deliveryId, string channel, string tenant, int attempt);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to channel '{Channel}' of tenant {Tenant}: attempt {Attempt} failed ({Error}); retrying in {Delay}.")]
    public static partial void DeliveryRetrying(ILogger logger, string deliveryId, string channel, string tenant, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "Delivery {DeliveryId} to channel '{Channel}' of tenant {Tenant} failed after {Attempts} attempt(s): {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string deliveryId, string channel, string tenant, int attempts, string error);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Error, Message = "Writing delivery {DeliveryId} to the delivery log failed.")]
    public static partial void DeliveryLogFailed(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Warning, Message = "Tenant {Tenant} has no enabled channel called {Channels}; nothing was sent there.")]
    public static partial void ChannelsUnavailable(ILogger logger, string tenant, string channels);
}
