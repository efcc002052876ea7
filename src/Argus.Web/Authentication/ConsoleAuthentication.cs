using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Web.Authentication;

/// <summary>
/// The console's session: a cookie scheme beside the server's API-key scheme. The cookie holds the claims of the key
/// that signed in (tenant, key id, role, name), protected by ASP.NET Core data protection; the key itself is never
/// stored. The API routes do not accept this cookie (see docs/console.md).
/// </summary>
public static class ConsoleAuthentication
{
    /// <summary>The cookie authentication scheme's name.</summary>
    public const string SchemeName = "ArgusConsole";

    /// <summary>The authorization policy of every console page (and the Blazor circuit's hub).</summary>
    public const string PolicyName = "argus-console";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "argus_session";

    /// <summary>How long a session lasts without a page request; each request renews it (sliding).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";
    public const string ReturnUrlParameter = "returnUrl";

    internal static void Add(IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(SchemeName, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;

                // Secure whenever the console is served over HTTPS; a plain-HTTP listener (127.0.0.1 by default) still works.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.IsEssential = true;
                o.ExpireTimeSpan = IdleTimeout;
                o.SlidingExpiration = true;
                o.LoginPath = SignInPath;
                o.LogoutPath = SignOutPath;
                o.AccessDeniedPath = SignInPath;
                o.ReturnUrlParameter = ReturnUrlParameter;
                o.Events.OnValidatePrincipal = async context =>
                {
                    // A revoked key ends its sessions at their next request, as it ends API access.
                    var check = context.HttpContext.RequestServices.GetRequiredService<IConsoleKeyCheck>();
                    if (context.Principal is null || !await check.IsStillValidAsync(context.Principal, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(SchemeName);
                    }
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, p => p.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());
    }
}
