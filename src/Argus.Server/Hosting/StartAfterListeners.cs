namespace Argus.Server.Hosting;

/// <summary>
/// Starts Argus's background work (ingest writers, alert evaluation, change checks, notifications, retention, the demo)
/// only once every listener is bound. The host starts hosted services before the web server, so without this a port in
/// use was found only after background services had already resolved alerts and sent notices. Stopping keeps the
/// host's order: the server stops first, then these, in reverse, so the ingest queue still drains.
/// </summary>
internal static class StartAfterListeners
{
    /// <summary>Moves every hosted service registered so far behind one that starts them after the listeners.</summary>
    public static IServiceCollection DeferHostedServices(this IServiceCollection services)
    {
        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService).ToList();
        foreach (var descriptor in hosted)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton<IHostedService>(sp => new DeferredHostedServices([.. hosted.Select(d => Create(sp, d))]));
        return services;
    }

    private static IHostedService Create(IServiceProvider services, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: IHostedService instance } => instance,
        { ImplementationFactory: { } factory } => (IHostedService)factory(services),
        { ImplementationType: { } type } => (IHostedService)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException($"The hosted service registration {descriptor} cannot be created."),
    };

    private sealed class DeferredHostedServices(IReadOnlyList<IHostedService> services) : IHostedLifecycleService
    {
        private readonly List<IHostedService> _started = [];

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        // Called once every hosted service's StartAsync has run, the web server's (which binds the listeners) included.
        public async Task StartedAsync(CancellationToken cancellationToken)
        {
            foreach (var service in services)
            {
                await service.StartAsync(cancellationToken);
                _started.Add(service);
            }
        }

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            for (var i = _started.Count - 1; i >= 0; i--)
            {
                await _started[i].StopAsync(cancellationToken);
            }
        }

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
