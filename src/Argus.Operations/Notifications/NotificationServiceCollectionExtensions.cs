using Argus.Core.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Argus.Operations.Notifications;

/// <summary>Registers notification delivery.</summary>
public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="NotificationDispatcher"/>, its worker and the options check. The host binds
    /// <see cref="NotificationOptions"/> and registers an <see cref="INotificationChannelStore"/>, an <see cref="IDeliveryLog"/> and an
    /// <see cref="IPendingDeliveryStore"/>.
    /// </summary>
    public static IServiceCollection AddArgusNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, ValidateNotificationOptions>());
        services.TryAddSingleton(TimeProvider.System);
        // The host's policy (the server's, from Argus:Outbound) wins; without one, nothing non-public is reached.
        services.TryAddSingleton(OutboundAddressPolicy.Default);
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService<NotificationWorker>();
        return services;
    }
}
