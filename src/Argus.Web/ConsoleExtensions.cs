using Argus.Web.Authentication;
using Argus.Web.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Argus.Web;

/// <summary>Registers and maps the web console (Blazor, interactive server rendering, FluentUI).</summary>
public static class ConsoleExtensions
{
    /// <summary>
    /// The console's services: Razor components with interactive server rendering, FluentUI, and the cookie
    /// authentication scheme of its session. The host registers an <see cref="IConsoleKeyCheck"/>.
    /// </summary>
    public static IServiceCollection AddArgusConsole(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddFluentUIComponents();
        services.AddSingleton<ConsoleSignInLinks>();
        services.AddOptions<ConsoleOptions>()
            .BindConfiguration(ConsoleOptions.SectionName)
            .Validate(o => o.SessionRecheckInterval >= TimeSpan.FromSeconds(1), "Argus:Console:SessionRecheckInterval must be at least 1 second.")
            .ValidateOnStart();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, ConsoleSessionRecheck>();
        ConsoleAuthentication.Add(services);
        return services;
    }

    /// <summary>
    /// Maps the console at <c>/</c>: its pages, the Blazor hub, the sign-out endpoint and the static web assets (Blazor's
    /// framework script, FluentUI's scripts and styles, the console's stylesheet), all served by Argus itself.
    /// <paramref name="staticAssetsManifestPath"/> is the host's static web assets endpoints manifest.
    /// The answer is the group of all of them, for conventions that apply to the whole console (such as the listener).
    /// </summary>
    public static RouteGroupBuilder MapArgusConsole(this IEndpointRouteBuilder endpoints, string? staticAssetsManifestPath = null)
    {
        var console = endpoints.MapGroup("");
        console.MapStaticAssets(staticAssetsManifestPath);
        console.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(ConsoleAuthentication.PolicyName);
        console.MapPost(ConsoleAuthentication.SignOutPath, SignOutAsync)
            .RequireAuthorization(ConsoleAuthentication.PolicyName);
        console.MapGet(ConsoleAuthentication.SignInLinkPath, SignInWithLinkAsync)
            .AllowAnonymous();
        return console;
    }

    /// <summary>The address of a one-time sign-in link for <paramref name="code"/> (see <see cref="ConsoleSignInLinks"/>), relative to the console.</summary>
    public static string SignInLink(string code) => ConsoleAuthentication.SignInLinkPath.TrimStart('/') + "?code=" + Uri.EscapeDataString(code);

    // A link from the banner: a used, expired or unknown code goes to the sign-in page, which says so.
    private static async Task<IResult> SignInWithLinkAsync(HttpContext context, ConsoleSignInLinks links, string? code)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (links.Redeem(code) is not { } claims)
        {
            return TypedResults.LocalRedirect(ConsoleAuthentication.SignInPath + "?link=used");
        }

        await ConsoleAuthentication.SignInAsync(context, claims);
        return TypedResults.LocalRedirect("/");
    }

    // A form post: binding a form field is what makes the minimal API refuse a request without a valid anti-forgery
    // token (UseAntiforgery validates, the form binding enforces), so a foreign page cannot sign the user out.
    private static async Task<IResult> SignOutAsync(HttpContext context, [FromForm] string? returnUrl)
    {
        await context.SignOutAsync(ConsoleAuthentication.SchemeName);
        var back = LocalUrl.IsLocal(returnUrl) ? $"?{ConsoleAuthentication.ReturnUrlParameter}={Uri.EscapeDataString(returnUrl!)}" : "";
        return TypedResults.LocalRedirect(ConsoleAuthentication.SignInPath + back);
    }
}
