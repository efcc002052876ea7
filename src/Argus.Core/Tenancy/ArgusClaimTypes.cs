using System.Security.Claims;

namespace Argus.Core.Tenancy;

/// <summary>Claim types Argus puts on an authenticated principal; the server's authentication sets them, receivers and APIs read them.</summary>
public static class ArgusClaimTypes
{
    /// <summary>The tenant the caller acts for. Receivers refuse a request whose principal lacks it.</summary>
    public const string TenantId = "argus:tenant";

    /// <summary>The id of the API key the caller authenticated with (for audit logs; never the secret).</summary>
    public const string ApiKeyId = "argus:api-key";

    /// <summary>The caller's role. It is the standard role claim type so that ASP.NET Core's <c>RequireRole</c> and <c>IsInRole</c> work unchanged.</summary>
    public const string Role = ClaimTypes.Role;
}
