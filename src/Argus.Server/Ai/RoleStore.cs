using System.Collections.Concurrent;
using System.Text.Json;
using Argus.AI.Roles;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Ai;

/// <summary>A role version as served: the definition with its version and the labels pointing at the role's versions.</summary>
internal sealed record RoleSnapshot(RoleVersion Version, IReadOnlyDictionary<string, int> Labels, int LatestVersion);

/// <summary>What a write did.</summary>
internal enum RoleWriteStatus
{
    Ok,
    NotFound,
    Conflict,
    VersionNotFound,
}

/// <summary>
/// Roles, their versions and labels in the control plane, per tenant. Reads are cached in memory and the cache is
/// dropped on every write, so a change applies to the next call; writes are serialised (versions are numbered).
/// </summary>
internal sealed class RoleStore(IDbContextFactory<ControlPlaneDbContext> dbFactory, RoleSeeds seeds, TimeProvider time) : IDisposable
{
    public const string ProductionLabel = "production";

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<string, Task> _seeded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Code, string? Label, int? Version), RoleSnapshot?> _cache = new();

    public async Task<IReadOnlyList<RoleSnapshot>> ListAsync(string tenantId, CancellationToken ct)
    {
        await EnsureTenantAsync(tenantId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var roles = await db.Set<RoleEntity>().AsNoTracking().Where(r => r.TenantId == tenantId).ToListAsync(ct);
        var labels = await db.Set<RoleLabelEntity>().AsNoTracking().Where(l => l.TenantId == tenantId).ToListAsync(ct);
        var result = new List<RoleSnapshot>();
        foreach (var role in roles.OrderBy(r => r.Code, StringComparer.Ordinal))
        {
            var own = labels.Where(l => l.Code == role.Code).ToDictionary(l => l.Label, l => l.Version, StringComparer.Ordinal);
            var version = own.TryGetValue(ProductionLabel, out var v) ? v : role.LatestVersion;
            var entity = await db.Set<RoleVersionEntity>().AsNoTracking().FirstAsync(x => x.TenantId == tenantId && x.Code == role.Code && x.Version == version, ct);
            result.Add(new RoleSnapshot(ToVersion(entity), own, role.LatestVersion));
        }

        return result;
    }

    /// <summary>The version asked for: an explicit <paramref name="version"/>, else the <paramref name="label"/>'s, else production's.</summary>
    public async Task<RoleSnapshot?> GetAsync(string tenantId, string code, string? label, int? version, CancellationToken ct)
    {
        var key = (tenantId, code, version is null ? label ?? ProductionLabel : null, version);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        await EnsureTenantAsync(tenantId, ct);
        var generation = Volatile.Read(ref _generation);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var role = await db.Set<RoleEntity>().AsNoTracking().FirstOrDefaultAsync(r => r.TenantId == tenantId && r.Code == code, ct);
        RoleSnapshot? snapshot = null;
        if (role is not null)
        {
            var labels = await db.Set<RoleLabelEntity>().AsNoTracking().Where(l => l.TenantId == tenantId && l.Code == code)
                .ToDictionaryAsync(l => l.Label, l => l.Version, StringComparer.Ordinal, ct);
            int? wanted = version ?? (labels.TryGetValue(label ?? ProductionLabel, out var lv) ? lv : label is null ? role.LatestVersion : null);
            var entity = wanted is null
                ? null
                : await db.Set<RoleVersionEntity>().AsNoTracking().FirstOrDefaultAsync(v => v.TenantId == tenantId && v.Code == code && v.Version == wanted, ct);
            snapshot = entity is null ? null : new RoleSnapshot(ToVersion(entity), labels, role.LatestVersion);
        }

        // A write since the read started may have changed the answer; only cache when none happened.
        if (generation == Volatile.Read(ref _generation))
        {
            _cache[key] = snapshot;
        }

        return snapshot;
    }

    public async Task<IReadOnlyList<RoleVersion>?> GetVersionsAsync(string tenantId, string code, CancellationToken ct)
    {
        await EnsureTenantAsync(tenantId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<RoleEntity>().AnyAsync(r => r.TenantId == tenantId && r.Code == code, ct))
        {
            return null;
        }

        var versions = await db.Set<RoleVersionEntity>().AsNoTracking().Where(v => v.TenantId == tenantId && v.Code == code).ToListAsync(ct);
        return [.. versions.OrderByDescending(v => v.Version).Select(ToVersion)];
    }

    /// <summary>Creates a role (version 1, labelled production) or, with <paramref name="create"/> false, saves a new version of it.</summary>
    public async Task<(RoleWriteStatus Status, RoleSnapshot? Snapshot)> SaveAsync(
        string tenantId, RoleDefinition definition, string author, string? message, bool create, CancellationToken ct)
    {
        await EnsureTenantAsync(tenantId, ct);
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var result = await SaveCoreAsync(db, tenantId, definition, author, message, create, ct);
            Invalidate();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Points <paramref name="label"/> at <paramref name="version"/>: a promotion, or a rollback.</summary>
    public async Task<(RoleWriteStatus Status, RoleSnapshot? Snapshot)> SetLabelAsync(string tenantId, string code, string label, int version, string author, CancellationToken ct)
    {
        await EnsureTenantAsync(tenantId, ct);
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.Set<RoleEntity>().AnyAsync(r => r.TenantId == tenantId && r.Code == code, ct))
            {
                return (RoleWriteStatus.NotFound, null);
            }

            if (!await db.Set<RoleVersionEntity>().AnyAsync(v => v.TenantId == tenantId && v.Code == code && v.Version == version, ct))
            {
                return (RoleWriteStatus.VersionNotFound, null);
            }

            var entity = await db.Set<RoleLabelEntity>().FirstOrDefaultAsync(l => l.TenantId == tenantId && l.Code == code && l.Label == label, ct);
            if (entity is null)
            {
                db.Add(new RoleLabelEntity { TenantId = tenantId, Code = code, Label = label, Version = version, UpdatedBy = author, UpdatedAt = time.GetUtcNow() });
            }
            else
            {
                entity.Version = version;
                entity.UpdatedBy = author;
                entity.UpdatedAt = time.GetUtcNow();
            }

            await db.SaveChangesAsync(ct);
            Invalidate();
        }
        finally
        {
            _writeGate.Release();
        }

        return (RoleWriteStatus.Ok, await GetAsync(tenantId, code, label, null, ct));
    }

    /// <summary>
    /// Creates the tenant's seeded roles once per tenant. The tables exist already: start-up creates the missing ones
    /// (<see cref="TenantBootstrap.RunAsync"/>) before anything reads the store.
    /// </summary>
    public async Task EnsureTenantAsync(string tenantId, CancellationToken ct)
    {
        var task = _seeded.GetOrAdd(tenantId, t => SeedAsync(t));
        try
        {
            await task.WaitAsync(ct);
        }
        catch when (!ct.IsCancellationRequested)
        {
            // Let the next call try again rather than keep a failed seed forever.
            _seeded.TryRemove(new KeyValuePair<string, Task>(tenantId, task));
            throw;
        }
    }

    private int _generation;

    private void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    private async Task SeedAsync(string tenantId)
    {
        await _writeGate.WaitAsync();
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            if (!await db.Tenants.AnyAsync(t => t.Id == tenantId))
            {
                return;
            }

            foreach (var seed in seeds.For(tenantId))
            {
                var role = await db.Set<RoleEntity>().AsNoTracking().FirstOrDefaultAsync(r => r.TenantId == tenantId && r.Code == seed.Definition.Code);
                if (role is null)
                {
                    await SaveCoreAsync(db, tenantId, seed.Definition, seed.Author, seed.Message, create: true, CancellationToken.None);
                    continue;
                }

                // GitOps: the file is the source of truth; a changed file becomes a new production version.
                // A built-in that a newer Argus changed is upgraded the same way, but only while the tenant has not
                // edited it (its latest version is still Argus's own): once a tenant edits one, the edit stands.
                var latest = await db.Set<RoleVersionEntity>().AsNoTracking()
                    .FirstAsync(v => v.TenantId == tenantId && v.Code == role.Code && v.Version == role.LatestVersion);
                if ((seed.FromFile || latest.Author == seed.Author) && latest.Definition != Serialize(seed.Definition))
                {
                    await SaveCoreAsync(db, tenantId, seed.Definition, seed.Author, seed.Message, create: false, CancellationToken.None);
                }
            }

            Invalidate();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<(RoleWriteStatus, RoleSnapshot?)> SaveCoreAsync(
        ControlPlaneDbContext db, string tenantId, RoleDefinition definition, string author, string? message, bool create, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var role = await db.Set<RoleEntity>().FirstOrDefaultAsync(r => r.TenantId == tenantId && r.Code == definition.Code, ct);
        if (create && role is not null)
        {
            return (RoleWriteStatus.Conflict, null);
        }

        if (!create && role is null)
        {
            return (RoleWriteStatus.NotFound, null);
        }

        if (role is null)
        {
            role = new RoleEntity { TenantId = tenantId, Code = definition.Code, LatestVersion = 0, CreatedAt = now };
            db.Add(role);
        }

        role.LatestVersion++;
        var version = new RoleVersionEntity
        {
            TenantId = tenantId,
            Code = definition.Code,
            Version = role.LatestVersion,
            Definition = Serialize(definition),
            Author = author,
            Message = message,
            CreatedAt = now,
        };
        db.Add(version);

        // Saving puts the new version in production: "a change takes effect for the next call". Other labels stay.
        var production = await db.Set<RoleLabelEntity>().FirstOrDefaultAsync(l => l.TenantId == tenantId && l.Code == definition.Code && l.Label == ProductionLabel, ct);
        if (production is null)
        {
            db.Add(new RoleLabelEntity { TenantId = tenantId, Code = definition.Code, Label = ProductionLabel, Version = version.Version, UpdatedBy = author, UpdatedAt = now });
        }
        else
        {
            production.Version = version.Version;
            production.UpdatedBy = author;
            production.UpdatedAt = now;
        }

        await db.SaveChangesAsync(ct);
        var labels = await db.Set<RoleLabelEntity>().AsNoTracking().Where(l => l.TenantId == tenantId && l.Code == definition.Code)
            .ToDictionaryAsync(l => l.Label, l => l.Version, StringComparer.Ordinal, ct);
        return (RoleWriteStatus.Ok, new RoleSnapshot(ToVersion(version), labels, role.LatestVersion));
    }

    public void Dispose() => _writeGate.Dispose();

    internal static string Serialize(RoleDefinition definition) => JsonSerializer.Serialize(definition, AiJsonContext.Default.RoleDefinition);

    private static RoleVersion ToVersion(RoleVersionEntity entity) => new(
        entity.Version,
        JsonSerializer.Deserialize(entity.Definition, AiJsonContext.Default.RoleDefinition)!.Normalized(),
        entity.Author,
        entity.CreatedAt,
        entity.Message);
}
