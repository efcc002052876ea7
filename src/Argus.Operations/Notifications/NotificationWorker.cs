using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Argus.Operations.Notifications;

/// <summary>
/// Drains the dispatcher's queue, up to <see cref="NotificationOptions.MaxConcurrentDeliveries"/> deliveries at a time.
/// The queue lives in memory: deliveries still waiting when Argus stops are logged as dropped.
/// </summary>
public sealed class NotificationWorker(NotificationDispatcher dispatcher, IOptions<NotificationOptions> options) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrentDeliveries, CancellationToken = stoppingToken };
        try
        {
            await Parallel.ForEachAsync(dispatcher.Queue.ReadAllAsync(stoppingToken), parallel, async (delivery, ct) => await dispatcher.DeliverAsync(delivery, ct));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        while (dispatcher.Queue.TryRead(out var left))
        {
            await dispatcher.RecordDroppedAsync(left, "Argus stopped before the delivery was attempted");
        }
    }
}
