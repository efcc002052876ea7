using System.Security.Cryptography;
using System.Text.Json;
using Argus.Operations;
using Argus.Operations.Alerting;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Alerting;

/// <summary>How a rule write ended.</summary>
internal enum RuleWriteStatus
{
    Saved,
    NotFound,
    NameTaken,
    TooMany,
}

/// <summary>Rules and the alert history in the control-plane store.</summary>
internal sealed class EfAlertStore(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider time) : IAlertStore
{
    public async Task<IReadOnlyList<AlertRule>> GetEnabledRulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<AlertRuleEntity>().AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        return [.. rows.Select(ToRule)];
    }

    public async Task<IReadOnlyList<AlertRule>> ListRulesAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<AlertRuleEntity>().AsNoTracking().Where(r => r.TenantId == tenantId).OrderBy(r => r.Name).ToListAsync(cancellationToken);
        return [.. rows.Select(ToRule)];
    }

    /// <summary>A rule by id or by name.</summary>
    public async Task<AlertRule?> GetRuleAsync(string tenantId, string idOrName, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<AlertRuleEntity>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.TenantId == tenantId && (r.Id == idOrName || r.Name == idOrName), cancellationToken);
        return row is null ? null : ToRule(row);
    }

    /// <summary>Creates a rule (<paramref name="existingId"/> null) or replaces one; the name stays unique per tenant.</summary>
    public async Task<(RuleWriteStatus Status, AlertRule? Rule)> SaveRuleAsync(
        string tenantId, string? existingId, AlertRule rule, int maxRules, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rules = db.Set<AlertRuleEntity>();
        var now = time.GetUtcNow();
        AlertRuleEntity? row = null;
        if (existingId is not null)
        {
            row = await rules.FirstOrDefaultAsync(r => r.TenantId == tenantId && (r.Id == existingId || r.Name == existingId), cancellationToken);
            if (row is null)
            {
                return (RuleWriteStatus.NotFound, null);
            }
        }
        else if (await rules.CountAsync(r => r.TenantId == tenantId, cancellationToken) >= maxRules)
        {
            return (RuleWriteStatus.TooMany, null);
        }

        var id = row?.Id ?? "rule_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        if (await rules.AnyAsync(r => r.TenantId == tenantId && r.Name == rule.Name && r.Id != id, cancellationToken))
        {
            return (RuleWriteStatus.NameTaken, null);
        }

        var saved = rule with
        {
            Id = id,
            TenantId = tenantId,
            CreatedAt = row is null ? now : ToRule(row).CreatedAt,
            UpdatedAt = now,
        };
        if (row is null)
        {
            row = new AlertRuleEntity { TenantId = tenantId, Id = id };
            rules.Add(row);
        }

        row.Name = saved.Name;
        row.Enabled = saved.Enabled;
        row.UpdatedAtMs = now.ToUnixTimeMilliseconds();
        row.Json = JsonSerializer.Serialize(saved, OperationsJsonContext.Default.AlertRule);
        await db.SaveChangesAsync(cancellationToken);
        return (RuleWriteStatus.Saved, saved);
    }

    public async Task<bool> DeleteRuleAsync(string tenantId, string idOrName, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Set<AlertRuleEntity>().Where(r => r.TenantId == tenantId && (r.Id == idOrName || r.Name == idOrName))
            .ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<PendingRule>> GetPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<AlertPendingEntity>().AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.Select(r => new PendingRule(r.TenantId, r.RuleId, new DateTimeOffset(r.SinceTicks, TimeSpan.Zero)))];
    }

    public async Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertState state, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var name = StateName(state);
        var since = startedSince.ToUnixTimeMilliseconds();
        var rows = await db.Set<AlertEntity>().AsNoTracking().Where(a => a.State == name && a.StartsAtMs >= since)
            .OrderBy(a => a.StartsAtMs).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(ToAlert)];
    }

    public async Task SetPendingAsync(string tenantId, string ruleId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var pending = db.Set<AlertPendingEntity>();
        if (since is null)
        {
            await pending.Where(p => p.RuleId == ruleId).ExecuteDeleteAsync(cancellationToken);
            return;
        }

        var row = await pending.FindOrAddAsync(p => p.RuleId == ruleId, () => new AlertPendingEntity { RuleId = ruleId, TenantId = tenantId }, cancellationToken);
        row.SinceTicks = since.Value.UtcTicks;

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<AlertRecord?> GetFiringAlertAsync(string tenantId, string ruleId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<AlertEntity>().AsNoTracking()
            .Where(a => a.TenantId == tenantId && a.RuleId == ruleId && a.State == "firing")
            .OrderByDescending(a => a.StartsAtMs)
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : ToAlert(row);
    }

    public async Task<DateTimeOffset?> GetLastReportedAsync(string tenantId, string ruleId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var last = await db.Set<AlertEntity>().AsNoTracking()
            .Where(a => a.TenantId == tenantId && a.RuleId == ruleId && a.Reported)
            .MaxAsync(a => (long?)a.StartsAtMs, cancellationToken);
        return last is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public async Task SaveAlertAsync(AlertRecord alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);

        // Read and write under one write lock (SQLite's BEGIN IMMEDIATE): the evaluator saves copies it read before the
        // report worker linked the incident, and the link must survive that.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Set<AlertEntity>().FindOrAddAsync(
            a => a.TenantId == alert.TenantId && a.Id == alert.Id,
            () => new AlertEntity { TenantId = alert.TenantId, Id = alert.Id },
            cancellationToken);
        if (alert.IncidentId is null && row.Json.Length > 0 && ToAlert(row).IncidentId is { } linked)
        {
            alert = alert with { IncidentId = linked };
        }

        Write(row, alert);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpdateAlertAsync(string tenantId, string alertId, Func<AlertRecord, AlertRecord?> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Set<AlertEntity>().FirstOrDefaultAsync(a => a.TenantId == tenantId && a.Id == alertId, cancellationToken) is { } row
            && update(ToAlert(row)) is { } changed)
        {
            Write(row, changed);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static void Write(AlertEntity row, AlertRecord alert)
    {
        row.RuleId = alert.RuleId;
        row.State = StateName(alert.State);
        row.Service = alert.Service;
        row.StartsAtMs = alert.StartsAt.ToUnixTimeMilliseconds();
        row.Reported = alert.Suppressed is null;
        row.Json = JsonSerializer.Serialize(alert, OperationsJsonContext.Default.AlertRecord);
    }

    public async Task<AlertRecord?> GetAlertAsync(string tenantId, string alertId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<AlertEntity>().AsNoTracking().FirstOrDefaultAsync(a => a.TenantId == tenantId && a.Id == alertId, cancellationToken);
        return row is null ? null : ToAlert(row);
    }

    public async Task<IReadOnlyList<AlertRecord>> QueryAlertsAsync(string tenantId, AlertHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var from = query.From.ToUnixTimeMilliseconds();
        var to = query.To.ToUnixTimeMilliseconds();
        var rows = db.Set<AlertEntity>().AsNoTracking().Where(a => a.TenantId == tenantId && a.StartsAtMs >= from && a.StartsAtMs < to);
        if (query.State is { } state)
        {
            var name = StateName(state);
            rows = rows.Where(a => a.State == name);
        }

        if (query.RuleId is not null)
        {
            rows = rows.Where(a => a.RuleId == query.RuleId);
        }

        if (query.Service is not null)
        {
            rows = rows.Where(a => a.Service == query.Service);
        }

        var list = await rows.OrderByDescending(a => a.StartsAtMs).ThenBy(a => a.Id).Take(Math.Clamp(query.Limit, 1, 1000)).ToListAsync(cancellationToken);
        return [.. list.Select(ToAlert)];
    }

    private static string StateName(AlertState state) => state switch
    {
        AlertState.Pending => "pending",
        AlertState.Firing => "firing",
        _ => "resolved",
    };

    private static AlertRule ToRule(AlertRuleEntity row) =>
        JsonSerializer.Deserialize(row.Json, OperationsJsonContext.Default.AlertRule)! with { Id = row.Id, TenantId = row.TenantId };

    private static AlertRecord ToAlert(AlertEntity row) => JsonSerializer.Deserialize(row.Json, OperationsJsonContext.Default.AlertRecord)!;
}
