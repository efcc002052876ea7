using Argus.Otlp.Grpc;
using Argus.Otlp.Http;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Argus.Otlp;

/// <summary>Registers the OTLP receiver.</summary>
public static class OtlpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the OTLP receiver with its limits bound from the <see cref="OtlpOptions.SectionName"/> section
    /// (<c>Argus:Ingest</c>) of <paramref name="configuration"/>; see <see cref="AddArgusOtlp(IServiceCollection, Action{OtlpOptions}?)"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application configuration (the root, not the section).</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddArgusOtlp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OtlpOptions>().Bind(configuration.GetSection(OtlpOptions.SectionName));
        return services.AddArgusOtlp();
    }

    /// <summary>
    /// Adds the OTLP receiver (gRPC and HTTP) and validates <see cref="OtlpOptions"/> at start-up.
    /// The host must also register an <see cref="Core.Telemetry.ITelemetrySink"/>, and authenticate callers so that
    /// their principal carries the <see cref="Core.Tenancy.ArgusClaimTypes.TenantId"/> claim.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional configuration of the limits, applied after any bound configuration.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddArgusOtlp(this IServiceCollection services, Action<OtlpOptions>? configure = null)
    {
        var options = services.AddOptions<OtlpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtlpOptions>, OtlpOptionsValidator>());
        services.TryAddSingleton<OtlpIngestService>();
        services.TryAddSingleton<OtlpHttpHandler>();

        services.AddGrpc();

        // The Export methods are bound with Argus's own request marshaller (OtlpGrpcBinding), not the generated one.
        services.AddSingleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<OtlpGrpcTraceService>, OtlpGrpcBinding<OtlpGrpcTraceService>>();
        services.AddSingleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<OtlpGrpcLogsService>, OtlpGrpcBinding<OtlpGrpcLogsService>>();
        services.AddSingleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<OtlpGrpcMetricsService>, OtlpGrpcBinding<OtlpGrpcMetricsService>>();
        // gRPC has its own message size limit (4 MB by default); the OTLP services follow the OTLP body limit instead.
        ConfigureGrpcLimit<OtlpGrpcTraceService>(services);
        ConfigureGrpcLimit<OtlpGrpcLogsService>(services);
        ConfigureGrpcLimit<OtlpGrpcMetricsService>(services);
        return services;
    }

    private static void ConfigureGrpcLimit<TService>(IServiceCollection services)
        where TService : class =>
        services.AddOptions<GrpcServiceOptions<TService>>()
            .Configure<IOptions<OtlpOptions>>((grpc, otlp) => grpc.MaxReceiveMessageSize = otlp.Value.MaxRequestBodyBytes);
}
