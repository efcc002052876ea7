using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Alerting;

/// <summary>A rule: the queried fields as columns, the whole rule as JSON (the API's shape), so new rule fields need no migration.</summary>
internal sealed class AlertRuleEntity
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public bool Enabled { get; set; }
    public long UpdatedAtMs { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>An alert of the history. Times are Unix milliseconds: SQLite cannot order DateTimeOffset columns.</summary>
internal sealed class AlertEntity
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string? RuleId { get; set; }
    public string State { get; set; } = "";
    public string? Service { get; set; }
    public long StartsAtMs { get; set; }
    public bool Reported { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>An incident report; the whole incident as JSON, the listed fields as columns.</summary>
internal sealed class IncidentEntity
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string AlertId { get; set; } = "";
    public string? RuleId { get; set; }
    public string? Service { get; set; }
    public long CreatedAtMs { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>A rule waiting out its pending time, so that a restart keeps the time its breach began.</summary>
internal sealed class AlertPendingEntity
{
    public string RuleId { get; set; } = "";
    public string TenantId { get; set; } = "";
    /// <summary>UTC ticks: the exact time the evaluator keeps, which a restart restores.</summary>
    public long SinceTicks { get; set; }
}

/// <summary>A tenant's incident-report settings.</summary>
internal sealed class IncidentSettingsEntity
{
    public string TenantId { get; set; } = "";
    public string? Language { get; set; }
}

/// <summary>The alerting tables of the control-plane store.</summary>
internal static class AlertingModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AlertRuleEntity>(e =>
        {
            e.ToTable("alert_rules");
            e.HasKey(r => new { r.TenantId, r.Id });
            e.Property(r => r.TenantId).HasMaxLength(64);
            e.Property(r => r.Id).HasMaxLength(64);
            e.Property(r => r.Name).HasMaxLength(100);
            e.HasIndex(r => new { r.TenantId, r.Name }).IsUnique();
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(r => r.TenantId);
        });
        modelBuilder.Entity<AlertEntity>(e =>
        {
            e.ToTable("alerts");
            e.HasKey(a => new { a.TenantId, a.Id });
            e.Property(a => a.TenantId).HasMaxLength(64);
            e.Property(a => a.Id).HasMaxLength(64);
            e.Property(a => a.RuleId).HasMaxLength(64);
            e.Property(a => a.State).HasMaxLength(16);
            e.HasIndex(a => new { a.TenantId, a.StartsAtMs });
            e.HasIndex(a => new { a.TenantId, a.RuleId, a.State });
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(a => a.TenantId);
        });
        modelBuilder.Entity<IncidentEntity>(e =>
        {
            e.ToTable("incidents");
            e.HasKey(i => new { i.TenantId, i.Id });
            e.Property(i => i.TenantId).HasMaxLength(64);
            e.Property(i => i.Id).HasMaxLength(64);
            e.Property(i => i.AlertId).HasMaxLength(64);
            e.Property(i => i.RuleId).HasMaxLength(64);
            e.HasIndex(i => new { i.TenantId, i.CreatedAtMs });
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(i => i.TenantId);
        });
        modelBuilder.Entity<AlertPendingEntity>(e =>
        {
            e.ToTable("alert_pending");
            e.HasKey(p => p.RuleId);
            e.Property(p => p.RuleId).HasMaxLength(64);
            e.Property(p => p.TenantId).HasMaxLength(64);
        });
        modelBuilder.Entity<IncidentSettingsEntity>(e =>
        {
            e.ToTable("incident_settings");
            e.HasKey(s => s.TenantId);
            e.Property(s => s.TenantId).HasMaxLength(64);
            e.Property(s => s.Language).HasMaxLength(8);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(s => s.TenantId);
        });
    }
}
