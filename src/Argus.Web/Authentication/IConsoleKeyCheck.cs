using System.Security.Claims;

namespace Argus.Web.Authentication;

/// <summary>
/// Checks a pasted API key for the console. The server implements it with the same key resolver its API uses, so the
/// console knows no key store of its own; a later user-account sign-in produces the same claims.
/// </summary>
public interface IConsoleKeyCheck
{
    /// <summary>Whether <paramref name="apiKey"/> may open the console, and the claims of its identity when it may.</summary>
    Task<ConsoleKeyCheckResult> CheckAsync(string apiKey, CancellationToken cancellationToken);

    /// <summary>Whether the key a session was opened with is still valid (not revoked): checked on every page request.</summary>
    Task<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IConsoleKeyCheck.CheckAsync"/>: claims, or the reason shown on the sign-in page.</summary>
public sealed record ConsoleKeyCheckResult(IReadOnlyList<Claim>? Claims, string? Problem)
{
    /// <summary>The key opens the console as <paramref name="claims"/>.</summary>
    public static ConsoleKeyCheckResult Accepted(IReadOnlyList<Claim> claims) => new(claims, null);

    /// <summary>The key is refused, for <paramref name="problem"/> (never echoing the key).</summary>
    public static ConsoleKeyCheckResult Refused(string problem) => new(null, problem);
}
