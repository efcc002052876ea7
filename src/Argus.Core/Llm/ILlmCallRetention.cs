namespace Argus.Core.Llm;

/// <summary>Size retention of the LLM call log, beside the age retention of <see cref="Telemetry.ITelemetryRetention"/>.</summary>
public interface ILlmCallRetention
{
    /// <summary>Deletes the oldest calls (of every tenant) so that at most <paramref name="maxCalls"/> remain; returns how many went.</summary>
    Task<long> TrimLlmCallsAsync(long maxCalls, CancellationToken cancellationToken);
}
