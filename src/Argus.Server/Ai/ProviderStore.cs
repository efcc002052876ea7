using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.AI.Providers;
using Argus.AI.Roles;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Ai;

/// <summary>A provider a tenant manages through <c>/api/providers</c>; the secrets are encrypted (Data Protection).</summary>
internal sealed class ProviderEntity
{
    public required string TenantId { get; set; }
    public required string Name { get; set; }

    /// <summary>The settings without secrets, as JSON (<see cref="StoredProvider"/>).</summary>
    public required string Definition { get; set; }

    /// <summary>The API key and the default headers, as protected JSON (<see cref="StoredProviderSecrets"/>); null when there are none.</summary>
    public string? Secrets { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>The control-plane table of tenant-managed providers.</summary>
internal static class ProviderModel
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<ProviderEntity>(e =>
        {
            e.ToTable("ai_providers");
            e.HasKey(p => new { p.TenantId, p.Name });
            e.Property(p => p.TenantId).HasMaxLength(64);
            e.Property(p => p.Name).HasMaxLength(64);
            e.Property(p => p.UpdatedBy).HasMaxLength(200);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(p => p.TenantId);
        });
}

/// <summary>The non-secret settings of a managed provider as stored.</summary>
internal sealed record StoredProvider(string Type, string? BaseUrl, int TimeoutMs, bool? SupportsJsonSchema, Dictionary<string, ModelPrice> Prices);

/// <summary>The secrets of a managed provider, encrypted as a whole.</summary>
internal sealed record StoredProviderSecrets(string? ApiKey, Dictionary<string, string> Headers);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredProvider))]
[JsonSerializable(typeof(StoredProviderSecrets))]
internal sealed partial class ProviderStoreJsonContext : JsonSerializerContext;

/// <summary>What a provider write did.</summary>
internal enum ProviderWriteStatus
{
    Ok,
    NotFound,
    Exists,
    InUse,
}

