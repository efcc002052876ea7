using Argus.Operations.Notifications;

namespace Argus.Server.Notifications;

/// <summary>Wires notifications into the server: options from <c>Argus:Notifications</c>, the control-plane stores, the dispatcher.</summary>
internal static class NotificationServerExtensions
{
    public static IServiceCollection AddArgusChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName));
        services.AddSingleton<ChannelStore>();
        services.AddSingleton<INotificationChannelStore>(sp => sp.GetRequiredService<ChannelStore>());
        services.AddSingleton<IDeliveryLog, DeliveryLogStore>();
        services.AddSingleton<IPendingDeliveryStore, PendingDeliveryStore>();
        return services.AddArgusNotifications();
    }
}
