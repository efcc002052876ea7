using System.Security.Claims;
using Argus.AI.Gateway;
using Argus.Core.Tenancy;
using Argus.Server.Api;
using Microsoft.Extensions.AI;

namespace Argus.Server.Ai;

/// <summary>Why a call could not start, independent of the API's error format.</summary>
internal sealed record RoleCallError(int Status, string Title, string Detail, IDictionary<string, string[]>? Errors = null, TimeSpan? RetryAfter = null)
{
    public static RoleCallError From(RoleCallException ex) => ex switch
    {
        RoleRateLimitedException r => new(StatusCodes.Status429TooManyRequests, "Rate limit", r.Message, null, r.RetryAfter),
        RoleInputException i => new(StatusCodes.Status400BadRequest, "Invalid call", i.Message, i.Errors.ToDictionary(e => e.Key, e => e.Value)),
        ChainFailedException c => new(StatusCodes.Status502BadGateway, "No provider answered", c.Message),
        _ => new(ex.StatusCode, "Role call failed", ex.Message),
    };

    /// <summary>As RFC 9457 problem details, with Retry-After for 429.</summary>
    public IResult ToProblem(HttpContext context)
    {
        SetRetryAfter(context);
        return Errors is { Count: > 0 }
            ? TypedResults.ValidationProblem(Errors, Detail, title: Title)
            : TypedResults.Problem(Detail, statusCode: Status, title: Title);
    }

    public void SetRetryAfter(HttpContext context)
    {
        if (RetryAfter is { } r)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(r.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>What both the role API and the OpenAI-compatible API do before calling the gateway.</summary>
internal static class RoleCalls
{
    /// <summary>Resolves the role version, checks the caller may call it, and builds the gateway request.</summary>
    public static async Task<(GatewayRequest? Request, RoleCallError? Error)> PrepareAsync(
        ClaimsPrincipal user, string code, string? label, int? version, IReadOnlyList<ChatMessageDto>? messages, IReadOnlyDictionary<string, string>? variables,
        RoleStore store, MaskingSettingsStore masking, AiOptions options, CancellationToken ct)
    {
        var errors = new QueryParameters(TimeProvider.System);
        var converted = new List<ChatMessage>();
        var characters = 0L;
        if (messages is { Count: > 0 } && messages.Count > options.MaxMessages)
        {
            errors.Add("messages", $"at most {options.MaxMessages} messages per call.");
        }

        for (var i = 0; i < (messages?.Count ?? 0); i++)
        {
            var m = messages![i];
            ChatRole? role = m?.Role switch
            {
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "system" or "developer" => ChatRole.System,
                _ => null,
            };
            if (role is null)
            {
                errors.Add($"messages[{i}].role", "'role' must be user, assistant or system.");
                continue;
            }

            if (m!.Content is null)
            {
                errors.Add($"messages[{i}].content", "'content' is required.");
                continue;
            }

            characters += m.Content.Length;
            converted.Add(new ChatMessage(role.Value, m.Content));
        }

        characters += variables?.Sum(v => (long)v.Key.Length + (v.Value?.Length ?? 0)) ?? 0;
        if (characters > options.MaxInputCharacters)
        {
            errors.Add("messages", $"messages and variables together exceed {options.MaxInputCharacters} characters.");
        }

        if (variables is not null && variables.Any(v => v.Value is null))
        {
            errors.Add("variables", "variable values must be strings.");
        }

        if (!errors.IsValid)
        {
            return (null, new RoleCallError(StatusCodes.Status400BadRequest, "Invalid call", "The call has problems.", errors.Errors));
        }

        var tenant = user.Tenant();
        var snapshot = await store.GetAsync(tenant, code, label, version, ct);
        if (snapshot is null)
        {
            var what = version is not null ? $"version {version} of role '{code}'" : label is not null ? $"label '{label}' of role '{code}'" : $"role '{code}'";
            return (null, new RoleCallError(StatusCodes.Status404NotFound, "Role not found", $"There is no {what}."));
        }

        var definition = snapshot.Version.Definition;
        var keyRole = user.FindFirstValue(ArgusClaimTypes.Role) ?? "";
        if (!definition.Access.Call.Contains(keyRole))
        {
            return (null, new RoleCallError(StatusCodes.Status403Forbidden, "Not allowed", $"Keys of role '{keyRole}' may not call role '{code}'."));
        }

        return (new GatewayRequest
        {
            TenantId = tenant,
            ClientId = user.FindFirstValue(ArgusClaimTypes.ApiKeyId) ?? "anonymous",
            User = user.FindFirstValue(ClaimTypes.Name),
            RoleCode = code,
            RoleVersion = snapshot.Version.Version,
            Role = definition,
            Messages = converted,
            Variables = variables ?? new Dictionary<string, string>(),
            Masking = await masking.GetAsync(tenant, ct),
        }, null);
    }
}
