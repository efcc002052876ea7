namespace Argus.Core.Llm;

/// <summary>One link of a role's chain that the gateway tried during a call, with what came of it.</summary>
/// <param name="Provider">The configured provider name (<c>argus</c> for the built-in analyst).</param>
/// <param name="Model">The model asked for.</param>
/// <param name="Outcome"><c>ok</c>, or why the gateway moved on: <c>timeout</c>, <c>connection</c>, <c>http_429</c>, <c>refusal</c>, <c>schema_invalid</c>, <c>configuration</c>, ...</param>
/// <param name="Error">The error, with secrets removed; null when the link served.</param>
/// <param name="LatencyMs">Time spent on this link.</param>
public sealed record LlmCallAttempt(string Provider, string Model, string Outcome, string? Error, double LatencyMs);

/// <summary>One call of a role through the gateway, as the call log keeps it.</summary>
public sealed record LlmCallRecord
{
    /// <summary>The call's id (also returned to the caller).</summary>
    public required string Id { get; init; }

    /// <summary>The tenant the call belongs to.</summary>
    public required string TenantId { get; init; }

    /// <summary>When the call started.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The id of the API key that called (never the key).</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>The name of the caller (the key's name).</summary>
    public string? User { get; init; }

    /// <summary>The role's code.</summary>
    public required string RoleCode { get; init; }

    /// <summary>The role version that served the call.</summary>
    public int RoleVersion { get; init; }

    /// <summary><c>ok</c>, <c>error</c>, <c>rate_limited</c> or <c>cancelled</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The final error, with secrets removed.</summary>
    public string? Error { get; init; }

    /// <summary>The provider of the link that served (null when none did).</summary>
    public string? Provider { get; init; }

    /// <summary>The model that served.</summary>
    public string? Model { get; init; }

    /// <summary>The zero-based index of the link that served, or -1.</summary>
    public int ServedLink { get; init; } = -1;

    /// <summary>Every link tried, in order.</summary>
    public IReadOnlyList<LlmCallAttempt> Attempts { get; init; } = [];

    /// <summary>The parameters sent (JSON object).</summary>
    public string? ParametersJson { get; init; }

    /// <summary>The request messages as sent to the provider, that is after masking (JSON array).</summary>
    public string? RequestJson { get; init; }

    /// <summary>The answer text as the provider gave it (masked), or restored when the tenant's masking settings say so.</summary>
    public string? Answer { get; init; }

    /// <summary>Whether the caller asked for a stream.</summary>
    public bool Stream { get; init; }

    /// <summary>Total latency.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Latency to the first token that reached the caller (streams), or the total.</summary>
    public double? FirstTokenMs { get; init; }

    /// <summary>Input tokens as the provider counted them.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens as the provider counted them.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Estimated cost from the configured price table, in the table's currency; null when no price is known.</summary>
    public double? Cost { get; init; }

    /// <summary>Values masked in the request by kind (<c>hostname</c>, <c>ipv4</c>, ...) or custom label; null when the call was not masked.</summary>
    public IReadOnlyDictionary<string, int>? Masked { get; init; }

    /// <summary>Token-shaped strings in the answer that matched no token (the model changed them), left as they are.</summary>
    public int MangledTokens { get; init; }
}

/// <summary>Filters for <see cref="ILlmCallLog.QueryCallsAsync"/>; null means any.</summary>
public sealed record LlmCallQuery(TimeRange Range, string? Role = null, string? Client = null, string? Model = null, string? Status = null, int Limit = 100);

/// <summary>What <see cref="ILlmCallLog.GetUsageAsync"/> groups by.</summary>
public enum LlmUsageGroupBy
{
    /// <summary>The role code.</summary>
    Role,
    /// <summary>The API key id.</summary>
    Client,
    /// <summary>The served model (or <c>none</c>).</summary>
    Model,
}

/// <summary>A usage query: a time range cut into steps, grouped by one dimension.</summary>
public sealed record LlmUsageQuery(TimeRange Range, TimeSpan Step, LlmUsageGroupBy GroupBy);

/// <summary>Usage of one group in one time bucket.</summary>
public sealed record LlmUsagePoint(
    DateTimeOffset Time,
    string Group,
    long Calls,
    long Errors,
    long InputTokens,
    long OutputTokens,
    double Cost,
    double P50LatencyMs,
    double P95LatencyMs)
{
    /// <summary>Errors divided by calls.</summary>
    public double ErrorRate => Calls == 0 ? 0 : (double)Errors / Calls;
}

/// <summary>The call log of the role gateway: kept in the telemetry store, under its retention.</summary>
public interface ILlmCallLog
{
    /// <summary>Appends calls.</summary>
    Task WriteCallsAsync(IReadOnlyList<LlmCallRecord> calls, CancellationToken cancellationToken);

    /// <summary>The newest calls first, filtered.</summary>
    Task<IReadOnlyList<LlmCallRecord>> QueryCallsAsync(string tenantId, LlmCallQuery query, CancellationToken cancellationToken);

    /// <summary>Calls, tokens, cost, error rate and latency percentiles per group and time bucket.</summary>
    Task<IReadOnlyList<LlmUsagePoint>> GetUsageAsync(string tenantId, LlmUsageQuery query, CancellationToken cancellationToken);
}
