namespace Argus.Web;

/// <summary>
/// Where this server takes telemetry, as the start-up banner prints it: the console's "Get started" shows these. The
/// host implements it from its listeners; a listener that is not configured is null.
/// </summary>
public interface IConsoleEndpoints
{
    /// <summary>The OTLP/gRPC listener's URL.</summary>
    Uri? OtlpGrpc { get; }

    /// <summary>The OTLP/HTTP listener's URL.</summary>
    Uri? OtlpHttp { get; }
}
