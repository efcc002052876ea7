using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Tenancy;

/// <summary>
/// The control-plane store: tenants and API keys (later roles, rules, channels). SQLite by default,
/// a file under the data folder; telemetry lives in the telemetry store, not here.
/// </summary>
internal sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options)
{
    public DbSet<TenantEntity> Tenants => Set<TenantEntity>();

    public DbSet<ApiKeyEntity> ApiKeys => Set<ApiKeyEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantEntity>(e =>
        {
            e.ToTable("tenants");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasMaxLength(64);
            e.Property(t => t.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<ApiKeyEntity>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasMaxLength(64);
            e.Property(k => k.Hash).HasMaxLength(64);
            e.HasIndex(k => k.Hash).IsUnique();
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(k => k.TenantId);
        });

        Ai.RoleModel.Configure(modelBuilder);
        Alerting.AlertingModel.Configure(modelBuilder);
        Ai.MaskingSettingsModel.Configure(modelBuilder);
        Ai.ProviderModel.Configure(modelBuilder);
        Notifications.NotificationModel.Configure(modelBuilder);
        ChangeTracking.ChangeTrackingModel.Configure(modelBuilder);
    }
}

/// <summary>A tenant (project). All telemetry and configuration belongs to exactly one.</summary>
internal sealed class TenantEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The tenant created at first start; its admin keys may create other tenants.</summary>
    public bool IsSystem { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An API key, stored as the SHA-256 of the key; the key itself is shown once, when created.</summary>
internal sealed class ApiKeyEntity
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    /// <summary><c>admin</c>, <c>ingest</c> or <c>read</c>.</summary>
    public required string Role { get; set; }
    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public required string Hash { get; set; }
    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
