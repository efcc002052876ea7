using System.Threading.Channels;
using Argus.Core.Telemetry;
using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ingest;

/// <summary>
/// The bounded queue between the receivers and the store, and its single consumer.
/// Receivers never wait: <see cref="TryAccept"/> refuses when the records waiting would exceed
/// <see cref="IngestOptions.QueueCapacityRecords"/>, and the receiver answers "retry later".
/// The bound is on records, not requests, because memory follows records. On a graceful stop the queue
/// stops accepting and the consumer drains it completely before the store closes, so nothing acknowledged is lost.
/// </summary>
internal sealed partial class TelemetryIngestQueue : BackgroundService, ITelemetrySink
{
    private readonly Channel<TelemetryBatch> _channel;
    private readonly ITelemetryWriter _writer;
    private readonly IngestOptions _options;
    private readonly ILogger<TelemetryIngestQueue> _logger;
    private long _pendingRecords;
    private long _writtenRecords;
    private long _refusedBatches;
    private volatile bool _stopping;

    public TelemetryIngestQueue(ITelemetryWriter writer, IOptions<ArgusOptions> options, ILogger<TelemetryIngestQueue> logger)
    {
        _writer = writer;
        _options = options.Value.Ingest;
        _logger = logger;

        // Unbounded in count because the record counter is the bound; one reader per writer, many producers.
        _channel = Channel.CreateUnbounded<TelemetryBatch>(new UnboundedChannelOptions { SingleReader = _options.Writers == 1, SingleWriter = false });
    }

    public int RetryAfterSeconds => _options.RetryAfterSeconds;

    /// <summary>Records waiting to be written.</summary>
    public long PendingRecords => Interlocked.Read(ref _pendingRecords);

    /// <summary>Records written since start.</summary>
    public long WrittenRecords => Interlocked.Read(ref _writtenRecords);

    public IngestOutcome TryAccept(TelemetryBatch batch)
    {
        if (_stopping)
        {
            return IngestOutcome.ShuttingDown;
        }

        var count = batch.Count;
        if (count == 0)
        {
            return IngestOutcome.Accepted;
        }

        var pending = Interlocked.Add(ref _pendingRecords, count);

        // A single batch larger than the whole queue is still taken when the queue is empty, or it could never be.
        if (pending > _options.QueueCapacityRecords && pending != count)
        {
            Interlocked.Add(ref _pendingRecords, -count);
            var refused = Interlocked.Increment(ref _refusedBatches);
            if (refused % 100 == 1)
            {
                LogQueueFull(_logger, pending - count, _options.QueueCapacityRecords, refused);
            }

            return IngestOutcome.QueueFull;
        }

        if (!_channel.Writer.TryWrite(batch))
        {
            Interlocked.Add(ref _pendingRecords, -count);
            return IngestOutcome.ShuttingDown;
        }

        return IngestOutcome.Accepted;
    }

    /// <summary>
    /// <see cref="IngestOptions.Writers"/> consumers drain the queue side by side; the store takes concurrent writes
    /// (one connection each), so the per-record work of appending runs on every core.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(() => ConsumeAsync(stoppingToken), CancellationToken.None)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        var pending = new List<TelemetryBatch>();

        // The loop ends only when the channel is completed (StopAsync) and drained, never on the token alone:
        // accepted data must reach the store.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var records = 0;
            while (records < _options.WriteBatchRecords && reader.TryRead(out var batch))
            {
                pending.Add(batch);
                records += batch.Count;
            }

            if (pending.Count == 0)
            {
                continue;
            }

            await WriteWithRetryAsync(pending, records, stoppingToken);
            Interlocked.Add(ref _pendingRecords, -records);
            Interlocked.Add(ref _writtenRecords, records);
            pending.Clear();
        }
    }

    private async Task WriteWithRetryAsync(List<TelemetryBatch> batches, int records, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Writes are not cancelled by shutdown: a half-written batch would be lost data.
                await _writer.WriteAsync(batches, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                LogWriteRetry(_logger, ex, records, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
            }
            catch (Exception ex)
            {
                // After three tries the batch is dropped and said so; blocking forever would stop all ingest.
                LogWriteFailed(_logger, ex, records);
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _channel.Writer.TryComplete();
        LogDraining(_logger, PendingRecords);

        // Wait for the drain even past the host's shutdown timeout: losing acknowledged data is worse than a slow stop.
        await base.StopAsync(CancellationToken.None);
        LogDrained(_logger, WrittenRecords);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Ingest queue full ({Pending} of {Capacity} records waiting); refusing with retry-after ({Refused} refusals so far)")]
    private static partial void LogQueueFull(ILogger logger, long pending, int capacity, long refused);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Writing {Records} records failed (attempt {Attempt}); retrying")]
    private static partial void LogWriteRetry(ILogger logger, Exception exception, int records, int attempt);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Writing {Records} records failed three times; they are dropped")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int records);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Stopping ingest; writing the {Pending} records still queued")]
    private static partial void LogDraining(ILogger logger, long pending);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Ingest stopped; {Written} records written since start")]
    private static partial void LogDrained(ILogger logger, long written);
}
