using Argus.Demo;
using Argus.Server.Configuration;
using Argus.Server.Listeners;
using Argus.Server.Tenancy;
using Microsoft.Extensions.Options;

namespace Argus.Server;

/// <summary>
/// The demo's run: its deployment plan, anchored when the server starts (so the banner can print its times), and
/// the workload and recorder once they run (tests drive them on a simulated clock).
/// </summary>
internal sealed class DemoRun(TimeProvider time)
{
    public DemoDeploymentPlan Plan { get; } = new(time.GetUtcNow());

    public DemoWorkload? Workload { get; set; }

    public DemoDeploymentRecorder? Recorder { get; set; }
}

/// <summary>
/// Runs the demo workload (<c>--demo</c>) against this server's own OTLP/HTTP listener once the server is up,
/// with an ingest key of its own that is replaced at every start, and records the demo's deployments with the same key
/// through this server's own API (<c>POST /api/deployments</c>, as a CI job would), once per start.
/// </summary>
internal sealed partial class DemoHostedService(
    IOptions<ArgusOptions> options,
    IHostApplicationLifetime lifetime,
    ListenerRegistry listeners,
    DemoRun run,
    TenantBootstrap bootstrap,
    ApiKeyResolver resolver,
    TimeProvider time,
    ILogger<DemoHostedService> logger) : BackgroundService
{
    private const string DemoKeyName = "demo-workload";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Demo)
        {
            return;
        }

        // Wait for Kestrel to bind, so the listener's real port is known.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var endpoint = listeners.GetUrl(ListenerKind.OtlpHttp);
        if (endpoint is null)
        {
            LogNoListener(logger);
            return;
        }

        var key = await bootstrap.ReplaceNamedKeyAsync(DemoKeyName, ApiKeys.RoleIngest, stoppingToken);
        resolver.Invalidate();
        await using var workload = new DemoWorkload(new DemoOptions { OtlpHttpEndpoint = endpoint, ApiKey = key, Deployments = run.Plan }, time);
        run.Workload = workload;
        LogStarted(logger, endpoint);
        var deployments = Task.CompletedTask;
        using var client = listeners.GetUrl(ListenerKind.Api) is { } api ? new HttpClient { BaseAddress = api } : null;
        if (client is null)
        {
            LogNoApi(logger);
        }
        else
        {
            run.Recorder = new DemoDeploymentRecorder(client, key, time, logger);
            deployments = run.Recorder.RunAsync(run.Plan, stoppingToken);
        }

        await workload.RunAsync(stoppingToken);
        await deployments;
    }

    // Debug: it comes right after the start-up banner, which already says the demo is on, and would push the banner up.
    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Demo workload sending OTLP/HTTP to {Endpoint}")]
    private static partial void LogStarted(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Demo workload not started: no OtlpHttp listener is configured")]
    private static partial void LogNoListener(ILogger logger);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Demo deployments not recorded: no Api listener is configured")]
    private static partial void LogNoApi(ILogger logger);
}
