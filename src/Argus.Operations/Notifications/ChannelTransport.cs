using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Argus.Core.Outbound;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Argus.Operations.Notifications;

/// <summary>The outcome of one attempt that got an answer. Network failures are exceptions instead.</summary>
/// <param name="Success">The channel accepted the message.</param>
/// <param name="Retryable">The refusal is temporary (408, 429, 5xx, SMTP 4xx).</param>
/// <param name="HttpStatus">The HTTP status, for Slack and webhooks.</param>
/// <param name="SmtpReply">The SMTP server's reply, for e-mail.</param>
/// <param name="Error">Why it was refused, before secrets are scrubbed.</param>
/// <param name="RetryAfter">The endpoint's <c>Retry-After</c>, if it sent one.</param>
internal sealed record SendResult(bool Success, bool Retryable, int? HttpStatus, string? SmtpReply, string? Error, TimeSpan? RetryAfter);

/// <summary>
/// Sends one message to one channel, once: HTTP for Slack and webhooks, SMTP (MailKit) for e-mail. Every connection
/// goes through the <see cref="OutboundAddressPolicy"/> (the HTTP handler's connect callback, and the SMTP socket opened
/// here); a refused one is a final failure naming the reason, with nothing contacted. An endpoint's answer is reported
/// by its status only, never its body: a body could be an internal service's reply that the tenant should not read.
/// </summary>
internal sealed class ChannelTransport(HttpClient http, TimeProvider time, OutboundAddressPolicy policy)
{
    public Task<SendResult> SendAsync(NotificationChannel channel, NotificationMessage message, string deliveryId, CancellationToken ct) => channel.Type switch
    {
        ChannelTypes.Slack => PostAsync(channel, Encoding.UTF8.GetBytes(SlackPayload.Build(message).ToJsonString()), null, ct),
        ChannelTypes.Webhook => PostAsync(channel, WebhookPayload.Build(message, time.GetUtcNow()), (deliveryId, message.Event), ct),
        ChannelTypes.Email => SendMailAsync(channel, message, ct),
        _ => Task.FromResult(new SendResult(false, false, null, null, $"unknown channel type '{channel.Type}'", null)),
    };

