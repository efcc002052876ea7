namespace Argus.Server.Configuration;

/// <summary>The <c>Argus</c> configuration section. Every limit is here, with its default.</summary>
public sealed class ArgusOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Argus";

    /// <summary>The data folder (created if missing). Holds <c>telemetry.duckdb</c> and <c>control.db</c>.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>
    /// The admin API key created for the default tenant on first start with an empty store.
    /// When unset, a key is generated and printed once.
    /// </summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>
    /// Argus's address as people reach it (e.g. <c>https://argus.example.com</c>): links in notifications point at console
    /// pages under it. Unset: the API listener's own address (right on a laptop; behind a proxy, set this).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Runs the demo workload against this server's own OTLP endpoint.</summary>
    public bool Demo { get; set; }

    public RetentionOptions Retention { get; set; } = new();

    public IngestOptions Ingest { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    /// <summary>Limits of the HTTP API (<c>Argus:Api</c>).</summary>
    public ApiOptions Api { get; set; } = new();
}

/// <summary>The embedded telemetry store's resources.</summary>
public sealed class StorageOptions
{
    /// <summary>DuckDB's memory limit in MiB. Default 2048; 0 leaves DuckDB's own default (80% of RAM).</summary>
    public int MemoryLimitMegabytes { get; set; } = 2048;

    /// <summary>Threads one query may use; 0 (default) uses one per core.</summary>
    public int Threads { get; set; }
}

/// <summary>How long and how much telemetry is kept.</summary>
public sealed class RetentionOptions
{
    /// <summary>Telemetry older than this is deleted. Default 8 days: change tracking compares with the same window a week earlier.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(8);

    /// <summary>When the store's file grows beyond this many bytes, the oldest data is deleted. 0 = no limit. Default 10 GiB.</summary>
    public long MaxSizeBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>
    /// The most LLM calls the call log keeps (every tenant together); beyond it the oldest are deleted at each retention
    /// pass, besides <see cref="MaxAge"/>. 0 = no limit. Default 1,000,000.
    /// </summary>
    public long MaxLlmCalls { get; set; } = 1_000_000;

    /// <summary>How often retention runs. Default 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// How much the ingest queue buffers. The receivers' own limits (body size, attributes, records per request) live in the
/// same <c>Argus:Ingest</c> section and are bound to <see cref="Argus.Otlp.OtlpOptions"/>.
/// </summary>
public sealed class IngestOptions
{
    /// <summary>
    /// Records (spans, logs and metric points) waiting to be written before receivers answer "retry later". Default 50,000:
    /// measured as fast as 200,000 with a third less peak memory, since queued records are what the GC keeps moving.
    /// </summary>
    public int QueueCapacityRecords { get; set; } = 50_000;

    /// <summary>Writers draining the queue at once, each with its own store connection. Default 2.</summary>
    public int Writers { get; set; } = 2;

    /// <summary>Records a writer takes from the queue in one write. Default 10,000.</summary>
    public int WriteBatchRecords { get; set; } = 10_000;

    /// <summary>Retry-After, in seconds, sent with 429/503 when the queue is full. Default 2.</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}

/// <summary>
/// Request body limits of the API listener, counted while the body is read (chunked bodies included). OTLP has its own
/// (<c>Argus:Ingest:MaxRequestBodyBytes</c>), and so do chat calls (<c>Argus:Ai:MaxRequestBodyBytes</c>).
/// </summary>
public sealed class ApiOptions
{
    /// <summary>Every JSON route of <c>/api</c> unless it has a limit of its own. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Incoming integrations: Prometheus Alertmanager's webhook and the GitHub deployment webhook. Default 4 MiB.</summary>
    public long MaxIntegrationBodyBytes { get; set; } = 4 * 1024 * 1024;
}
