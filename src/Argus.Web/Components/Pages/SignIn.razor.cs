using System.Security.Claims;
using Argus.Web.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Argus.Web.Components.Pages;

/// <summary>
/// Pasting an API key opens a session: the key is checked with the server's key resolver and the session kept in an
/// HttpOnly, SameSite=Lax cookie. A static server-rendered form (anti-forgery token included by the form), since
/// only a real HTTP response can set the cookie.
/// </summary>
public sealed partial class SignIn
{
    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = null!;

    [SupplyParameterFromForm]
    private SignInInput? Input { get; set; }

    [SupplyParameterFromQuery(Name = ConsoleAuthentication.ReturnUrlParameter)]
    private string? ReturnUrl { get; set; }

    // Set by a one-time link that was already used, expired or unknown.
    [SupplyParameterFromQuery(Name = "link")]
    private string? LinkState { get; set; }

    [Inject]
    private IConsoleKeyCheck KeyCheck { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    private string? Problem { get; set; }

    protected override void OnInitialized()
    {
        Input ??= new SignInInput();
        if (LinkState == "used" && HttpMethods.IsGet(HttpContext.Request.Method))
        {
            Problem = "This sign-in link has been used or has expired (links work once, for " + ConsoleSignInLinks.Lifetime.TotalHours + " hour). Paste an API key instead.";
        }
    }

    private async Task SignInAsync()
    {
        var key = Input?.Key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            Problem = "Paste an API key.";
            return;
        }

        var result = await KeyCheck.CheckAsync(key, HttpContext.RequestAborted);
        if (result.Claims is null)
        {
            Problem = result.Problem ?? "This API key is not valid.";
            Input!.Key = null; // not sent back to the browser in the page
            return;
        }

        await ConsoleAuthentication.SignInAsync(HttpContext, result.Claims);
        Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl));
    }

    /// <summary>The form's one field.</summary>
    internal sealed class SignInInput
    {
        public string? Key { get; set; }
    }
}
