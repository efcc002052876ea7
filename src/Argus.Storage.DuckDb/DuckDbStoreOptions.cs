namespace Argus.Storage.DuckDb;

/// <summary>Where and how the embedded DuckDB telemetry store keeps its data.</summary>
public sealed class DuckDbStoreOptions
{
    /// <summary>Path of the single database file (created with its directory when missing). Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>DuckDB's memory limit in megabytes; 0 (default) keeps DuckDB's own default of 80% of RAM.</summary>
    public int MemoryLimitMegabytes { get; set; }

    /// <summary>Worker threads DuckDB may use for one query; 0 (default) uses one per core.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// WAL size in megabytes that triggers an automatic checkpoint (default 256; DuckDB's own default is 16).
    /// Larger values checkpoint less often, which speeds up ingest, at the cost of a longer WAL replay after a crash.
    /// </summary>
    public int CheckpointThresholdMegabytes { get; set; } = 256;

    /// <summary>Idle read connections kept open for reuse (default 4). More concurrent readers still get their own connection.</summary>
    public int MaxIdleReadConnections { get; set; } = 4;

    /// <summary>
    /// Telemetry writes that may run at once, each on its own connection (default 2). DuckDB appends from several
    /// connections without conflicts and the managed per-value work is the writer's main cost, so two writers use both
    /// cores of a small machine. Retention still runs alone.
    /// </summary>
    public int MaxConcurrentWrites { get; set; } = 2;

    /// <summary>
    /// How much older data each step of size-based retention removes, as a fraction of the stored time span
    /// (default 0.05: a twentieth). Smaller steps overshoot less but checkpoint more often.
    /// </summary>
    public double SizeRetentionStepFraction { get; set; } = 0.05;

    /// <summary>Throws an actionable exception when the options cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("DuckDbStoreOptions.DatabasePath is required: set it to the telemetry database file, e.g. /var/lib/argus/telemetry.duckdb.");
        }

        if (MaxConcurrentWrites is < 1 or > 16)
        {
            throw new ArgumentException($"DuckDbStoreOptions.MaxConcurrentWrites must be between 1 and 16; it is {MaxConcurrentWrites}.");
        }

        if (MemoryLimitMegabytes < 0 || Threads < 0 || MaxIdleReadConnections < 0 || CheckpointThresholdMegabytes < 1)
        {
            throw new ArgumentException("DuckDbStoreOptions.MemoryLimitMegabytes, Threads and MaxIdleReadConnections must be 0 or more, CheckpointThresholdMegabytes 1 or more.");
        }

        if (SizeRetentionStepFraction is <= 0 or > 1)
        {
            throw new ArgumentException($"DuckDbStoreOptions.SizeRetentionStepFraction must be in (0, 1]; it is {SizeRetentionStepFraction}.");
        }
    }
}
