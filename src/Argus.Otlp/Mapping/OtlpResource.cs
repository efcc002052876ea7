using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Common;

namespace Argus.Otlp.Mapping;

/// <summary>The resource fields every record of a resource shares, mapped once per resource.</summary>
internal sealed record MappedResource(
    string ServiceName,
    string? ServiceInstanceId,
    string? DeploymentEnvironment,
    IReadOnlyList<TelemetryAttribute> Attributes)
{
    /// <summary>The name OpenTelemetry SDKs use when a service did not set one.</summary>
    public const string UnknownService = "unknown_service";

    /// <summary>Maps a resource; returns null with a reason when it breaks a limit (then every record under it is rejected).</summary>
    public static MappedResource? Map(Proto.Resource.Resource? resource, OtlpOptions options, out string? error)
    {
        if (resource is null || resource.Attributes.Count == 0)
        {
            error = null;
            return new MappedResource(UnknownService, null, null, []);
        }

        if (!OtlpAttributes.TryMap(resource.Attributes, options, out var attributes))
        {
            error = OtlpAttributes.TooMany("resource", resource.Attributes.Count, options);
            return null;
        }

        string? service = null, instance = null, environment = null, legacyEnvironment = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Key)
            {
                case "service.name":
                    service = attribute.Value;
                    break;
                case "service.instance.id":
                    instance = attribute.Value;
                    break;
                case "deployment.environment.name":
                    environment = attribute.Value;
                    break;
                case "deployment.environment":
                    legacyEnvironment = attribute.Value;
                    break;
            }
        }

        error = null;
        return new MappedResource(
            string.IsNullOrEmpty(service) ? UnknownService : service,
            NullIfEmpty(instance),
            NullIfEmpty(environment) ?? NullIfEmpty(legacyEnvironment),
            attributes);
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static string? ScopeName(InstrumentationScope? scope) => NullIfEmpty(scope?.Name);
}
