using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Argus.Web.Authentication;

/// <summary>
/// One-time sign-in links: the banner prints <c>/signin/link?code=…</c> for the key it shows, so the first visit needs
/// no pasting. A code opens one session, once, within <see cref="Lifetime"/>; only its SHA-256 is kept, in this
/// process's memory (a link is valid on the replica that printed it, and no longer after a restart).
/// </summary>
public sealed class ConsoleSignInLinks(TimeProvider time)
{
    /// <summary>How long a printed link stays valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Codes kept at most; issuing one more drops the oldest.</summary>
    public const int Capacity = 16;

    private readonly ConcurrentDictionary<string, Entry> _codes = new(StringComparer.Ordinal);

    /// <summary>A new code that signs in once as <paramref name="claims"/> (the claims of a key checked by <see cref="IConsoleKeyCheck"/>).</summary>
    public string Issue(IReadOnlyList<Claim> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var code = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        foreach (var stale in _codes.Where(c => c.Value.Expires <= now).Select(c => c.Key).ToList())
        {
            _codes.TryRemove(stale, out _);
        }

        while (_codes.Count >= Capacity && _codes.MinBy(c => c.Value.Expires) is { Key: { } oldest })
        {
            _codes.TryRemove(oldest, out _);
        }

        _codes[Hash(code)] = new Entry(claims, now + Lifetime);
        return code;
    }

    /// <summary>The claims of <paramref name="code"/> if it was issued, is unused and has not expired; the code is used up either way.</summary>
    public IReadOnlyList<Claim>? Redeem(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 100 || !_codes.TryRemove(Hash(code), out var entry))
        {
            return null;
        }

        return entry.Expires > time.GetUtcNow() ? entry.Claims : null;
    }

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    private sealed record Entry(IReadOnlyList<Claim> Claims, DateTimeOffset Expires);
}
