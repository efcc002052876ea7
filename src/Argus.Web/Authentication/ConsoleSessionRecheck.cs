using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Web.Authentication;

/// <summary>The console's settings (<c>Argus:Console</c>).</summary>
public sealed class ConsoleOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Argus:Console";

    /// <summary>
    /// How often a page open on its live connection checks that the key it was opened with is still valid. A revoked key
    /// ends the session's pages within this time (page requests check it at once). Default 1 minute.
    /// </summary>
    public TimeSpan SessionRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The authentication state of a live page (a Blazor circuit), which no HTTP request renews: rechecked every
/// <see cref="ConsoleOptions.SessionRecheckInterval"/>. When the key was revoked the page becomes signed out, and the
/// router sends it to the sign-in page with the address it was on.
/// </summary>
internal sealed class ConsoleSessionRecheck(ILoggerFactory loggers, IConsoleKeyCheck keys, IOptions<ConsoleOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.Value.SessionRecheckInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated == true
            ? keys.IsStillValidAsync(authenticationState.User, cancellationToken)
            : Task.FromResult(true);
}
