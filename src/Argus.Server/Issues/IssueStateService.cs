using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server.Issues;

/// <summary>Saves the template miners and issues to <c>{DataPath}/issues</c> every few minutes and on a graceful stop.</summary>
internal sealed partial class IssueStateService(
    IssueRegistry registry,
    IOptions<ArgusOptions> options,
    TimeProvider time,
    ILogger<IssueStateService> logger) : BackgroundService
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMinutes(5);

    public string Folder => Path.Combine(Path.GetFullPath(options.Value.DataPath), "issues");

    /// <summary>Loads what an earlier run saved; called once before the server accepts data.</summary>
    public void Load()
    {
        foreach (var problem in registry.Load(Folder))
        {
            LogLoadProblem(logger, problem);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SaveInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync saves.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    private void Save()
    {
        try
        {
            registry.Save(Folder);
        }
        catch (IOException ex)
        {
            LogSaveFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Saved issue state not loaded: {Problem}")]
    private static partial void LogLoadProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Saving the issue state failed; it will be tried again")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception);
}
