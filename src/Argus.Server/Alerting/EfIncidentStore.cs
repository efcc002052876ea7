using System.Text.Json;
using Argus.AI.Roles;
using Argus.Operations;
using Argus.Operations.IncidentReports;
using Argus.Server.Ai;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Alerting;

/// <summary>Incident reports in the control-plane store.</summary>
internal sealed class EfIncidentStore(IDbContextFactory<ControlPlaneDbContext> factory) : IIncidentStore
{
    public async Task<IncidentSettings> GetSettingsAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<IncidentSettingsEntity>().AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        return new IncidentSettings(row?.Language);
    }

    public async Task SaveSettingsAsync(string tenantId, IncidentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<IncidentSettingsEntity>().FindOrAddAsync(
            s => s.TenantId == tenantId, () => new IncidentSettingsEntity { TenantId = tenantId }, cancellationToken);

        row.Language = settings.Language;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SaveAsync(Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<IncidentEntity>().FindOrAddAsync(
            i => i.TenantId == incident.TenantId && i.Id == incident.Id,
            () => new IncidentEntity { TenantId = incident.TenantId, Id = incident.Id },
            cancellationToken);

        row.AlertId = incident.AlertId;
        row.RuleId = incident.RuleId;
        row.Service = incident.Service;
        row.CreatedAtMs = incident.CreatedAt.ToUnixTimeMilliseconds();
        row.Json = JsonSerializer.Serialize(incident, OperationsJsonContext.Default.Incident);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Incident?> GetAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<IncidentEntity>().AsNoTracking().FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Id == id, cancellationToken);
        return row is null ? null : JsonSerializer.Deserialize(row.Json, OperationsJsonContext.Default.Incident);
    }

    public async Task<IReadOnlyList<Incident>> QueryAsync(string tenantId, IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var from = query.From.ToUnixTimeMilliseconds();
        var to = query.To.ToUnixTimeMilliseconds();
        var rows = db.Set<IncidentEntity>().AsNoTracking().Where(i => i.TenantId == tenantId && i.CreatedAtMs >= from && i.CreatedAtMs <= to);
        if (query.Service is not null)
        {
            rows = rows.Where(i => i.Service == query.Service);
        }

        if (query.RuleId is not null)
        {
            rows = rows.Where(i => i.RuleId == query.RuleId);
        }

        var list = await rows.OrderByDescending(i => i.CreatedAtMs).ThenBy(i => i.Id).Take(Math.Clamp(query.Limit, 1, 500)).ToListAsync(cancellationToken);
        return [.. list.Select(r => JsonSerializer.Deserialize(r.Json, OperationsJsonContext.Default.Incident)!)];
    }
}

/// <summary>Roles and tenant names for the incident pipeline, from the role store and the tenants table.</summary>
internal sealed class ControlPlaneRoleResolver(RoleStore roles, IDbContextFactory<ControlPlaneDbContext> factory) : IRoleResolver
{
    public async Task<(RoleDefinition Definition, int Version)?> ResolveAsync(string tenantId, string code, CancellationToken cancellationToken)
    {
        var snapshot = await roles.GetAsync(tenantId, code, null, null, cancellationToken);
        return snapshot is null ? null : (snapshot.Version.Definition, snapshot.Version.Version);
    }

    public async Task<string?> TenantNameAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken);
    }
}
