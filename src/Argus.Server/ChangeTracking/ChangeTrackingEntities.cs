using System.Text.Json;
using Argus.Operations.ChangeTracking;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.ChangeTracking;

/// <summary>A deployment: the queried fields as columns, the whole record as JSON. Times are Unix milliseconds (SQLite orders them).</summary>
internal sealed class DeploymentEntity
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string? ExternalId { get; set; }
    public long CreatedAtMs { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>A check of a deployment; <c>Status</c> and <c>DueAtMs</c> find the due ones.</summary>
internal sealed class DeploymentCheckEntity
{
    public string TenantId { get; set; } = "";
    public string DeploymentId { get; set; } = "";
    public string Offset { get; set; } = "";
    public string Status { get; set; } = "";
    public long DueAtMs { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>The change-tracking tables of the control-plane store.</summary>
internal static class ChangeTrackingModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DeploymentEntity>(e =>
        {
            e.ToTable("deployments");
            e.HasKey(d => new { d.TenantId, d.Id });
            e.Property(d => d.TenantId).HasMaxLength(64);
            e.Property(d => d.Id).HasMaxLength(64);
            e.Property(d => d.ExternalId).HasMaxLength(300);
            e.HasIndex(d => new { d.TenantId, d.CreatedAtMs });
            e.HasIndex(d => new { d.TenantId, d.ExternalId });
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(d => d.TenantId);
        });
        modelBuilder.Entity<DeploymentCheckEntity>(e =>
        {
            e.ToTable("deployment_checks");
            e.HasKey(c => new { c.TenantId, c.DeploymentId, c.Offset });
            e.Property(c => c.TenantId).HasMaxLength(64);
            e.Property(c => c.DeploymentId).HasMaxLength(64);
            e.Property(c => c.Offset).HasMaxLength(16);
            e.Property(c => c.Status).HasMaxLength(16);
            e.HasIndex(c => new { c.Status, c.DueAtMs });
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(c => c.TenantId);
        });
    }
}

/// <summary>Deployments and checks in the control-plane store.</summary>
internal sealed class EfDeploymentStore(IDbContextFactory<ControlPlaneDbContext> factory) : IDeploymentStore
{
    public async Task SaveDeploymentAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<DeploymentEntity>().FindOrAddAsync(
            d => d.TenantId == deployment.TenantId && d.Id == deployment.Id,
            () => new DeploymentEntity { TenantId = deployment.TenantId, Id = deployment.Id },
            cancellationToken);

        row.ExternalId = deployment.ExternalId;
        row.CreatedAtMs = deployment.CreatedAt.ToUnixTimeMilliseconds();
        row.Json = JsonSerializer.Serialize(deployment, ChangeTrackingJsonContext.Default.Deployment);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Deployment?> GetDeploymentAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<DeploymentEntity>().AsNoTracking().FirstOrDefaultAsync(d => d.TenantId == tenantId && d.Id == id, cancellationToken);
        return row is null ? null : JsonSerializer.Deserialize(row.Json, ChangeTrackingJsonContext.Default.Deployment);
    }

    public async Task<Deployment?> FindByExternalIdAsync(string tenantId, string externalId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<DeploymentEntity>().AsNoTracking().FirstOrDefaultAsync(d => d.TenantId == tenantId && d.ExternalId == externalId, cancellationToken);
        return row is null ? null : JsonSerializer.Deserialize(row.Json, ChangeTrackingJsonContext.Default.Deployment);
    }

    public async Task<IReadOnlyList<Deployment>> ListDeploymentsAsync(string tenantId, string? application, int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<DeploymentEntity>().AsNoTracking().Where(d => d.TenantId == tenantId).OrderByDescending(d => d.CreatedAtMs).ThenBy(d => d.Id);

        // Applications live in the JSON; the filter reads a bounded page of the newest deployments.
        var list = (await rows.Take(application is null ? Math.Clamp(limit, 1, 500) : 2_000).ToListAsync(cancellationToken))
            .Select(r => JsonSerializer.Deserialize(r.Json, ChangeTrackingJsonContext.Default.Deployment)!)
            .Where(d => application is null || d.Applications.Contains(application))
            .Take(Math.Clamp(limit, 1, 500));
        return [.. list];
    }

    public async Task SaveCheckAsync(DeploymentCheck check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<DeploymentCheckEntity>().FindOrAddAsync(
            c => c.TenantId == check.TenantId && c.DeploymentId == check.DeploymentId && c.Offset == check.Offset,
            () => new DeploymentCheckEntity { TenantId = check.TenantId, DeploymentId = check.DeploymentId, Offset = check.Offset },
            cancellationToken);

        row.Status = check.Status;
        row.DueAtMs = check.DueAt.ToUnixTimeMilliseconds();
        row.Json = JsonSerializer.Serialize(check, ChangeTrackingJsonContext.Default.DeploymentCheck);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DeploymentCheck>> GetChecksAsync(string tenantId, string deploymentId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<DeploymentCheckEntity>().AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.DeploymentId == deploymentId).OrderBy(c => c.DueAtMs).ToListAsync(cancellationToken);
        return [.. rows.Select(r => JsonSerializer.Deserialize(r.Json, ChangeTrackingJsonContext.Default.DeploymentCheck)!)];
    }

    public async Task<IReadOnlyList<DeploymentCheck>> GetDueChecksAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var due = now.ToUnixTimeMilliseconds();
        var rows = await db.Set<DeploymentCheckEntity>().AsNoTracking()
            .Where(c => c.Status == "scheduled" && c.DueAtMs <= due).OrderBy(c => c.DueAtMs).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(r => JsonSerializer.Deserialize(r.Json, ChangeTrackingJsonContext.Default.DeploymentCheck)!)];
    }
}
