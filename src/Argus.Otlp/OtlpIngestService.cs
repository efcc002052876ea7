using System.Security.Claims;
using Argus.Core.Telemetry;
using Argus.Core.Tenancy;
using Argus.Otlp.Mapping;
using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Otlp;

/// <summary>How an export ended, independent of the transport that carried it.</summary>
internal enum OtlpIngestStatus
{
    /// <summary>Everything valid is committed to the store; <see cref="OtlpIngestResult.Rejected"/> may still be non-zero (partial success).</summary>
    Accepted,

    /// <summary>The sink is full: retryable, after <see cref="OtlpIngestResult.RetryAfterSeconds"/>.</summary>
    QueueFull,

    /// <summary>The server is stopping: retryable, elsewhere or later.</summary>
    ShuttingDown,

    /// <summary>The store could not commit the data: nothing was kept, retryable after <see cref="OtlpIngestResult.RetryAfterSeconds"/>.</summary>
    WriteFailed,
}

/// <summary>The result of one export; transports turn it into HTTP statuses or gRPC codes.</summary>
internal readonly record struct OtlpIngestResult(OtlpIngestStatus Status, long Rejected, string? ErrorMessage, int RetryAfterSeconds);

/// <summary>
/// The transport-neutral receiver: maps a decoded OTLP request for one tenant, hands the batch to the sink, waits
/// until the sink has committed it (so success means durable), and reports what happened. gRPC and HTTP adapters only
/// decode and encode around it.
/// </summary>
internal sealed class OtlpIngestService(ITelemetrySink sink, IOptions<OtlpOptions> options, ILogger<OtlpIngestService> logger) : IDisposable
{
    private readonly OtlpOptions _options = options.Value;

    // Bounds how many request bodies are buffered and parsed at once, so concurrent requests cannot multiply the cost
    // of one; the domain model they map to is bounded by the ingest queue instead.
    private readonly SemaphoreSlim _decodes = new(options.Value.MaxConcurrentDecodes, options.Value.MaxConcurrentDecodes);

    /// <summary>Waits up to 5 seconds for a decode slot; null when none came free (answer 503 with Retry-After).</summary>
    public async Task<IDisposable?> EnterDecodeAsync(CancellationToken cancellationToken) =>
        await _decodes.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken) ? new DecodeSlot(_decodes) : null;

    public void Dispose() => _decodes.Dispose();

    /// <summary>The same, for a synchronous caller (the gRPC deserializer).</summary>
    public IDisposable? EnterDecode() => _decodes.Wait(TimeSpan.FromSeconds(5)) ? new DecodeSlot(_decodes) : null;

    /// <summary>The options in force, for transports that enforce size limits themselves.</summary>
    public OtlpOptions Options => _options;

    public Task<OtlpIngestResult> ExportAsync(ExportTraceServiceRequest request, string tenantId, CancellationToken cancellationToken) =>
        OfferAsync("traces", tenantId, OtlpTraceMapper.Map(request, tenantId, _options), cancellationToken);

    public Task<OtlpIngestResult> ExportAsync(ExportLogsServiceRequest request, string tenantId, CancellationToken cancellationToken) =>
        OfferAsync("logs", tenantId, OtlpLogMapper.Map(request, tenantId, _options), cancellationToken);

    public Task<OtlpIngestResult> ExportAsync(ExportMetricsServiceRequest request, string tenantId, CancellationToken cancellationToken) =>
        OfferAsync("metrics", tenantId, OtlpMetricMapper.Map(request, tenantId, _options), cancellationToken);

    /// <summary>The tenant of an authenticated caller, from the <see cref="ArgusClaimTypes.TenantId"/> claim; null when absent or blank.</summary>
    public static string? TenantOf(ClaimsPrincipal? user)
    {
        var value = user?.FindFirst(ArgusClaimTypes.TenantId)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private async Task<OtlpIngestResult> OfferAsync(string signal, string tenantId, OtlpMapResult mapped, CancellationToken cancellationToken)
    {
        if (mapped.Rejected > 0)
        {
            OtlpLog.RecordsRejected(logger, signal, tenantId, mapped.Rejected, mapped.ErrorMessage);
        }

        // Nothing valid to queue (an empty request, or all rejected): the sink is not bothered, and a full queue
        // must not turn a permanent rejection into a retry loop.
        if (mapped.Batch.Count == 0)
        {
            return new OtlpIngestResult(OtlpIngestStatus.Accepted, mapped.Rejected, mapped.ErrorMessage, 0);
        }

        var retryAfter = Math.Max(1, sink.RetryAfterSeconds);
        switch (await sink.AcceptAsync(mapped.Batch, cancellationToken))
        {
            case IngestOutcome.Accepted:
                return new OtlpIngestResult(OtlpIngestStatus.Accepted, mapped.Rejected, mapped.ErrorMessage, 0);
            case IngestOutcome.QueueFull:
                OtlpLog.QueueFull(logger, signal, tenantId, mapped.Batch.Count, retryAfter);
                return new OtlpIngestResult(OtlpIngestStatus.QueueFull, 0, null, retryAfter);
            case IngestOutcome.WriteFailed:
                OtlpLog.WriteFailed(logger, signal, tenantId, mapped.Batch.Count, retryAfter);
                return new OtlpIngestResult(OtlpIngestStatus.WriteFailed, 0, null, retryAfter);
            default:
                OtlpLog.ShuttingDown(logger, signal, tenantId);
                return new OtlpIngestResult(OtlpIngestStatus.ShuttingDown, 0, null, retryAfter);
        }
    }
}

/// <summary>One decode slot, given back once.</summary>
internal sealed class DecodeSlot(SemaphoreSlim gate) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
