using System.Security.Claims;
using System.Text.Encodings.Web;
using Argus.Core.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Argus.Server.Tenancy;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>x-argus-api-key: &lt;key&gt;</c> and puts the tenant on the principal.
/// gRPC clients see a failed challenge as UNAUTHENTICATED.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyResolver resolver)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "x-argus-api-key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request.Headers);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await resolver.ResolveAsync(key, Context.RequestAborted);
        if (identity is null)
        {
            // The key is never echoed: a mistyped key is still a secret.
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(identity.ToClaims(), SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    internal static string? ReadKey(IHeaderDictionary headers)
    {
        var authorization = headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        var header = headers[HeaderName].ToString().Trim();
        return header.Length == 0 ? null : header;
    }
}

/// <summary>Claims only the server reads.</summary>
internal static class ArgusClaimTypesInternal
{
    public const string SystemTenant = "argus:system-tenant";
}

/// <summary>Authorization policy names.</summary>
internal static class ArgusPolicies
{
    /// <summary>Any valid key of any role.</summary>
    public const string Authenticated = "argus-authenticated";

    /// <summary>Keys that may send telemetry: admin and ingest.</summary>
    public const string Ingest = "argus-ingest";

    /// <summary>Keys that may read: admin and read.</summary>
    public const string Read = "argus-read";

    /// <summary>Admin keys.</summary>
    public const string Admin = "argus-admin";
}
