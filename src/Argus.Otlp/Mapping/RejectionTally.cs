namespace Argus.Otlp.Mapping;

/// <summary>Counts rejected records and keeps the first reason, which is what OTLP partial success reports.</summary>
internal sealed class RejectionTally
{
    public long Count { get; private set; }

    public string? FirstReason { get; private set; }

    public void Reject(long count, string reason)
    {
        if (count <= 0)
        {
            return;
        }

        Count += count;
        FirstReason ??= reason;
    }

    /// <summary>The partial-success message: how many were rejected and why the first one was.</summary>
    public string? Message(string noun) => Count == 0 ? null : $"{Count} {noun} rejected; first: {FirstReason}";
}

/// <summary>What a mapper produced from one request: the accepted records and the rejected count with its message.</summary>
internal readonly record struct OtlpMapResult(Core.Telemetry.TelemetryBatch Batch, long Rejected, string? ErrorMessage)
{
    /// <summary>Records that passed validation.</summary>
    public int Accepted => Batch.Count;
}
