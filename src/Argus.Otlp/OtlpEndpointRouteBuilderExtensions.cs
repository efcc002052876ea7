using Argus.Core.Telemetry;
using Argus.Otlp.Grpc;
using Argus.Otlp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Otlp;

/// <summary>Maps the OTLP endpoints. Call <see cref="OtlpServiceCollectionExtensions.AddArgusOtlp"/> first.</summary>
public static class OtlpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the OTLP/gRPC services <c>opentelemetry.proto.collector.{trace,metrics,logs}.v1.*Service/Export</c>.
    /// The endpoints need HTTP/2 (conventionally port 4317).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder for conventions (e.g. <c>RequireAuthorization</c>, <c>RequireHost</c>) applied to the three services.</returns>
    public static IEndpointConventionBuilder MapOtlpGrpc(this IEndpointRouteBuilder endpoints)
    {
        EnsureRegistered(endpoints);
        return new CompositeConventionBuilder(
        [
            endpoints.MapGrpcService<OtlpGrpcTraceService>(),
            endpoints.MapGrpcService<OtlpGrpcLogsService>(),
            endpoints.MapGrpcService<OtlpGrpcMetricsService>(),
        ]);
    }

    /// <summary>
    /// Maps OTLP/HTTP: <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c>, taking <c>application/x-protobuf</c>
    /// or <c>application/json</c>, optionally gzip-compressed (conventionally port 4318).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>The <c>/v1</c> route group, for conventions such as <c>RequireAuthorization</c>.</returns>
    public static RouteGroupBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints)
    {
        EnsureRegistered(endpoints);
        var group = endpoints.MapGroup("/v1");
        // The handler is resolved per request (a singleton look-up), so mapping does not construct the sink or read options early.
        group.MapPost("/traces", context => Handler(context).HandleTracesAsync(context));
        group.MapPost("/logs", context => Handler(context).HandleLogsAsync(context));
        group.MapPost("/metrics", context => Handler(context).HandleMetricsAsync(context));
        return group;
    }

    private static OtlpHttpHandler Handler(HttpContext context) => context.RequestServices.GetRequiredService<OtlpHttpHandler>();

    private static void EnsureRegistered(IEndpointRouteBuilder endpoints)
    {
        var registered = endpoints.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        if (!registered.IsService(typeof(OtlpIngestService)))
        {
            throw new InvalidOperationException("The OTLP receiver is not registered: call services.AddArgusOtlp() before mapping its endpoints.");
        }

        if (!registered.IsService(typeof(ITelemetrySink)))
        {
            throw new InvalidOperationException("The OTLP receiver needs an ITelemetrySink: register the ingest queue (or another sink) in the service collection.");
        }
    }

    /// <summary>Applies conventions to several endpoint builders at once, so three gRPC services read as one feature.</summary>
    private sealed class CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
