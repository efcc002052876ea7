using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;
using Argus.Operations.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests.Notifications;

/// <summary>Channels created through the API deliver to real endpoints: a webhook receiver, a fake Slack, a real SMTP server.</summary>
public sealed class ChannelDeliveryTests(ChannelServerFixture fixture) : IClassFixture<ChannelServerFixture>
{
    private static readonly NotificationMessage Report = new(NotificationEvents.IncidentReport, "checkout: p95 latency 950 ms (threshold 800 ms)", "critical",
        "[FIRING] checkout p95 latency\n\nWhat happened\np95 rose at 10:02.\n\nWhy\nSELECT on orders without index.")
    {
        Sections = [new("What happened", "p95 rose at 10:02."), new("Why", "SELECT on orders < 5 & without index."), new("Impact", "12% of checkouts."), new("What to do", "Add an index.")],
        Link = new Uri("https://argus.example.com/incidents/inc-42"),
        Data = JsonDocument.Parse("""{"incidentId":"inc-42","rule":"checkout-latency","service":"checkout","findings":[{"kind":"slow_sql","ms":812.5}]}""").RootElement,
    };

    private NotificationDispatcher Dispatcher => fixture.Server.Services.GetRequiredService<NotificationDispatcher>();

    [Fact]
    public async Task A_webhook_delivery_verifies_as_the_docs_describe()
    {
        await using var receiver = await LocalHttpReceiver.StartAsync();
        using var client = fixture.Server.ApiClient();
        const string secret = "whsec-test-0123456789";
        await Channels.CreateAsync(client, new { name = "hook-verify", type = "webhook", url = new Uri(receiver.Url, "argus/events").ToString(), secret, headers = new Dictionary<string, string> { ["X-Team"] = "payments" } });

        var result = await Dispatcher.DispatchAsync(TenantBootstrapDefault, Report, ["hook-verify"]);

        Assert.True(Assert.Single(result.Deliveries).Queued);
        var log = await Channels.FinishedAsync(fixture.Server, "hook-verify");
        Assert.Equal("sent", log[^1].GetProperty("status").GetString());
        Assert.Equal(200, log[^1].GetProperty("httpStatus").GetInt32());
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/argus/events", request.PathAndQuery);
        Assert.Equal("payments", request.Headers["X-Team"]);
        Assert.Equal(result.Deliveries[0].DeliveryId, request.Headers["X-Argus-Delivery"]);

        // The receiver's check, step by step as docs/channels.md tells users: HMAC-SHA256 over "{timestamp}.{raw body}".
        var timestamp = request.Headers["X-Argus-Timestamp"];
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. request.Body]));
        Assert.True(CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers["X-Argus-Signature"])), "the signature does not verify");

        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("incident.report", body.GetProperty("event").GetString());
        Assert.Equal(Report.Title, body.GetProperty("title").GetString());
        Assert.Equal("critical", body.GetProperty("severity").GetString());
        Assert.Equal(Report.Text, body.GetProperty("text").GetString());
        Assert.Equal(4, body.GetProperty("sections").GetArrayLength());
        Assert.Equal("https://argus.example.com/incidents/inc-42", body.GetProperty("link").GetString());
        Assert.Equal(812.5, body.GetProperty("data").GetProperty("findings")[0].GetProperty("ms").GetDouble());
        Assert.True(body.GetProperty("sentAt").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task Slack_gets_a_block_kit_message_and_the_url_is_shown_redacted()
    {
        await using var slack = await LocalHttpReceiver.StartAsync();
        using var client = fixture.Server.ApiClient();
        var hook = new Uri(slack.Url, "services/T0ABC/B0DEF/slackToken123456").ToString();
        var created = await Channels.CreateAsync(client, new { name = "slack-shape", type = "slack", url = hook });
        Assert.Equal($"{slack.Url.Scheme}://{slack.Url.Authority}/services/T…/***", created.GetProperty("url").GetString());
        Assert.True(created.GetProperty("hasSecret").GetBoolean());

        await Dispatcher.DispatchAsync(TenantBootstrapDefault, Report, ["slack-shape"]);
        Assert.Equal("sent", (await Channels.FinishedAsync(fixture.Server, "slack-shape"))[^1].GetProperty("status").GetString());

        var request = Assert.Single(slack.Requests);
        Assert.Equal("/services/T0ABC/B0DEF/slackToken123456", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var payload = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal($"[critical] {Report.Title}", payload.GetProperty("text").GetString());
        var blocks = payload.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["header", "section", "section", "section", "section", "context"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.All(blocks[1..5], b => Assert.Equal("mrkdwn", b.GetProperty("text").GetProperty("type").GetString()));
        Assert.Equal("*Why*\nSELECT on orders &lt; 5 &amp; without index.", blocks[2].GetProperty("text").GetProperty("text").GetString());
        Assert.Contains("<https://argus.example.com/incidents/inc-42|Open in Argus>", blocks[5].GetProperty("elements")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_the_message_on_the_third_attempt()
    {
        await using var receiver = await LocalHttpReceiver.StartAsync();
        receiver.Script((500, "boom"), (503, "busy"));
        using var client = fixture.Server.ApiClient();
        await Channels.CreateAsync(client, new { name = "hook-retry", type = "webhook", url = receiver.Url.ToString() });

        await Dispatcher.DispatchAsync(TenantBootstrapDefault, Report, ["hook-retry"]);

        var log = await Channels.FinishedAsync(fixture.Server, "hook-retry");
        Assert.Equal([("retrying", 1, 500), ("retrying", 2, 503), ("sent", 3, 200)],
            log.Select(a => (a.GetProperty("status").GetString(), a.GetProperty("attempt").GetInt32(), a.GetProperty("httpStatus").GetInt32())));
        Assert.Single(log.Select(a => a.GetProperty("deliveryId").GetString()).Distinct());
        // The status is reported, the body ("boom") is not: it may be an internal service's reply.
        Assert.Equal("HTTP 500", log[0].GetProperty("error").GetString());
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Headers["X-Argus-Delivery"]).Distinct());

        // A permanent refusal is not retried; the log's filters find it.
        receiver.Script((404, "no such hook"));
        await Dispatcher.DispatchAsync(TenantBootstrapDefault, Report, ["hook-retry"]);
        var failed = await ArgusTestServer.EventuallyAsync(
            () => fixture.Server.GetJsonAsync("api/channels/deliveries?channel=hook-retry&status=failed"), d => d.GetProperty("deliveries").GetArrayLength() == 1, "the failed delivery");
        Assert.Equal(1, failed.GetProperty("deliveries")[0].GetProperty("attempt").GetInt32());
        Assert.Equal(404, failed.GetProperty("deliveries")[0].GetProperty("httpStatus").GetInt32());
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task Email_goes_through_a_real_smtp_server_in_plain_text_and_html()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var client = fixture.Server.ApiClient();
        await Channels.CreateAsync(client, new
        {
            name = "mail-plain", type = "email", smtp = new { host = "127.0.0.1", port = smtp.Port, security = "None" },
            from = "argus@example.com", to = new[] { "oncall@example.com", "Team Lead <lead@example.com>" },
        });

        await Dispatcher.DispatchAsync(TenantBootstrapDefault, Report, ["mail-plain"]);

        var log = await Channels.FinishedAsync(fixture.Server, "mail-plain");
        Assert.Equal("sent", log[^1].GetProperty("status").GetString());
        Assert.Contains("queued as argus-test-1", log[^1].GetProperty("smtpReply").GetString(), StringComparison.Ordinal);
        var (message, envelope) = Assert.Single(smtp.Messages());
        Assert.Equal("argus@example.com", envelope.GetProperty("from").GetString());
        Assert.Equal(["oncall@example.com", "lead@example.com"], envelope.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal($"[critical] {Report.Title}", message.Subject);
        Assert.Contains("SELECT on orders without index.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://argus.example.com/incidents/inc-42", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<h3>Why</h3>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("SELECT on orders &lt; 5 &amp; without index.", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_with_starttls_and_login_reaches_a_server_that_requires_both()
    {
        const string password = "smtp-Pa55word-secret";
        await using var smtp = await SmtpTestServer.StartAsync(tls: true, user: "argus", password: password);
        using var client = fixture.Server.ApiClient();
        var good = await Channels.CreateAsync(client, new
        {
            name = "mail-tls", type = "email",
            smtp = new { host = "127.0.0.1", port = smtp.Port, security = "StartTls", username = "argus", password, trustedCertificateSha256 = smtp.CertificateSha256 },
            from = "argus@example.com", to = new[] { "oncall@example.com" },
        });
        Assert.True(good.GetProperty("smtp").GetProperty("hasPassword").GetBoolean());

        var test = await Channels.TestAsync(client, good.GetProperty("id").GetString()!);

        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
        var (message, envelope) = Assert.Single(smtp.Messages());
        Assert.Equal("argus", envelope.GetProperty("login").GetString());
        Assert.True(envelope.GetProperty("tls").GetBoolean());
        Assert.Equal("[info] Argus test notification", message.Subject);

        // Without the pin the self-signed certificate is refused; with a wrong password the login is. Neither retries.
        var unpinned = await Channels.CreateAsync(client, new
        {
            name = "mail-unpinned", type = "email", smtp = new { host = "127.0.0.1", port = smtp.Port, security = "StartTls", username = "argus", password },
            from = "argus@example.com", to = new[] { "oncall@example.com" },
        });
        var refused = await Channels.TestAsync(client, unpinned.GetProperty("id").GetString()!);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("certificate", refused.GetProperty("delivery").GetProperty("error").GetString(), StringComparison.Ordinal);

        var wrong = await Channels.CreateAsync(client, new
        {
            name = "mail-wrong", type = "email",
            smtp = new { host = "127.0.0.1", port = smtp.Port, security = "StartTls", username = "argus", password = "not-the-password", trustedCertificateSha256 = smtp.CertificateSha256 },
            from = "argus@example.com", to = new[] { "oncall@example.com" },
        });
        await Dispatcher.DispatchAsync(TenantBootstrapDefault, Report, ["mail-wrong"]);
        var log = await Channels.FinishedAsync(fixture.Server, "mail-wrong");
        var attempt = Assert.Single(log);
        Assert.Equal("failed", attempt.GetProperty("status").GetString());
        Assert.Contains("authentication", attempt.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-the-password", attempt.ToString(), StringComparison.Ordinal);
        Assert.Single(smtp.Messages());
    }

    private const string TenantBootstrapDefault = Argus.Server.Tenancy.TenantBootstrap.DefaultTenantId;
}
