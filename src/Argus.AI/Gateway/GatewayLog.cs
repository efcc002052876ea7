using Microsoft.Extensions.Logging;

namespace Argus.AI.Gateway;

/// <summary>The gateway's log messages; event ids 4000-4099. Prompts and answers are logged only at Trace.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Role {Role} v{Version} served by {Provider}/{Model} (link {Link}) in {LatencyMs} ms for tenant {Tenant}.")]
    public static partial void Served(ILogger logger, string role, int version, string provider, string model, int link, double latencyMs, string tenant);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Role {Role}: link {Link} ({Provider}/{Model}) failed with {Outcome}; trying the next link. {Error}")]
    public static partial void LinkFailed(ILogger logger, string role, int link, string provider, string model, string outcome, string error);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Role {Role}: link {Link} ({Provider}/{Model}) has a configuration error ({Outcome}): check the provider's key, URL and model. {Error}")]
    public static partial void LinkConfigurationError(ILogger logger, string role, int link, string provider, string model, string outcome, string error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Role {Role}: every link of the chain failed ({Count} tried).")]
    public static partial void ChainExhausted(ILogger logger, string role, int count);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Role {Role}: rate limit ({Scope}) refused client {Client}; retry after {RetryAfterMs} ms.")]
    public static partial void RateLimited(ILogger logger, string role, string scope, string client, double retryAfterMs);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Trace, Message = "Role {Role} call {CallId} request: {Messages}")]
    public static partial void Request(ILogger logger, string role, string callId, string messages);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Trace, Message = "Role {Role} call {CallId} answer: {Answer}")]
    public static partial void Answer(ILogger logger, string role, string callId, string answer);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "The LLM call log queue is full; a call record was dropped ({Dropped} so far).")]
    public static partial void CallLogDropped(ILogger logger, long dropped);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Role {Role}: link {Link} answered JSON that breaks the schema; asking once for a repair. {Errors}")]
    public static partial void Repairing(ILogger logger, string role, int link, string errors);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Role {Role}: link {Link} failed after the first token reached the client; the stream ends with an error. {Error}")]
    public static partial void StreamBroken(ILogger logger, string role, int link, string error);
}