/// <summary>
/// The providers each tenant manages through the API, in the control plane, pushed into the
/// <see cref="ProviderRegistry"/> at start-up and after every write (so a change applies to the next call). API keys and
/// header values are encrypted with ASP.NET Core Data Protection, its key ring under <c>{DataPath}/keys</c>, the tenant
/// bound into the purpose so a blob cannot move to another tenant. Writes are serialised.
/// </summary>
internal sealed class ProviderStore(
    IDbContextFactory<ControlPlaneDbContext> dbFactory,
    ProviderRegistry registry,
    IDataProtectionProvider protection,
    TimeProvider time,
    ILogger<ProviderStore> logger) : IDisposable
{
    private const string Purpose = "Argus.Ai.ProviderSecrets.v1";
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Loads every tenant's providers into the registry (at start-up, after the tables exist).</summary>
    public async Task LoadAllAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.Set<ProviderEntity>().AsNoTracking().ToListAsync(ct);
        foreach (var tenant in all.GroupBy(p => p.TenantId, StringComparer.Ordinal))
        {
            registry.SetTenantProviders(tenant.Key, tenant.ToDictionary(p => p.Name, p => ToOptions(p), StringComparer.Ordinal));
        }
    }

    /// <summary>The stored provider with its secrets decrypted, or null.</summary>
    public async Task<ProviderOptions?> FindAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.Set<ProviderEntity>().AsNoTracking().FirstOrDefaultAsync(p => p.TenantId == tenantId && p.Name == name, ct);
        return entity is null ? null : ToOptions(entity);
    }

    /// <summary>Creates (<paramref name="create"/>) or replaces a provider.</summary>
    public async Task<ProviderWriteStatus> SaveAsync(string tenantId, string name, ProviderOptions options, string author, bool create, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var entity = await db.Set<ProviderEntity>().FirstOrDefaultAsync(p => p.TenantId == tenantId && p.Name == name, ct);
            if (create && entity is not null)
            {
                return ProviderWriteStatus.Exists;
            }

            if (!create && entity is null)
            {
                return ProviderWriteStatus.NotFound;
            }

            var now = time.GetUtcNow();
            if (entity is null)
            {
                entity = new ProviderEntity { TenantId = tenantId, Name = name, Definition = "", UpdatedBy = author, CreatedAt = now };
                db.Add(entity);
            }

            entity.Definition = JsonSerializer.Serialize(
                new StoredProvider(options.Type!, options.BaseUrl, options.TimeoutMs, options.SupportsJsonSchema, options.Prices),
                ProviderStoreJsonContext.Default.StoredProvider);
            entity.Secrets = string.IsNullOrEmpty(options.ApiKey) && options.Headers.Count == 0
                ? null
                : Protector(tenantId).Protect(JsonSerializer.Serialize(
                    new StoredProviderSecrets(options.ApiKey, new Dictionary<string, string>(options.Headers, StringComparer.OrdinalIgnoreCase)),
                    ProviderStoreJsonContext.Default.StoredProviderSecrets));
            entity.UpdatedAt = now;
            entity.UpdatedBy = author;
            await db.SaveChangesAsync(ct);
            await ReloadAsync(db, tenantId, ct);
            return ProviderWriteStatus.Ok;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Deletes a provider unless a role still uses it; then returns the roles (code and versions).</summary>
    public async Task<(ProviderWriteStatus Status, IReadOnlyList<string> Roles)> DeleteAsync(string tenantId, string name, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var entity = await db.Set<ProviderEntity>().FirstOrDefaultAsync(p => p.TenantId == tenantId && p.Name == name, ct);
            if (entity is null)
            {
                return (ProviderWriteStatus.NotFound, []);
            }

            var users = await RolesUsingAsync(db, tenantId, name, ct);
            if (users.Count > 0)
            {
                return (ProviderWriteStatus.InUse, users);
            }

            db.Remove(entity);
            await db.SaveChangesAsync(ct);
            await ReloadAsync(db, tenantId, ct);
            return (ProviderWriteStatus.Ok, []);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose() => _writeGate.Dispose();

    // A role uses a provider when a version that can serve calls names it: the latest, or one a label points at.
    private static async Task<IReadOnlyList<string>> RolesUsingAsync(ControlPlaneDbContext db, string tenantId, string name, CancellationToken ct)
    {
        var latest = await db.Set<RoleEntity>().AsNoTracking().Where(r => r.TenantId == tenantId).Select(r => new { r.Code, Version = r.LatestVersion }).ToListAsync(ct);
        var labelled = await db.Set<RoleLabelEntity>().AsNoTracking().Where(l => l.TenantId == tenantId).Select(l => new { l.Code, l.Version }).ToListAsync(ct);
        var live = latest.Concat(labelled).Select(v => (v.Code, v.Version)).ToHashSet();
        var codes = live.Select(v => v.Code).Distinct().ToList();
        var versions = await db.Set<RoleVersionEntity>().AsNoTracking()
            .Where(v => v.TenantId == tenantId && codes.Contains(v.Code))
            .Select(v => new { v.Code, v.Version, v.Definition })
            .ToListAsync(ct);
        return
        [
            .. versions
                .Where(v => live.Contains((v.Code, v.Version))
                    && JsonSerializer.Deserialize(v.Definition, AiJsonContext.Default.RoleDefinition)?.Chain?.Any(l => l?.Provider == name) == true)
                .GroupBy(v => v.Code, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} (version {string.Join(", ", g.Select(v => v.Version).Order())})"),
        ];
    }

    private async Task ReloadAsync(ControlPlaneDbContext db, string tenantId, CancellationToken ct)
    {
        var entities = await db.Set<ProviderEntity>().AsNoTracking().Where(p => p.TenantId == tenantId).ToListAsync(ct);
        registry.SetTenantProviders(tenantId, entities.ToDictionary(p => p.Name, p => ToOptions(p), StringComparer.Ordinal));
    }

    private ProviderOptions ToOptions(ProviderEntity entity)
    {
        var stored = JsonSerializer.Deserialize(entity.Definition, ProviderStoreJsonContext.Default.StoredProvider)!;
        var options = new ProviderOptions
        {
            Type = stored.Type,
            BaseUrl = stored.BaseUrl,
            TimeoutMs = stored.TimeoutMs,
            SupportsJsonSchema = stored.SupportsJsonSchema,
            Prices = new Dictionary<string, ModelPrice>(stored.Prices ?? [], StringComparer.Ordinal),
        };
        if (entity.Secrets is not null)
        {
            try
            {
                var secrets = JsonSerializer.Deserialize(Protector(entity.TenantId).Unprotect(entity.Secrets), ProviderStoreJsonContext.Default.StoredProviderSecrets)!;
                options.ApiKey = secrets.ApiKey;
                options.Headers = new Dictionary<string, string>(secrets.Headers ?? [], StringComparer.OrdinalIgnoreCase);
            }
            catch (CryptographicException)
            {
                // The key ring under {DataPath}/keys was lost or replaced: the provider stays listed, without its secrets,
                // until an admin sets the key again.
                AiLog.ProviderSecretsUnreadable(logger, entity.Name, entity.TenantId);
            }
        }

        return options;
    }

    private IDataProtector Protector(string tenantId) => protection.CreateProtector(Purpose, tenantId);
}
