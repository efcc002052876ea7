using System.Security.Claims;
using Argus.Core.Tenancy;
using Argus.Web.Authentication;

namespace Argus.Server.Tenancy;

/// <summary>The console's sign-in, on the API's key resolver: read and admin keys open it; ingest keys only send data.</summary>
internal sealed class ConsoleKeyCheck(ApiKeyResolver resolver) : IConsoleKeyCheck
{
    public async Task<ConsoleKeyCheckResult> CheckAsync(string apiKey, CancellationToken cancellationToken)
    {
        var identity = await resolver.ResolveAsync(apiKey, cancellationToken);
        if (identity is null)
        {
            // As the API says it: the key is never echoed.
            return ConsoleKeyCheckResult.Refused("This API key is unknown or has been revoked.");
        }

        if (identity.Role is not (ApiKeys.RoleRead or ApiKeys.RoleAdmin))
        {
            return ConsoleKeyCheckResult.Refused($"This key's role is {identity.Role}: the console needs a key with the role read or admin.");
        }

        return ConsoleKeyCheckResult.Accepted(identity.ToClaims());
    }

    public async Task<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        user.FindFirstValue(ArgusClaimTypes.ApiKeyId) is { } keyId && await resolver.IsActiveAsync(keyId, cancellationToken);
}
