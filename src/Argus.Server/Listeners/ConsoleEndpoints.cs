using Argus.Web;

namespace Argus.Server.Listeners;

/// <summary>The OTLP listeners' URLs for the console's "Get started", as the start-up banner prints them.</summary>
internal sealed class ConsoleEndpoints(ListenerRegistry listeners) : IConsoleEndpoints
{
    public Uri? OtlpGrpc => listeners.GetUrl(ListenerKind.OtlpGrpc);

    public Uri? OtlpHttp => listeners.GetUrl(ListenerKind.OtlpHttp);
}