    private async Task<SendResult> PostAsync(NotificationChannel channel, byte[] body, (string DeliveryId, string Event)? webhook, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (webhook is { } w)
        {
            foreach (var (name, value) in channel.Headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Headers.Add(WebhookPayload.DeliveryHeader, w.DeliveryId);
            request.Headers.Add(WebhookPayload.EventHeader, w.Event);
            if (!string.IsNullOrEmpty(channel.Secret))
            {
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
                request.Headers.Add(WebhookPayload.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add(WebhookPayload.SignatureHeader, WebhookPayload.Sign(channel.Secret, timestamp, body));
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex) when (OutboundRefusedException.Find(ex) is { } refused)
        {
            return Refused(refused);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new SendResult(true, false, status, null, null, null);
            }

            // The status alone, not the endpoint's reason phrase: that is its own text, like the body. The one exception is
            // Slack's documented error code (invalid_payload, no_service): a single lower-case word tells nothing else.
            var error = $"HTTP {status}" + (status is >= 300 and < 400 ? ": redirects are not followed" : "");
            if (webhook is null && status is >= 400 && await SlackErrorCodeAsync(response, ct) is { } code)
            {
                error += ": " + code;
            }

            var retryable = status is 408 or 429 or >= 500;
            return new SendResult(false, retryable, status, null, error, RetryAfter(response));
        }
    }

    private static async Task<string?> SlackErrorCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new char[65];
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
        var read = await reader.ReadBlockAsync(buffer, ct);
        var text = new string(buffer, 0, read).Trim();
        return read < buffer.Length && text.Length is > 0 and <= 64 && text.All(c => c is (>= 'a' and <= 'z') or '_') ? text : null;
    }

    private static SendResult Refused(OutboundRefusedException refused) => new(false, false, null, null, refused.Message, null);

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private async Task<SendResult> SendMailAsync(NotificationChannel channel, NotificationMessage message, CancellationToken ct)
    {
        var smtp = channel.Smtp!;
        using var mail = EmailContent.Build(channel, message);
        using var client = new SmtpClient();
        if (smtp.TrustedCertificateSha256 is { Length: > 0 } pin)
        {
            // A self-signed relay: accept exactly the pinned certificate, or anything the system trusts anyway.
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None ||
                (certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase));
        }

        System.Net.Sockets.Socket socket;
        try
        {
            socket = await policy.ConnectAsync(smtp.Host, smtp.Port, ct);
        }
        catch (OutboundRefusedException refused)
        {
            return Refused(refused);
        }

        // MailKit speaks over the socket the policy checked; the host name is still the one TLS verifies.
        using var connected = socket;
        try
        {
            await client.ConnectAsync(socket, smtp.Host, smtp.Port, Map(smtp.Security), ct);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(new NetworkCredential(smtp.Username, smtp.Password ?? ""), ct);
            }

            var reply = await client.SendAsync(mail, ct);
            await client.DisconnectAsync(quit: true, ct);
            return new SendResult(true, false, null, reply, null, null);
        }
        catch (SmtpCommandException ex)
        {
            // 4xx replies are temporary by definition (RFC 5321 §4.2.1); 5xx are permanent.
            var code = (int)ex.StatusCode;
            return new SendResult(false, code is >= 400 and < 500, null, $"{code} {ex.Message}", $"the SMTP server refused ({ex.ErrorCode}): {code} {ex.Message}", null);
        }
        catch (AuthenticationException ex)
        {
            return new SendResult(false, false, null, null, "SMTP authentication failed: " + ex.Message, null);
        }
        catch (SslHandshakeException)
        {
            return new SendResult(false, false, null, null, "the TLS handshake with the SMTP server failed: its certificate is not trusted (pin it with smtp.trustedCertificateSha256) or TLS is not offered", null);
        }
        catch (NotSupportedException ex)
        {
            // E.g. a username is configured but the server offers no AUTH (often: AUTH only after STARTTLS).
            return new SendResult(false, false, null, null, "the SMTP server does not support this: " + ex.Message, null);
        }
    }

    private static SecureSocketOptions Map(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto => SecureSocketOptions.Auto,
        _ => SecureSocketOptions.None,
    };
}

/// <summary>The e-mail form of a message: the plain text, and a simple HTML alternative built from the sections.</summary>
internal static class EmailContent
{
    public static MimeMessage Build(NotificationChannel channel, NotificationMessage message)
    {
        var mail = new MimeMessage { Subject = $"[{message.Severity}] {message.Title}" };
        mail.From.Add(MailboxAddress.Parse(channel.From!));
        mail.To.AddRange((channel.To ?? []).Select(MailboxAddress.Parse));
        mail.Headers.Add("X-Argus-Event", message.Event);

        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{WebUtility.HtmlEncode(message.Title)}</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p><strong>{WebUtility.HtmlEncode(message.Severity)}</strong> &middot; {WebUtility.HtmlEncode(message.Event)}</p>");
        if (message.Sections.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<pre style=\"white-space:pre-wrap\">{WebUtility.HtmlEncode(message.Text)}</pre>");
        }

        foreach (var section in message.Sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{WebUtility.HtmlEncode(section.Title)}</h3><pre style=\"white-space:pre-wrap\">{WebUtility.HtmlEncode(section.Body)}</pre>");
        }

        var text = message.Text;
        if (message.Link is { } link)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{WebUtility.HtmlEncode(link.AbsoluteUri)}\">Open in Argus</a></p>");
            text += $"\n\n{link.AbsoluteUri}\n";
        }

        html.Append("</body></html>");
        mail.Body = new BodyBuilder { TextBody = text, HtmlBody = html.ToString() }.ToMessageBody();
        return mail;
    }
}
