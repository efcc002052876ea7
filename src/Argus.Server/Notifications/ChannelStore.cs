using System.Text.Json;
using Argus.Operations.Notifications;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Argus.Server.Notifications;

/// <summary>
/// Channels in the control-plane database. The tables are created at start-up with the rest of the control plane
/// (<c>EnsureCreated</c>, or <c>ControlPlaneSchemaUpgrade</c> for a database made by an older Argus).
/// A channel's settings hold its secrets (webhook secret, Slack URL, header values, SMTP password), so the column is
/// encrypted with Data Protection per tenant, as provider keys are; entities handed out carry the settings in clear.
/// </summary>
internal sealed class ChannelStore(IDbContextFactory<ControlPlaneDbContext> dbFactory, IDataProtectionProvider protection, ILogger<ChannelStore> logger) : INotificationChannelStore
{
    private const string Purpose = "Argus.Notifications.ChannelSettings.v1";

    // Marks an encrypted column; settings written by an Argus before encryption are JSON and start with '{'.
    private const string SealedPrefix = "dp1:";

    public async Task<IReadOnlyList<ChannelEntity>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entities = await db.Set<ChannelEntity>().AsNoTracking().Where(c => c.TenantId == tenantId).OrderBy(c => c.Name).ToListAsync(ct);
        return [.. entities.Select(Open)];
    }

    /// <summary>The tenant's channel with this id, or else this name.</summary>
    public async Task<ChannelEntity?> FindAsync(string tenantId, string idOrName, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var channels = db.Set<ChannelEntity>().AsNoTracking().Where(c => c.TenantId == tenantId);
        var entity = await channels.FirstOrDefaultAsync(c => c.Id == idOrName, ct) ?? await channels.FirstOrDefaultAsync(c => c.Name == idOrName, ct);
        return entity is null ? null : Open(entity);
    }

    /// <summary>Encrypts the settings of channels stored in clear by an Argus from before encryption; the count done.</summary>
    public async Task<int> SealPlainRowsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plain = await db.Set<ChannelEntity>().Where(c => !c.Settings.StartsWith(SealedPrefix)).ToListAsync(ct);
        foreach (var entity in plain)
        {
            entity.Settings = Seal(entity.TenantId, entity.Settings);
        }

        await db.SaveChangesAsync(ct);
        if (plain.Count > 0)
        {
            ChannelsLog.ChannelSettingsSealed(logger, plain.Count);
        }

        return plain.Count;
    }

    public async Task<bool> NameTakenAsync(string tenantId, string name, string? exceptId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<ChannelEntity>().AnyAsync(c => c.TenantId == tenantId && c.Name == name && c.Id != exceptId, ct);
    }

    /// <summary>Inserts or replaces a channel; false when the tenant already has another channel of that name (a race the validation lost).</summary>
    public async Task<bool> SaveAsync(ChannelEntity entity, bool create, CancellationToken ct)
    {
        var clear = entity.Settings;
        entity.Settings = Seal(entity.TenantId, clear);
        try
        {
            return await SaveSealedAsync(entity, create, ct);
        }
        finally
        {
            entity.Settings = clear;
        }
    }

    private async Task<bool> SaveSealedAsync(ChannelEntity entity, bool create, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (create)
        {
            db.Add(entity);
        }
        else
        {
            db.Update(entity);
        }

        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<ChannelEntity>().Where(c => c.TenantId == tenantId && c.Id == id).ExecuteDeleteAsync(ct) > 0;
    }

    Task<NotificationChannel?> INotificationChannelStore.GetByNameAsync(string tenantId, string name, CancellationToken cancellationToken) =>
        GetChannelAsync(c => c.TenantId == tenantId && c.Name == name, cancellationToken);

    async Task<IReadOnlyList<NotificationChannel>> INotificationChannelStore.ListEnabledAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entities = await db.Set<ChannelEntity>().AsNoTracking().Where(c => c.TenantId == tenantId && c.Enabled).OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return [.. entities.Select(e => ChannelSettings.Of(Open(e)).ToChannel(e))];
    }

    Task<NotificationChannel?> INotificationChannelStore.GetByIdAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        GetChannelAsync(c => c.TenantId == tenantId && c.Id == id, cancellationToken);

    /// <summary>The first channel matching <paramref name="match"/>, its settings decrypted; null when none does.</summary>
    private async Task<NotificationChannel?> GetChannelAsync(System.Linq.Expressions.Expression<Func<ChannelEntity, bool>> match, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<ChannelEntity>().AsNoTracking().FirstOrDefaultAsync(match, cancellationToken);
        return entity is null ? null : ChannelSettings.Of(Open(entity)).ToChannel(entity);
    }

    private string Seal(string tenantId, string settings) => SealedPrefix + protection.CreateProtector(Purpose, tenantId).Protect(settings);

    private ChannelEntity Open(ChannelEntity entity)
    {
        if (entity.Settings.StartsWith(SealedPrefix, StringComparison.Ordinal))
        {
            try
            {
                entity.Settings = protection.CreateProtector(Purpose, entity.TenantId).Unprotect(entity.Settings[SealedPrefix.Length..]);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Deliveries to it fail with an error in the delivery log; saving the channel again sets new settings.
                ChannelsLog.ChannelSettingsUnreadable(logger, entity.Name, entity.Id, entity.TenantId);
                entity.Settings = "{}";
            }
        }

        return entity;
    }
}

