using Argus.Server.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Argus.Server.Tenancy;

/// <summary>What start-up created: the admin key is only known here, and only on the first start.</summary>
internal sealed record BootstrapResult(string TenantId, string? NewAdminKey, bool KeyWasGenerated);

/// <summary>Creates the control-plane schema and, on an empty store, the default tenant and its admin key.</summary>
internal sealed class TenantBootstrap(
    IDbContextFactory<ControlPlaneDbContext> dbFactory,
    IOptions<ArgusOptions> options,
    TimeProvider time)
{
    public const string DefaultTenantId = "default";

    public async Task<BootstrapResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.EnsureCreatedAsync(cancellationToken);

        // A control.db made by an older Argus gets the tables of newer features before anything reads them.
        await Ai.ControlPlaneSchemaUpgrade.CreateMissingTablesAsync(db, cancellationToken);

        // Keys stored by an earlier Argus kept their first ten characters for display; lists show none of a key now.
        foreach (var shown in await db.ApiKeys.Where(k => k.Prefix != ApiKeys.GeneratedMarker && k.Prefix != ApiKeys.ChosenMarker).ToListAsync(cancellationToken))
        {
            shown.Prefix = shown.Prefix.StartsWith(ApiKeys.GeneratedMarker, StringComparison.Ordinal) ? ApiKeys.GeneratedMarker : ApiKeys.ChosenMarker;
        }

        await db.SaveChangesAsync(cancellationToken);

        if (await db.Tenants.AnyAsync(cancellationToken))
        {
            // An existing store keeps its keys; a configured bootstrap key that is not yet known is added,
            // so that an operator who sets Argus:BootstrapApiKey later can still get in.
            var configured = options.Value.BootstrapApiKey;
            if (configured is not null)
            {
                var hash = ApiKeys.Hash(configured);
                if (!await db.ApiKeys.AnyAsync(k => k.Hash == hash, cancellationToken))
                {
                    var system = await db.Tenants.Where(t => t.IsSystem).Select(t => t.Id).FirstOrDefaultAsync(cancellationToken)
                                 ?? DefaultTenantId;
                    db.ApiKeys.Add(ApiKeys.NewEntity(system, "bootstrap", ApiKeys.RoleAdmin, configured, time.GetUtcNow()));
                    await db.SaveChangesAsync(cancellationToken);
                }
            }

            return new BootstrapResult(DefaultTenantId, null, false);
        }

        var key = options.Value.BootstrapApiKey ?? ApiKeys.Generate();
        db.Tenants.Add(new TenantEntity { Id = DefaultTenantId, Name = "Default", IsSystem = true, CreatedAt = time.GetUtcNow() });
        db.ApiKeys.Add(ApiKeys.NewEntity(DefaultTenantId, "bootstrap", ApiKeys.RoleAdmin, key, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        return new BootstrapResult(DefaultTenantId, key, options.Value.BootstrapApiKey is null);
    }

    /// <summary>
    /// Replaces the key named <paramref name="name"/> in the default tenant with a new one of <paramref name="role"/>
    /// and returns it. Used in demo mode, where the admin key of the first start is long gone from the screen.
    /// </summary>
    public async Task<string> ReplaceNamedKeyAsync(string name, string role, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        // The earlier demo keys are deleted, not revoked: a revoked one per restart would pile up in the key list.
        db.ApiKeys.RemoveRange(await db.ApiKeys.Where(k => k.Name == name && k.TenantId == DefaultTenantId).ToListAsync(cancellationToken));

        var key = ApiKeys.Generate();
        db.ApiKeys.Add(ApiKeys.NewEntity(DefaultTenantId, name, role, key, now));
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

}
