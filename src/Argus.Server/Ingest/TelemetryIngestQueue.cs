using System.Threading.Channels;
using Argus.Core.Telemetry;
using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ingest;

/// <summary>
/// The bounded queue between the receivers and the store, its writers, and the group commit that makes an
/// acknowledgement mean "durable".
/// </summary>
/// <remarks>
/// <para>Receivers never wait for room: <see cref="AcceptAsync"/> refuses at once when the records waiting would exceed
/// <see cref="IngestOptions.QueueCapacityRecords"/>, and the receiver answers "retry later". The bound is on records,
/// not requests, because memory follows records.</para>
/// <para>An accepted batch waits, with its completion, until a writer has committed it: each writer takes every batch
/// queued (up to <see cref="IngestOptions.WriteBatchRecords"/> records), writes them in one store transaction and then
/// completes all their completions at once (group commit), so a receiver answers success only for data a crash
/// cannot lose, and the cost of a commit is shared by every request waiting on it. A failed commit is retried one
/// request at a time, so one bad request does not fail the others; what still fails is answered with
/// <see cref="IngestOutcome.WriteFailed"/>, which the exporter retries.</para>
/// <para>On a graceful stop the queue stops accepting and the writers drain it completely before the store closes.</para>
/// </remarks>
internal sealed partial class TelemetryIngestQueue : BackgroundService, ITelemetrySink
{
    private readonly Channel<PendingWrite> _channel;
    private readonly ITelemetryWriter _writer;
    private readonly IngestOptions _options;
    private readonly ILogger<TelemetryIngestQueue> _logger;
    private long _pendingRecords;
    private long _writtenRecords;
    private long _refusedBatches;
    private volatile bool _stopping;

    /// <summary>A queued batch and the completion its receiver waits on.</summary>
    private sealed class PendingWrite(TelemetryBatch batch)
    {
        public TelemetryBatch Batch { get; } = batch;

        // Completed by a writer thread: the receiver's continuation must not run on it and hold up the next commit.
        public TaskCompletionSource<IngestOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public TelemetryIngestQueue(ITelemetryWriter writer, IOptions<ArgusOptions> options, ILogger<TelemetryIngestQueue> logger)
    {
        _writer = writer;
        _options = options.Value.Ingest;
        _logger = logger;

        // Unbounded in count because the record counter (checked in AcceptAsync before every write to the channel) is
        // the bound, and it is a bound in records rather than items; one reader per writer, many producers.
        _channel = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = _options.Writers == 1, SingleWriter = false });
    }

    public int RetryAfterSeconds => _options.RetryAfterSeconds;

    /// <summary>Records waiting to be written.</summary>
    public long PendingRecords => Interlocked.Read(ref _pendingRecords);

    /// <summary>Records written since start.</summary>
    public long WrittenRecords => Interlocked.Read(ref _writtenRecords);

    public Task<IngestOutcome> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (_stopping)
        {
            return Task.FromResult(IngestOutcome.ShuttingDown);
        }

        var count = batch.Count;
        if (count == 0)
        {
            return Task.FromResult(IngestOutcome.Accepted);
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

            return Task.FromResult(IngestOutcome.QueueFull);
        }

        var write = new PendingWrite(batch);
        if (!_channel.Writer.TryWrite(write))
        {
            Interlocked.Add(ref _pendingRecords, -count);
            return Task.FromResult(IngestOutcome.ShuttingDown);
        }

        // The caller going away stops its wait only; the batch stays queued and is written like any other.
        return cancellationToken.CanBeCanceled ? write.Done.Task.WaitAsync(cancellationToken) : write.Done.Task;
    }

    /// <summary>
    /// <see cref="IngestOptions.Writers"/> consumers drain the queue side by side; the store takes concurrent writes
    /// (one connection each), so the per-record work of appending runs on every core, and one writer's commit
    /// overlaps the next writer's appending.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(ConsumeAsync, CancellationToken.None)));

    private async Task ConsumeAsync()
    {
        var reader = _channel.Reader;
        var group = new List<PendingWrite>();
        var batches = new List<TelemetryBatch>();

        // The loop ends only when the channel is completed (StopAsync) and drained, never on a token: accepted data
        // must reach the store, and its receivers their answer.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var records = 0;
            while (records < _options.WriteBatchRecords && reader.TryRead(out var write))
            {
                group.Add(write);
                batches.Add(write.Batch);
                records += write.Batch.Count;
            }

            if (group.Count == 0)
            {
                continue;
            }

            var written = await CommitAsync(group, batches, records);
            Interlocked.Add(ref _pendingRecords, -records);
            Interlocked.Add(ref _writtenRecords, written);
            group.Clear();
            batches.Clear();
        }
    }

    /// <summary>Commits a group and answers each of its receivers; returns the records committed.</summary>
    private async Task<int> CommitAsync(List<PendingWrite> group, List<TelemetryBatch> batches, int records)
    {
        // Writes are not cancelled by shutdown: the drain must finish what was accepted.
        if (await TryWriteAsync(batches, records))
        {
            foreach (var write in group)
            {
                write.Done.TrySetResult(IngestOutcome.Accepted);
            }

            return records;
        }

        if (group.Count == 1)
        {
            group[0].Done.TrySetResult(IngestOutcome.WriteFailed);
            return 0;
        }

        // The transaction failed as a whole and kept nothing: each request is tried alone, so the ones that can be
        // stored are, and only the ones that cannot are answered "retry".
        LogGroupFailed(_logger, group.Count, records);
        var written = 0;
        foreach (var write in group)
        {
            var ok = await TryWriteAsync([write.Batch], write.Batch.Count);
            written += ok ? write.Batch.Count : 0;
            write.Done.TrySetResult(ok ? IngestOutcome.Accepted : IngestOutcome.WriteFailed);
        }

        return written;
    }

    private async Task<bool> TryWriteAsync(IReadOnlyList<TelemetryBatch> batches, int records)
    {
        try
        {
            await _writer.WriteAsync(batches, CancellationToken.None);
            return true;
        }
        catch (Exception ex)
        {
            // Any failure of the store is answered "retry" to the exporter rather than taking the writer down.
            LogWriteFailed(_logger, ex, records);
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _channel.Writer.TryComplete();
        LogDraining(_logger, PendingRecords);

        // Wait for the drain even past the host's shutdown timeout: the receivers waiting on it are owed an answer,
        // and a slow stop is better than a lost batch.
        await base.StopAsync(CancellationToken.None);
        LogDrained(_logger, WrittenRecords);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Ingest queue full ({Pending} of {Capacity} records waiting); refusing with retry-after ({Refused} refusals so far)")]
    private static partial void LogQueueFull(ILogger logger, long pending, int capacity, long refused);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Committing {Requests} requests ({Records} records) in one transaction failed; committing them one at a time")]
    private static partial void LogGroupFailed(ILogger logger, int requests, int records);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Committing {Records} records failed; their requests are answered retry-later and nothing of them is kept")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int records);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Stopping ingest; writing the {Pending} records still queued")]
    private static partial void LogDraining(ILogger logger, long pending);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Ingest stopped; {Written} records written since start")]
    private static partial void LogDrained(ILogger logger, long written);
}
