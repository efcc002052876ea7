using Argus.AI.Gateway;
using Argus.AI.Masking;
using Argus.AI.Providers;
using Argus.Core.Llm;
using Argus.Core.Outbound;
using Argus.Server.Tenancy;
using Argus.Storage.DuckDb;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>Registers the role gateway: providers, roles, rate limits, the call log and the start-up seeding.</summary>
internal static class AiServiceCollectionExtensions
{
    public static IServiceCollection AddArgusAi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AiOptions>()
            .Bind(configuration.GetSection(AiOptions.SectionName))
            .Configure(o => configuration.GetSection(AiOptions.ProvidersSectionName).Bind(o.Providers))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AiOptions>, ValidateAiOptions>();
        services.AddSingleton(sp => new ProviderRegistry(
            sp.GetRequiredService<IOptions<AiOptions>>().Value.Providers,
            ProviderRegistry.CreateBuiltInAnalyst(sp.GetServices<IBuiltInRoleAnalyst>()),
            policy: sp.GetRequiredService<OutboundAddressPolicy>()));
        services.AddSingleton(sp => new RoleRateLimiter(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ILlmCallLog>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<ILlmCallRetention>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<LlmCallLogQueue>();
        services.AddSingleton<ILlmCallSink>(sp => sp.GetRequiredService<LlmCallLogQueue>());
        services.AddHostedService(sp => sp.GetRequiredService<LlmCallLogQueue>());
        // The masking engine, for links that mask; a registration made later (tests, embedders) wins.
        services.AddSingleton<IChatMasker>(new SensitiveDataChatMasker(MaskingOptions.Default));
        services.AddOptions<MaskingConfigOptions>().Bind(configuration.GetSection(MaskingConfigOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MaskingConfigOptions>, ValidateMaskingConfigOptions>();
        services.AddSingleton<MaskingSettingsStore>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(MaskingJsonContext.Default));
        services.AddSingleton<RoleSeeds>();
        services.AddSingleton<RoleStore>();
        services.AddSingleton<ProviderStore>();
        services.AddArgusSecretProtection();
        services.AddSingleton(sp => new RoleGateway(
            sp.GetRequiredService<ProviderRegistry>(),
            sp.GetRequiredService<RoleRateLimiter>(),
            sp.GetRequiredService<ILlmCallSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RoleGateway>>(),
            sp.GetService<IChatMasker>()));
        services.AddHostedService<AiStartup>();
        return services;
    }
}

/// <summary>At start-up: seeds every tenant's built-in and YAML roles and loads the tenants' providers (the tables exist: <see cref="TenantBootstrap"/> made them).</summary>
internal sealed class AiStartup(RoleStore store, ProviderStore providers, IDbContextFactory<ControlPlaneDbContext> dbFactory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await store.EnsureTenantAsync(TenantBootstrap.DefaultTenantId, cancellationToken);
        foreach (var tenant in await db.Tenants.Select(t => t.Id).ToListAsync(cancellationToken))
        {
            await store.EnsureTenantAsync(tenant, cancellationToken);
        }

        await providers.LoadAllAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
