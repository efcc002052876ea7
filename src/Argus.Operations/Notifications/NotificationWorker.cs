using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Operations.Notifications;

/// <summary>
/// Drains the dispatcher's queue, up to <see cref="NotificationOptions.MaxConcurrentDeliveries"/> deliveries at a time,
/// after queueing the deliveries the last run left unfinished. Deliveries still waiting when Argus stops stay kept and
/// are sent at the next start; only one that could not be kept is logged as dropped.
/// </summary>
public sealed class NotificationWorker(NotificationDispatcher dispatcher, IOptions<NotificationOptions> options, ILogger<NotificationWorker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrentDeliveries, CancellationToken = stoppingToken };

        // Resumed alongside the draining: more deliveries may be left than the queue holds.
        var resume = ResumeAsync(stoppingToken);
        try
        {
            await Parallel.ForEachAsync(dispatcher.Queue.ReadAllAsync(stoppingToken), parallel, async (delivery, ct) => await dispatcher.DeliverAsync(delivery, ct));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await resume;
        var kept = 0;
        while (dispatcher.Queue.TryRead(out var left))
        {
            if (left.Kept)
            {
                kept++;
            }
            else
            {
                await dispatcher.RecordDroppedAsync(left, "Argus stopped before the delivery was attempted");
            }
        }

        if (kept > 0)
        {
            NotificationLog.DeliveriesKeptForNextStart(logger, kept);
        }
    }

    private async Task ResumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await dispatcher.ResumeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            NotificationLog.ResumeFailed(logger, ex);
        }
    }
}
