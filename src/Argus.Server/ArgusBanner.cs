using System.Text;
using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server;

/// <summary>The lines printed once the server listens: where to send data, where to look, which key to use.</summary>
internal static class ArgusBanner
{
    public static string Render(WebApplication app, StartupInfo startup)
    {
        var options = app.Services.GetRequiredService<IOptions<ArgusOptions>>().Value;
        var api = app.GetListenerUrl("Api");
        var grpc = app.GetListenerUrl("OtlpGrpc");
        var http = app.GetListenerUrl("OtlpHttp");
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Argus is running.");
        text.AppendLine($"  API and console : {api}");
        text.AppendLine($"  OTLP gRPC       : {grpc}");
        text.AppendLine($"  OTLP HTTP       : {http}");
        text.AppendLine($"  Data folder     : {Path.GetFullPath(options.DataPath)}");
        if (startup.NewAdminKey is not null)
        {
            text.AppendLine(startup.KeyWasGenerated
                ? $"  Admin API key   : {startup.NewAdminKey}   (generated; shown only this once, it is stored hashed)"
                : "  Admin API key   : the value of Argus:BootstrapApiKey");
        }
        else
        {
            text.AppendLine("  Admin API key   : the one printed at first start, or the value of Argus:BootstrapApiKey");
        }

        if (startup.DemoReadKey is not null)
        {
            text.AppendLine($"  Read API key    : {startup.DemoReadKey}   (demo; replaced at every start)");
        }

        var shown = startup.KeyWasGenerated ? startup.NewAdminKey : startup.DemoReadKey;
        text.AppendLine($"  Try             : curl -H 'x-argus-api-key: {shown ?? "<key>"}' {api}api/services");
        if (options.Demo)
        {
            text.AppendLine("  Demo workload   : on (shop-frontend, order-service); faults every 10 minutes");
        }

        return text.ToString();
    }
}
