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

    [LoggerMessage(EventId = 5306, Level = LogLevel.Warning, Message = "Keeping delivery {DeliveryId} for a restart failed; it is sent, but lost if Argus stops first.")]
    public static partial void DeliveryNotKept(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(EventId = 5307, Level = LogLevel.Error, Message = "Forgetting delivery {DeliveryId} failed; the next start sends it again.")]
    public static partial void DeliveryNotForgotten(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(EventId = 5308, Level = LogLevel.Information, Message = "Resuming {Count} delivery(ies) left unfinished when Argus last stopped.")]
    public static partial void DeliveriesResuming(ILogger logger, int count);

    [LoggerMessage(EventId = 5309, Level = LogLevel.Information, Message = "{Count} delivery(ies) not finished; they are sent at the next start.")]
    public static partial void DeliveriesKeptForNextStart(ILogger logger, int count);

    [LoggerMessage(EventId = 5320, Level = LogLevel.Error, Message = "Reading the deliveries left from the last run failed; they are tried again at the next start.")]
    public static partial void ResumeFailed(ILogger logger, Exception exception);
}
