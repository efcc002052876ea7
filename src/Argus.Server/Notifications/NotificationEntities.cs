using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Operations.Notifications;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Notifications;

/// <summary>A notification channel of a tenant; the type-specific settings (secrets included) are one JSON document, encrypted at rest.</summary>
internal sealed class ChannelEntity
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    public bool Enabled { get; set; }
    /// <summary>
    /// <see cref="ChannelSettings"/> as JSON; in the database encrypted by <see cref="ChannelStore"/>, which hands out
    /// entities with the JSON in clear.
    /// </summary>
    public required string Settings { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One delivery attempt. Times are Unix milliseconds: SQLite cannot compare or sort DateTimeOffset columns.</summary>
internal sealed class DeliveryEntity
{
    public long Id { get; set; }
    public required string DeliveryId { get; set; }
    public required string TenantId { get; set; }
    public required string ChannelId { get; set; }
    public required string ChannelName { get; set; }
    public required string ChannelType { get; set; }
    public required string Event { get; set; }
    public int Attempt { get; set; }
    public required string Status { get; set; }
    public int? HttpStatus { get; set; }
    public string? SmtpReply { get; set; }
    public string? Error { get; set; }
    public double LatencyMs { get; set; }
    public long TimeMs { get; set; }
}

/// <summary>A delivery not finished yet (<see cref="IPendingDeliveryStore"/>); the message as JSON.</summary>
internal sealed class PendingDeliveryEntity
{
    public required string DeliveryId { get; set; }
    public required string TenantId { get; set; }
    public required string ChannelId { get; set; }
    public required string Message { get; set; }
    public long QueuedAtMs { get; set; }
}

/// <summary>What a channel row's <c>Settings</c> column holds.</summary>
internal sealed record ChannelSettings(
    string? Url, string? Secret, IReadOnlyDictionary<string, string>? Headers, SmtpSettings? Smtp, string? From, IReadOnlyList<string>? To)
{
    public static ChannelSettings Of(ChannelEntity entity) =>
        JsonSerializer.Deserialize(entity.Settings, NotificationStoreJsonContext.Default.ChannelSettings) ?? new(null, null, null, null, null, null);

    public string ToJson() => JsonSerializer.Serialize(this, NotificationStoreJsonContext.Default.ChannelSettings);

    public NotificationChannel ToChannel(ChannelEntity entity) => new()
    {
        Id = entity.Id,
        TenantId = entity.TenantId,
        Name = entity.Name,
        Type = entity.Type,
        Enabled = entity.Enabled,
        Url = Url,
        Secret = Secret,
        Headers = Headers,
        Smtp = Smtp,
        From = From,
        To = To,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChannelSettings))]
[JsonSerializable(typeof(NotificationMessage))]
internal sealed partial class NotificationStoreJsonContext : JsonSerializerContext;

/// <summary>The control-plane tables of notifications: <c>channels</c>, <c>notification_deliveries</c> and <c>notification_pending</c>.</summary>
internal static class NotificationModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChannelEntity>(e =>
        {
            e.ToTable("channels");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasMaxLength(64);
            e.Property(c => c.TenantId).HasMaxLength(64);
            e.Property(c => c.Name).HasMaxLength(64);
            e.Property(c => c.Type).HasMaxLength(16);
            e.HasIndex(c => new { c.TenantId, c.Name }).IsUnique();
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(c => c.TenantId);
        });
        modelBuilder.Entity<DeliveryEntity>(e =>
        {
            e.ToTable("notification_deliveries");
            e.HasKey(d => d.Id);
            e.Property(d => d.DeliveryId).HasMaxLength(64);
            e.Property(d => d.TenantId).HasMaxLength(64);
            e.Property(d => d.ChannelId).HasMaxLength(64);
            e.Property(d => d.ChannelName).HasMaxLength(64);
            e.Property(d => d.ChannelType).HasMaxLength(16);
            e.Property(d => d.Event).HasMaxLength(64);
            e.Property(d => d.Status).HasMaxLength(16);
            e.HasIndex(d => new { d.TenantId, d.TimeMs });
            // No foreign key to channels: the log outlives deleted channels.
        });
        modelBuilder.Entity<PendingDeliveryEntity>(e =>
        {
            e.ToTable("notification_pending");
            e.HasKey(d => d.DeliveryId);
            e.Property(d => d.DeliveryId).HasMaxLength(64);
            e.Property(d => d.TenantId).HasMaxLength(64);
            e.Property(d => d.ChannelId).HasMaxLength(64);
            e.HasIndex(d => d.QueuedAtMs);
            // No foreign key: a delivery whose channel is deleted meanwhile is dropped (and logged) when it is resumed.
        });
    }
}
