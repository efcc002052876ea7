using Argus.Core.Telemetry;
using DuckDB.NET.Data;

namespace Argus.Storage.DuckDb;

// What happens to the file: DELETE marks rows deleted; CHECKPOINT rewrites or drops the affected row groups and
// returns their blocks to the file's free list. DuckDB reuses free blocks for new data before growing the file, and
// truncates the file only when the free blocks are at its end. So after retention the file size usually stays where
// it was, but it stops growing until the freed space is used up. Size retention therefore measures *used* blocks
// (file size minus free blocks, plus the WAL), not the file's length, or it would delete everything.
public sealed partial class DuckDbTelemetryStore
{
    private const int MaxSizeSteps = 200;

    /// <inheritdoc />
    public async Task<RetentionResult> ApplyRetentionAsync(DateTimeOffset olderThan, long maxBytes, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await AcquireExclusiveAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            var cutoff = Core.TimeRange.ToUnixNano(olderThan);
            var (spans, logs, metrics) = DeleteOlderThan(cutoff);
            DeleteLlmCallsOlderThan(cutoff);
            Checkpoint();

            if (maxBytes > 0)
            {
                for (var step = 0; step < MaxSizeSteps && GetUsedBytes() > maxBytes; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var bounds = TimeBounds();
                    if (bounds is null)
                    {
                        Log.SizeRetentionExhausted(_logger, GetUsedBytes(), maxBytes);
                        break;
                    }

                    // Delete the oldest slice: a fraction of the stored span of time, at least one nanosecond past the
                    // oldest record so each step removes something.
                    var (oldest, newest) = bounds.Value;
                    var slice = Math.Max(1, (long)((newest - oldest) * _options.SizeRetentionStepFraction));
                    var (s, l, m) = DeleteOlderThan(oldest + slice);
                    spans += s;
                    logs += l;
                    metrics += m;
                    Checkpoint();
                }
            }

            var used = GetUsedBytes();
            var bytes = GetStorageBytes();
            Log.RetentionApplied(_logger, spans, logs, metrics, used, bytes);
            return new RetentionResult(spans, logs, metrics, bytes);
        }
        finally
        {
            ReleaseExclusive();
        }
    }

    /// <summary>The database file's length plus its write-ahead log, in bytes.</summary>
    public long GetStorageBytes() => FileLength(DatabasePath) + FileLength(_walPath);

    /// <summary>Bytes in use: the file's blocks minus its free blocks, plus the write-ahead log.</summary>
    internal long GetUsedBytes()
    {
        using var command = Command(_writeConnection, "SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = current_database()");
        var used = Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        return used + FileLength(_walPath);
    }

    private (long Spans, long Logs, long Metrics) DeleteOlderThan(long cutoffNanos)
    {
        Execute(_writeConnection, "BEGIN TRANSACTION");
        try
        {
            var spans = ExecuteCount(_writeConnection, "DELETE FROM spans WHERE start_ns < $cutoff", ("cutoff", cutoffNanos));
            var logs = ExecuteCount(_writeConnection, "DELETE FROM logs WHERE time_ns < $cutoff", ("cutoff", cutoffNanos));
            var metrics = ExecuteCount(_writeConnection, "DELETE FROM metric_points WHERE time_ns < $cutoff", ("cutoff", cutoffNanos));
            Execute(_writeConnection, "COMMIT");
            return (spans, logs, metrics);
        }
        catch
        {
            Execute(_writeConnection, "ROLLBACK");
            throw;
        }
    }

    private (long Oldest, long Newest)? TimeBounds()
    {
        using var command = Command(_writeConnection, """
            SELECT min(lo), max(hi) FROM (
                SELECT min(start_ns) AS lo, max(start_ns) AS hi FROM spans
                UNION ALL SELECT min(time_ns), max(time_ns) FROM logs
                UNION ALL SELECT min(time_ns), max(time_ns) FROM metric_points)
            """);
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(0))
        {
            return null;
        }

        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void Checkpoint()
    {
        // CHECKPOINT waits for nothing: it fails while another connection has a transaction open (a long read).
        // That only delays reclaiming space until DuckDB's next automatic checkpoint, so it is logged, not thrown.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Execute(_writeConnection, "CHECKPOINT");
                return;
            }
            catch (DuckDBException ex) when (attempt < 3)
            {
                _ = ex;
                Thread.Sleep(50 * (attempt + 1));
            }
            catch (DuckDBException ex)
            {
                Log.CheckpointSkipped(_logger, ex.Message);
                return;
            }
        }
    }

    private static long FileLength(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
