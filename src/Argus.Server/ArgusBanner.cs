using System.Text;
using Argus.Demo;
using Argus.Server.Configuration;
using Argus.Web.Authentication;
using Microsoft.Extensions.Options;

namespace Argus.Server;

/// <summary>The lines printed once the server listens: where to send data, where to look, which key to use.</summary>
internal static class ArgusBanner
{
    /// <summary>The demo workload's fault cycle (<c>DemoOptions.FaultCycle</c>'s default).</summary>
    private static readonly TimeSpan DemoCycle = TimeSpan.FromMinutes(10);

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
        text.AppendLine(startup.SignInLink is { } link
            ? $"  Web console     : {api}{link}   (signs you in once, within {ConsoleSignInLinks.Lifetime.TotalHours:0} hour; then use an API key)"
            : $"  Web console     : {api}   (sign in with a read or admin API key)");
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
            // The demo's four faults come round once per 10-minute cycle, aligned to the clock (DemoWorkload.FaultAt), and
            // each fires an alert rule within its evaluation interval: a whole cycle from now includes every one of them.
            var by = app.Services.GetRequiredService<TimeProvider>().GetUtcNow() + DemoCycle;
            text.AppendLine("  Demo workload   : on (shop-frontend, order-service); faults every 10 minutes, clock-aligned");
            text.AppendLine($"  First incident  : within ~10 minutes (by about {by:HH:mm} UTC) at GET {api}api/incidents (argus incidents list)");
            var plan = app.Services.GetRequiredService<DemoRun>().Plan;
            string At(DemoDeploymentKind kind) => $"{plan.At(DemoDeploymentPlan.First(kind)):HH:mm}";
            var bad = DemoDeploymentPlan.First(DemoDeploymentKind.Bad);
            var rollback = DemoDeploymentPlan.First(DemoDeploymentKind.Rollback);
            var good = DemoDeploymentPlan.First(DemoDeploymentKind.Good);
            // Checks run at the scheduler's next pass after they are due (TickInterval, 30 s by default): a minute covers it.
            text.AppendLine($"  Deployments     : {bad.Application} {bad.Version} (bad) at {At(DemoDeploymentKind.Bad)}, {rollback.Version} (rollback) at {At(DemoDeploymentKind.Rollback)}; "
                + $"{good.Application} {good.Version} (good) at {At(DemoDeploymentKind.Good)}; first verdicts by {plan.FirstVerdictsDue.AddMinutes(1):HH:mm} UTC (argus deploy list)");
        }

        return text.ToString();
    }
}