/// <summary>The deliveries not finished yet, in the control-plane database, so that a restart resumes them.</summary>
internal sealed class PendingDeliveryStore(IDbContextFactory<ControlPlaneDbContext> dbFactory) : IPendingDeliveryStore
{
    public async Task AddAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Add(new PendingDeliveryEntity
        {
            DeliveryId = delivery.DeliveryId,
            TenantId = delivery.TenantId,
            ChannelId = delivery.ChannelId,
            Message = JsonSerializer.Serialize(delivery.Message, NotificationStoreJsonContext.Default.NotificationMessage),
            QueuedAtMs = delivery.QueuedAt.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemoveAsync(string deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Set<PendingDeliveryEntity>().Where(d => d.DeliveryId == deliveryId).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PendingDelivery>> ListAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var beforeMs = before.ToUnixTimeMilliseconds();
        var rows = await db.Set<PendingDeliveryEntity>().AsNoTracking().Where(d => d.QueuedAtMs < beforeMs)
            .OrderBy(d => d.QueuedAtMs).ThenBy(d => d.DeliveryId).ToListAsync(cancellationToken);
        return [.. rows.Select(d => new PendingDelivery(
            d.DeliveryId, d.TenantId, d.ChannelId,
            JsonSerializer.Deserialize(d.Message, NotificationStoreJsonContext.Default.NotificationMessage)!,
            DateTimeOffset.FromUnixTimeMilliseconds(d.QueuedAtMs)))];
    }
}

/// <summary>The delivery log in the control-plane database; deletes records older than the retention about once an hour.</summary>
internal sealed class DeliveryLogStore(IDbContextFactory<ControlPlaneDbContext> dbFactory, IOptions<NotificationOptions> options, TimeProvider time) : IDeliveryLog
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private long _lastPruneMs;

    public async Task AppendAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Add(new DeliveryEntity
        {
            DeliveryId = attempt.DeliveryId,
            TenantId = attempt.TenantId,
            ChannelId = attempt.ChannelId,
            ChannelName = attempt.ChannelName,
            ChannelType = attempt.ChannelType,
            Event = attempt.Event,
            Attempt = attempt.Attempt,
            Status = StatusName(attempt.Status),
            HttpStatus = attempt.HttpStatus,
            SmtpReply = attempt.SmtpReply,
            Error = attempt.Error,
            LatencyMs = attempt.LatencyMs,
            TimeMs = attempt.Time.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var last = Interlocked.Read(ref _lastPruneMs);
        if (now - last >= PruneInterval.TotalMilliseconds && Interlocked.CompareExchange(ref _lastPruneMs, now, last) == last)
        {
            var cutoff = now - (long)options.Value.DeliveryLogRetention.TotalMilliseconds;
            await db.Set<DeliveryEntity>().Where(d => d.TimeMs < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> QueryAsync(string tenantId, DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var from = query.From.ToUnixTimeMilliseconds();
        var to = query.To.ToUnixTimeMilliseconds();
        var rows = db.Set<DeliveryEntity>().AsNoTracking().Where(d => d.TenantId == tenantId && d.TimeMs >= from && d.TimeMs <= to);
        if (query.Channel is { } channel)
        {
            rows = rows.Where(d => d.ChannelName == channel || d.ChannelId == channel);
        }

        if (query.Status is { } status)
        {
            var name = StatusName(status);
            rows = rows.Where(d => d.Status == name);
        }

        var list = await rows.OrderByDescending(d => d.TimeMs).ThenByDescending(d => d.Id).Take(query.Limit).ToListAsync(cancellationToken);
        return [.. list.Select(d => new DeliveryAttempt(
            d.DeliveryId, d.TenantId, d.ChannelId, d.ChannelName, d.ChannelType, d.Event, d.Attempt, Enum.Parse<DeliveryStatus>(d.Status, ignoreCase: true),
            d.HttpStatus, d.SmtpReply, d.Error, d.LatencyMs, DateTimeOffset.FromUnixTimeMilliseconds(d.TimeMs)))];
    }

    /// <summary>The lower-case name the API and the table use: sent, retrying, failed, dropped.</summary>
    public static string StatusName(DeliveryStatus status) => status.ToString().ToLowerInvariant();
}
