using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Ai;

/// <summary>A role of a tenant; its content lives in its versions.</summary>
internal sealed class RoleEntity
{
    public required string TenantId { get; set; }
    public required string Code { get; set; }
    public int LatestVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An immutable version of a role: the definition as JSON, who saved it, when and why.</summary>
internal sealed class RoleVersionEntity
{
    public required string TenantId { get; set; }
    public required string Code { get; set; }
    public int Version { get; set; }
    public required string Definition { get; set; }
    public required string Author { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A label (production, staging, ...) pointing at a version; moving it is a rollback or a promotion.</summary>
internal sealed class RoleLabelEntity
{
    public required string TenantId { get; set; }
    public required string Code { get; set; }
    public required string Label { get; set; }
    public int Version { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The control-plane tables of the role gateway.</summary>
internal static class RoleModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RoleEntity>(e =>
        {
            e.ToTable("ai_roles");
            e.HasKey(r => new { r.TenantId, r.Code });
            e.Property(r => r.TenantId).HasMaxLength(64);
            e.Property(r => r.Code).HasMaxLength(64);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(r => r.TenantId);
        });
        modelBuilder.Entity<RoleVersionEntity>(e =>
        {
            e.ToTable("ai_role_versions");
            e.HasKey(v => new { v.TenantId, v.Code, v.Version });
            e.Property(v => v.TenantId).HasMaxLength(64);
            e.Property(v => v.Code).HasMaxLength(64);
            e.Property(v => v.Author).HasMaxLength(200);
            e.HasOne<RoleEntity>().WithMany().HasForeignKey(v => new { v.TenantId, v.Code });
        });
        modelBuilder.Entity<RoleLabelEntity>(e =>
        {
            e.ToTable("ai_role_labels");
            e.HasKey(l => new { l.TenantId, l.Code, l.Label });
            e.Property(l => l.TenantId).HasMaxLength(64);
            e.Property(l => l.Code).HasMaxLength(64);
            e.Property(l => l.Label).HasMaxLength(64);
            e.Property(l => l.UpdatedBy).HasMaxLength(200);
            e.HasOne<RoleEntity>().WithMany().HasForeignKey(l => new { l.TenantId, l.Code });
        });
    }
}
