using Argus.Core.Llm;

namespace Argus.Storage.DuckDb;

// Calls are few next to spans but each carries prompts and answers, so the call log gets its own row cap rather than
// sharing the byte budget: a burst of telemetry must not wipe the audit trail, nor a chatty role the telemetry.
public sealed partial class DuckDbTelemetryStore : ILlmCallRetention
{
    /// <inheritdoc />
    public async Task<long> TrimLlmCallsAsync(long maxCalls, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCalls);
        ThrowIfDisposed();
        await AcquireExclusiveAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            // rowid and not time: calls with the same start time at the boundary would otherwise keep the table over the cap.
            var deleted = ExecuteCount(_writeConnection, """
                DELETE FROM llm_calls WHERE rowid IN (
                    SELECT rowid FROM llm_calls ORDER BY time_ns DESC, rowid DESC OFFSET $keep)
                """, ("keep", maxCalls));
            if (deleted > 0)
            {
                Checkpoint();
            }

            return deleted;
        }
        finally
        {
            ReleaseExclusive();
        }
    }
}
