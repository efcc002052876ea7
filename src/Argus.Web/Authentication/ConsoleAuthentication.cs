using System.Security.Claims;
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

    /// <summary>The one-time link the banner prints (<c>?code=</c>), see <see cref="ConsoleSignInLinks"/>.</summary>
    public const string SignInLinkPath = "/signin/link";
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>
    /// Opens a session as <paramref name="claims"/>. Not persistent: the cookie ends with the browser session, and the
    /// ticket itself after the idle timeout.
    /// </summary>
    internal static Task SignInAsync(HttpContext context, IReadOnlyList<Claim> claims) =>
        context.SignInAsync(SchemeName, new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role)));

    internal static void Add(IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(SchemeName, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: a link to a console page in a Slack message or an e-mail (Argus:PublicUrl) is a
                // top-level GET from another site and must arrive with the session. Cross-site posts and the pages'
                // live connection still go without it; every form carries an anti-forgery token, and no GET changes state.
                o.Cookie.SameSite = SameSiteMode.Lax;

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
