using System.Security.Claims;
using Argus.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Argus.Server.Tenancy;

/// <summary>An authenticated key: who is calling, for which tenant, with which rights.</summary>
internal sealed record ApiKeyIdentity(string KeyId, string TenantId, string Name, string Role, bool IsSystemTenant)
{
    /// <summary>The claims of this identity, for the API-key scheme and the console's session alike.</summary>
    public Claim[] ToClaims() =>
    [
        new Claim(ArgusClaimTypes.TenantId, TenantId),
        new Claim(ArgusClaimTypes.ApiKeyId, KeyId),
        new Claim(ArgusClaimTypes.Role, Role),
        new Claim(ClaimTypes.Name, Name),
        new Claim(ArgusClaimTypesInternal.SystemTenant, IsSystemTenant ? "true" : "false"),
    ];
}

/// <summary>
/// Resolves presented keys to identities. Every OTLP request is authenticated, so results (including misses)
/// are cached briefly in a size-limited cache: ingest does not hit SQLite per request, and a flood of wrong keys
/// cannot grow memory. Revocation takes effect within <see cref="CacheTtl"/>.
/// </summary>
internal sealed class ApiKeyResolver(IDbContextFactory<ControlPlaneDbContext> dbFactory) : IDisposable
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(presentedKey);
        if (_cache.TryGetValue(hash, out ApiKeyIdentity? cached))
        {
            return cached;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (from k in db.ApiKeys.AsNoTracking()
                         join t in db.Tenants.AsNoTracking() on k.TenantId equals t.Id
                         where k.Hash == hash && k.RevokedAt == null
                         select new ApiKeyIdentity(k.Id, k.TenantId, k.Name, k.Role, t.IsSystem))
            .FirstOrDefaultAsync(cancellationToken);

        _cache.Set(hash, row, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = CacheTtl,
        });
        return row;
    }

    /// <summary>
    /// Whether the key with id <paramref name="keyId"/> exists and is not revoked: a console session holds the key's id,
    /// never the key. Cached like <see cref="ResolveAsync"/>, so revocation ends a session within the same delay.
    /// </summary>
    public async ValueTask<bool> IsActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        var cacheKey = "id:" + keyId;
        if (_cache.TryGetValue(cacheKey, out bool cached))
        {
            return cached;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var active = await db.ApiKeys.AsNoTracking().AnyAsync(k => k.Id == keyId && k.RevokedAt == null, cancellationToken);
        _cache.Set(cacheKey, active, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheTtl });
        return active;
    }

    /// <summary>Forgets cached results, e.g. after a key is revoked.</summary>
    public void Invalidate() => _cache.Clear();

    public void Dispose() => _cache.Dispose();
}
