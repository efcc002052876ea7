namespace Argus.Otlp;

/// <summary>
/// Limits of the OTLP receiver. Every limit protects the server from one oversized request;
/// the defaults suit SDK exporters with their default batch sizes.
/// </summary>
public sealed class OtlpOptions
{
    /// <summary>The configuration section the limits are bound from: <c>Argus:Ingest</c>, shared with the ingest queue's settings.</summary>
    public const string SectionName = "Argus:Ingest";

    /// <summary>
    /// Largest request body accepted over HTTP, and largest gRPC message, in bytes (default 8 MiB).
    /// Enforced on the bytes received and again on the decompressed size, so a small gzip body cannot expand without bound.
    /// </summary>
    public int MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest number of spans, log records or metric data points taken from one request (default 65 536); the rest are rejected as a partial success.</summary>
    public int MaxRecordsPerRequest { get; set; } = 65_536;

    /// <summary>A record (or resource, or span event) with more attributes than this is rejected (default 128).</summary>
    public int MaxAttributesPerRecord { get; set; } = 128;

    /// <summary>Attribute values longer than this many characters are truncated (default 4096).</summary>
    public int MaxAttributeValueLength { get; set; } = 4096;

    /// <summary>A span with more events than this is rejected (default 128).</summary>
    public int MaxEventsPerSpan { get; set; } = 128;

    /// <summary>A histogram data point with more buckets than this is rejected (default 1024).</summary>
    public int MaxBucketsPerDataPoint { get; set; } = 1024;

    /// <summary>
    /// A request must average at least this many bytes per protobuf message (JSON object), beyond the first 4,096
    /// (default 4). A message costs a hundred bytes or more once parsed however small it is on the wire, so this bounds
    /// what one request can cost to a small multiple of its size; real telemetry averages 10 bytes or more.
    /// </summary>
    public int MinBytesPerMessage { get; set; } = 4;

    /// <summary>Requests decoded at once (default two per core); more wait up to 5 seconds, then get 503 with Retry-After.</summary>
    public int MaxConcurrentDecodes { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);
}
