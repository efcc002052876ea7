using System.Text.Json;
using Argus.AI.Roles;
using Argus.Core.Llm;

namespace Argus.Server.Ai;

/// <summary>A role version as the API shows it.</summary>
internal sealed record RoleResponse(
    string Code,
    int Version,
    int LatestVersion,
    IReadOnlyDictionary<string, int> Labels,
    string Author,
    DateTimeOffset CreatedAt,
    string? Message,
    RoleDefinition Role,
    IReadOnlyList<string>? Warnings = null);

/// <summary>A line of the role list.</summary>
internal sealed record RoleListItem(
    string Code, string Name, string? Description, int Version, int LatestVersion, IReadOnlyDictionary<string, int> Labels,
    string ResponseFormat, IReadOnlyList<string> Chain);

/// <summary>The role list.</summary>
internal sealed record RoleListResponse(IReadOnlyList<RoleListItem> Roles);

/// <summary>One version of a role in its history.</summary>
internal sealed record RoleVersionItem(int Version, string Author, DateTimeOffset CreatedAt, string? Message, IReadOnlyList<string> Labels, RoleDefinition Role);

/// <summary>A role's history, newest first.</summary>
internal sealed record RoleVersionsResponse(string Code, IReadOnlyList<RoleVersionItem> Versions);

/// <summary>Moves a label: <c>{ "version": 3 }</c>.</summary>
internal sealed record SetLabelRequest(int? Version);

/// <summary>A message of a chat call.</summary>
internal sealed record ChatMessageDto(string? Role, string? Content);

/// <summary><c>POST /api/roles/{code}/chat</c>.</summary>
internal sealed record RoleChatRequest(
    IReadOnlyList<ChatMessageDto>? Messages,
    Dictionary<string, string>? Variables,
    string? Label,
    int? Version,
    bool Stream)
{
    /// <summary>Set instead of the fields when the body could not be read: the answer to give (400 or 413 problem details).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Microsoft.AspNetCore.Http.IResult? Rejected { get; init; }

    /// <summary>
    /// Minimal APIs bind the body through this instead of their JSON binding, so that it is read strictly
    /// (<see cref="Api.StrictJson"/>): a misspelt field is a 400 rather than ignored. The body limit
    /// (<see cref="AiOptions.MaxRequestBodyBytes"/>) is the route's, applied by <see cref="Api.RequestBodyLimits"/>.
    /// </summary>
    public static async ValueTask<RoleChatRequest?> BindAsync(Microsoft.AspNetCore.Http.HttpContext context, System.Reflection.ParameterInfo parameter)
    {
        var read = await Api.StrictJson.ReadAsync(context.Request, Api.ArgusJsonContext.Default.RoleChatRequest, "chat call", context.RequestAborted);
        return read.Value ?? Reject(read.Problem!);
    }

    private static RoleChatRequest Reject(Microsoft.AspNetCore.Http.IResult result) => new(null, null, null, null, false) { Rejected = result };
}

/// <summary>Tokens of an answer.</summary>
internal sealed record UsageDto(long InputTokens, long OutputTokens);

/// <summary>The answer of <c>POST /api/roles/{code}/chat</c> (and the final SSE event of a stream).</summary>
internal sealed record RoleChatResponse(
    string CallId,
    string Role,
    int Version,
    string Answer,
    JsonElement? Json,
    string Provider,
    string Model,
    int Link,
    bool BuiltIn,
    UsageDto Usage,
    double LatencyMs,
    IReadOnlyList<LlmCallAttempt> Attempts);

/// <summary>A piece of a streamed answer.</summary>
internal sealed record ChatDeltaEvent(string Text);

/// <summary>The configured providers (no secrets).</summary>
internal sealed record ProvidersResponse(IReadOnlyList<Argus.AI.Providers.ProviderInfo> Providers);

/// <summary><c>GET /api/llm/calls</c>.</summary>
internal sealed record LlmCallsResponse(IReadOnlyList<LlmCallRecord> Calls);

/// <summary>A usage bucket on the wire.</summary>
internal sealed record LlmUsageItem(DateTimeOffset Time, string Group, long Calls, long Errors, double ErrorRate, long InputTokens, long OutputTokens, double Cost, double P50LatencyMs, double P95LatencyMs);

/// <summary><c>GET /api/llm/usage</c>.</summary>
internal sealed record LlmUsageResponse(string GroupBy, double StepSeconds, IReadOnlyList<LlmUsageItem> Points);
