using System.Text.Json;
using Argus.AI.Roles;
using Argus.Core.Llm;
using Microsoft.Extensions.AI;

namespace Argus.AI.Gateway;

/// <summary>A call of a role: who calls, which role version, what they send.</summary>
public sealed record GatewayRequest
{
    /// <summary>The caller's tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The API key id (rate limits are per client, i.e. per key).</summary>
    public required string ClientId { get; init; }

    /// <summary>The key's name, for the call log.</summary>
    public string? User { get; init; }

    /// <summary>The role's code.</summary>
    public required string RoleCode { get; init; }

    /// <summary>The resolved version.</summary>
    public required int RoleVersion { get; init; }

    /// <summary>The role as that version defines it.</summary>
    public required RoleDefinition Role { get; init; }

    /// <summary>The conversation (the role's system message is put before it).</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    /// <summary>Values for the system message's variables.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>The tenant's masking settings; null: the masker's defaults, answers stored masked.</summary>
    public Masking.TenantMaskingSettings? Masking { get; init; }
}

/// <summary>The answer of a role, with how it was produced.</summary>
public sealed record GatewayAnswer
{
    /// <summary>The call log's id.</summary>
    public required string CallId { get; init; }

    /// <summary>The answer text (JSON text for a schema role).</summary>
    public required string Text { get; init; }

    /// <summary>The parsed answer of a schema role.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>The provider of the link that served.</summary>
    public required string Provider { get; init; }

    /// <summary>The model that served.</summary>
    public required string Model { get; init; }

    /// <summary>The zero-based index of the link that served.</summary>
    public int Link { get; init; }

    /// <summary>Whether the built-in analyst served (no LLM).</summary>
    public bool BuiltIn { get; init; }

    /// <summary>Input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Total latency.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Every link tried.</summary>
    public IReadOnlyList<LlmCallAttempt> Attempts { get; init; } = [];

    /// <summary>Why the model stopped.</summary>
    public string? FinishReason { get; init; }
}

/// <summary>A piece of a streamed answer: text, then at the end the answer's metadata.</summary>
/// <param name="Delta">Text to append (empty on the final chunk).</param>
/// <param name="Final">The metadata, on the last chunk only (its <see cref="GatewayAnswer.Text"/> is the whole answer).</param>
public sealed record GatewayChunk(string Delta, GatewayAnswer? Final);

/// <summary>The mutable state of one call, shared by the decorators of its pipeline.</summary>
internal sealed class GatewayCall
{
    private readonly Lock _lock = new();
    private readonly List<LlmCallAttempt> _attempts = [];

    public required string Id { get; init; }

    public required GatewayRequest Request { get; init; }

    public required bool Stream { get; init; }

    public required long StartTimestamp { get; init; }

    public required DateTimeOffset StartTime { get; init; }

    public int ServedLink { get; set; } = -1;

    public string? Provider { get; set; }

    public string? Model { get; set; }

    public bool BuiltIn { get; set; }

    public double? FirstTokenMs { get; set; }

    /// <summary>The request before masking, for links that do not mask; null when nothing was masked.</summary>
    public IReadOnlyList<ChatMessage>? ClearMessages { get; set; }

    /// <summary>The call's masking scope, when the chain masks.</summary>
    public IChatMaskingScope? Masking { get; set; }

    /// <summary>Values masked in the request, by kind (wire names) or custom label.</summary>
    public IReadOnlyDictionary<string, int>? Masked { get; set; }

    public IReadOnlyList<LlmCallAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    public void AddAttempt(LlmCallAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Add(attempt);
        }
    }
}
