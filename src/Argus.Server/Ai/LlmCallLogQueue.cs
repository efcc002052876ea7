using System.Threading.Channels;
using Argus.AI.Gateway;
using Argus.Core.Llm;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>
/// Hands call records from the gateway to the telemetry store. A call never waits for the store: records go into a
/// bounded channel (full mode: drop the new record, counted and logged) and are written in batches in the background.
/// </summary>
internal sealed class LlmCallLogQueue : BackgroundService, ILlmCallSink
{
    private const int MaxBatch = 4096;

    // Records wait this long to be written together: each store write is a DuckDB commit, and a commit per call would
    // take a thread-pool thread from the gateway's callers for every call under load.
    private static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(200);
    private readonly Channel<LlmCallRecord> _channel;
    private readonly ILlmCallLog _store;
    private readonly TimeProvider _time;
    private readonly ILogger<LlmCallLogQueue> _logger;
    private long _dropped;

    public LlmCallLogQueue(IOptions<AiOptions> options, ILlmCallLog store, TimeProvider time, ILogger<LlmCallLogQueue> logger)
    {
        _time = time;
        _store = store;
        _logger = logger;
        _channel = Channel.CreateBounded<LlmCallRecord>(new BoundedChannelOptions(options.Value.CallLogQueueCapacity)
        {
            // Wait, not DropWrite: with DropWrite TryWrite reports success for a record it drops, so nothing would be counted.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public bool TryWrite(LlmCallRecord record)
    {
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            GatewayLog.CallLogDropped(_logger, dropped);
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<LlmCallRecord>(MaxBatch);
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(BatchDelay, _time, stoppingToken);
                while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is queued is written below.
        }

        while (_channel.Reader.TryRead(out var record))
        {
            batch.Add(record);
            if (batch.Count == MaxBatch)
            {
                await WriteAsync(batch, CancellationToken.None);
            }
        }

        await WriteAsync(batch, CancellationToken.None);
    }

    private async Task WriteAsync(List<LlmCallRecord> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await _store.WriteCallsAsync(batch, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            AiLog.CallLogWriteFailed(_logger, ex, batch.Count);
        }

        batch.Clear();
    }
}
