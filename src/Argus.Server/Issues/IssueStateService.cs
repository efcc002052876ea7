namespace Argus.Server.Issues;

/// <summary>
/// Saves a snapshot of the template miners and issues (with their counters) to <c>{DataPath}/issues</c> every few
/// minutes and on a graceful stop; what changed in between is in the <see cref="IssueJournal"/>.
/// </summary>
internal sealed partial class IssueStateService(
    IssueRegistry registry,
    IssueJournal journal,
    TimeProvider time,
    ILogger<IssueStateService> logger) : BackgroundService
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMinutes(5);

    public string Folder => journal.Folder;

    /// <summary>Loads the last snapshot and replays the journal written after it; called once before the server accepts data.</summary>
    public void Load()
    {
        foreach (var problem in registry.Load(Folder).Concat(journal.Replay()))
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
                await SaveAsync();
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
        await SaveAsync();
    }

    private async Task SaveAsync()
    {
        try
        {
            // The new journal generation first: a change made while the snapshot is written is in the new file,
            // so the older files may go once the snapshot is on disk.
            var generation = await journal.StartGenerationAsync(CancellationToken.None);
            registry.Save(Folder);
            journal.DeleteBefore(generation);
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
