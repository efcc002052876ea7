using Argus.AI.Providers;
using Argus.Core.ChangeTracking;
using Argus.Core.Issues;
using Argus.Operations.ChangeTracking;
using Argus.Server.Configuration;
using Argus.Server.Issues;
using Argus.Storage.DuckDb;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Argus.Server.ChangeTracking;

/// <summary>Wires change tracking (deployments, scheduled checks, verdicts, the GitHub receiver) into the server.</summary>
internal static partial class ChangeTrackingServerExtensions
{
    public static IServiceCollection AddArgusChangeTracking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStartupValidatedOptions<ChangeTrackingOptions>(configuration, ChangeTrackingOptions.SectionName);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(DeploymentsJsonContext.Default));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(ChangeTrackingJsonContext.Default));

        services.AddSingleton<IServiceWindowReader>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<IIssueCatalog>(sp => sp.GetRequiredService<IssueRegistry>());
        services.AddSingleton<IDeploymentStore, EfDeploymentStore>();
        services.AddSingleton<HealthSnapshotReader>();
        services.AddSingleton<ChangeFollowUpReader>();
        services.TryAddSingleton<Argus.Operations.UseCaseRoleCaller>();
        services.AddSingleton<ChangeTracker>();
        services.AddSingleton<DeploymentService>();
        services.AddSingleton<IBuiltInRoleAnalyst, ChangeTrackerAnalyst>();
        services.AddSingleton<ChangeCheckService>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeCheckService>());
        services.AddHostedService<RetentionWarning>();
        return services;
    }

    /// <summary>The week-before baseline needs telemetry a week and a window old: says so at start-up when retention is shorter.</summary>
    private sealed class RetentionWarning(IOptions<ArgusOptions> argus, IOptions<ChangeTrackingOptions> tracking, ILogger<ChangeTrackingOptions> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var needed = TimeSpan.FromDays(7) + tracking.Value.Window;
            if (argus.Value.Retention.MaxAge < needed)
            {
                LogShortRetention(logger, argus.Value.Retention.MaxAge, needed);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5512, Level = LogLevel.Warning, Message = "Argus:Retention:MaxAge is {Retention}: change tracking's week-before baseline needs at least {Needed}; until then checks compare with the day before only")]
    private static partial void LogShortRetention(ILogger logger, TimeSpan retention, TimeSpan needed);
}
