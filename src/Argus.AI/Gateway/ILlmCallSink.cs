using Argus.Core.Llm;

namespace Argus.AI.Gateway;

/// <summary>Where the gateway hands finished call records; the server's implementation queues them for the telemetry store.</summary>
public interface ILlmCallSink
{
    /// <summary>Queues a record without waiting; returns false when the record had to be dropped (queue full).</summary>
    bool TryWrite(LlmCallRecord record);
}
