using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Argus.Operations.Notifications;

/// <summary>
/// The body of a webhook request and its signature. The scheme follows Stripe's: the signed content is
/// <c>{X-Argus-Timestamp}.{body}</c>, so a captured request cannot be replayed later with a new timestamp, and the
/// signature is <c>sha256=</c> and the lower-case hex HMAC-SHA256 of it, keyed with the channel's secret.
/// </summary>
public static class WebhookPayload
{
    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-Argus-Signature";

    /// <summary>The header carrying the Unix time (seconds) that is part of the signed content.</summary>
    public const string TimestampHeader = "X-Argus-Timestamp";

    /// <summary>The header carrying the delivery id, the same for every attempt of one delivery (for de-duplication).</summary>
    public const string DeliveryHeader = "X-Argus-Delivery";

    /// <summary>The header carrying the event name.</summary>
    public const string EventHeader = "X-Argus-Event";

    /// <summary>The UTF-8 JSON body: <c>event, title, severity, text, sections, link, data, sentAt</c>.</summary>
    public static byte[] Build(NotificationMessage message, DateTimeOffset sentAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", message.Event);
            json.WriteString("title", message.Title);
            json.WriteString("severity", message.Severity);
            json.WriteString("text", message.Text);
            json.WriteStartArray("sections");
            foreach (var section in message.Sections)
            {
                json.WriteStartObject();
                json.WriteString("title", section.Title);
                json.WriteString("body", section.Body);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (message.Link is { } link)
            {
                json.WriteString("link", link.AbsoluteUri);
            }
            else
            {
                json.WriteNull("link");
            }

            json.WritePropertyName("data");
            if (message.Data is { } data)
            {
                data.WriteTo(json);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteString("sentAt", sentAt.ToUniversalTime());
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The <c>X-Argus-Signature</c> value for a body sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content));
    }
}
