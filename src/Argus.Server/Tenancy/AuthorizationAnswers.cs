using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Argus.Server.Tenancy;

/// <summary>
/// 401 and 403 say what is wrong: no key, a key that is unknown or revoked, or which role the route needs. The key is
/// never echoed. <c>/v1</c> answers in OpenAI's error shape; gRPC keeps its bare status (the client maps it).
/// </summary>
internal sealed class AuthorizationAnswers : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var grpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        // A policy that names its schemes is the console's (cookie): its challenge redirects to the sign-in page.
        var console = policy.AuthenticationSchemes.Count > 0;
        if (grpc || console || authorizeResult.Succeeded || !(authorizeResult.Challenged || authorizeResult.Forbidden))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        string detail, code;
        int status;
        if (authorizeResult.Challenged)
        {
            status = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            if (ApiKeyAuthenticationHandler.ReadKey(context.Request.Headers) is null)
            {
                (code, detail) = ("missing_api_key", $"No API key: send it as 'Authorization: Bearer <key>' or in the '{ApiKeyAuthenticationHandler.HeaderName}' header.");
            }
            else
            {
                (code, detail) = ("invalid_api_key", "The API key is unknown or has been revoked.");
            }
        }
        else
        {
            status = StatusCodes.Status403Forbidden;
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct(StringComparer.Ordinal).ToList();
            var role = context.User.FindFirst(Core.Tenancy.ArgusClaimTypes.Role)?.Value ?? "none";
            code = "insufficient_role";
            detail = roles.Count == 0
                ? "This key may not use this route."
                : $"This route needs a key with the role {string.Join(" or ", roles)}; this key's role is {role}.";
        }

        if (context.Request.Path.StartsWithSegments("/v1"))
        {
            await Ai.OpenAiCompatibleApi.ErrorAsync(context, status, status == 401 ? "invalid_request_error" : "permission_error", code, detail, context.RequestAborted);
            return;
        }

        await TypedResults.Problem(detail, statusCode: status, title: status == 401 ? "Unauthorized" : "Forbidden",
            extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(context);
    }
}
