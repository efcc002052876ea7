using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;
using Argus.Operations.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Notifications;

/// <summary>The channel API: validation, secrets, tenants, keys.</summary>
public sealed class ChannelApiTests(ChannelServerFixture fixture) : IClassFixture<ChannelServerFixture>
{
    [Fact]
    public async Task Bad_channel_definitions_are_refused_with_every_problem_listed()
    {
        using var client = fixture.Server.ApiClient();
        await Channels.CreateAsync(client, new { name = "taken", type = "webhook", url = "https://example.com/hook" });

        var cases = new (object Body, string[] Keys)[]
        {
            (new { name = "Bad Name!", type = "pager" }, ["name", "type"]),
            (new { name = "taken", type = "webhook", url = "ftp://example.com/x", smtp = new { host = "x" }, headers = new Dictionary<string, string> { ["X-Argus-Signature"] = "forged" } }, ["name", "url", "smtp", "headers"]),
            (new { name = "slack-1", type = "slack", url = "hooks.slack.com/services/x", secret = "s" }, ["url", "secret"]),
            (new { name = "mail-1", type = "email", smtp = new { host = "", port = 70000, security = "Weird", password = "p" }, from = "not-an-address", to = new[] { "a@example.com", "nobody" } },
                ["smtp.host", "smtp.port", "smtp.security", "smtp.password", "from", "to"]),
            (new { name = "mail-2", type = "email", url = "https://example.com" }, ["url", "smtp", "from", "to"]),
        };
        foreach (var (body, keys) in cases)
        {
            using var response = await client.PostAsJsonAsync("api/channels", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)} answered {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
            Assert.Equal(keys.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        Assert.Single((await fixture.Server.GetJsonAsync("api/channels")).GetProperty("channels").EnumerateArray(), c => c.GetProperty("name").GetString() == "taken");
    }

    [Fact]
    public async Task Channels_belong_to_their_tenant()
    {
        using var admin = fixture.Server.ApiClient();
        await using var receiver = await LocalHttpReceiver.StartAsync();
        var channelA = await Channels.CreateAsync(admin, new { name = "tenant-a-hook", type = "webhook", url = receiver.Url.ToString() });
        var id = channelA.GetProperty("id").GetString()!;
        using var createdTenant = await admin.PostAsJsonAsync("api/tenants", new { id = "channels-b", name = "Channels B" });
        Assert.Equal(HttpStatusCode.Created, createdTenant.StatusCode);
        var keyB = JsonDocument.Parse(await createdTenant.Content.ReadAsStringAsync()).RootElement.GetProperty("adminKey").GetProperty("key").GetString()!;
        using var b = fixture.Server.ApiClient(keyB);

        Assert.Empty((await fixture.Server.GetJsonAsync("api/channels", keyB)).GetProperty("channels").EnumerateArray());
        foreach (var path in new[] { $"api/channels/{id}", "api/channels/tenant-a-hook" })
        {
            using var get = await b.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        using (var put = await b.PutAsJsonAsync($"api/channels/{id}", new { name = "stolen", type = "webhook", url = "https://evil.example.com" }))
        using (var test = await b.PostAsync($"api/channels/{id}/test", null))
        using (var delete = await b.DeleteAsync($"api/channels/{id}"))
        {
            Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { put.StatusCode, test.StatusCode, delete.StatusCode });
        }

        // The same name in tenant B is a different channel; dispatching in B never reaches A's.
        var dispatcher = fixture.Server.Services.GetRequiredService<NotificationDispatcher>();
        var result = await dispatcher.DispatchAsync("channels-b", new NotificationMessage("test", "t", "info", "x"), ["tenant-a-hook"]);
        Assert.Empty(result.Deliveries);
        Assert.Equal(["tenant-a-hook"], result.Unavailable);
        Assert.Empty((await dispatcher.DispatchAsync("channels-b", new NotificationMessage("test", "t", "info", "x"))).Deliveries);

        Assert.True((await Channels.TestAsync(admin, id)).GetProperty("ok").GetBoolean());
        Assert.Single(receiver.Requests);
        Assert.Empty((await fixture.Server.GetJsonAsync("api/channels/deliveries?channel=tenant-a-hook", keyB)).GetProperty("deliveries").EnumerateArray());
        Assert.NotEmpty((await fixture.Server.GetJsonAsync("api/channels/deliveries?channel=tenant-a-hook")).GetProperty("deliveries").EnumerateArray());
    }

    [Fact]
    public async Task Reading_needs_a_read_key_and_writing_an_admin_key()
    {
        using var admin = fixture.Server.ApiClient();
        using var createdKey = await admin.PostAsJsonAsync("api/keys", new { name = "channel-reader", role = "read" });
        var readKey = JsonDocument.Parse(await createdKey.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        var channel = await Channels.CreateAsync(admin, new { name = "keys-hook", type = "webhook", url = "https://example.com/hook" });
        using var reader = fixture.Server.ApiClient(readKey);

        Assert.Contains((await fixture.Server.GetJsonAsync("api/channels", readKey)).GetProperty("channels").EnumerateArray(), c => c.GetProperty("name").GetString() == "keys-hook");
        using var post = await reader.PostAsJsonAsync("api/channels", new { name = "by-reader", type = "webhook", url = "https://example.com/hook" });
        using var test = await reader.PostAsync($"api/channels/{channel.GetProperty("id").GetString()}/test", null);
        using var anonymous = await fixture.Server.ApiClient(key: null).GetAsync("api/channels");
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized], new[] { post.StatusCode, test.StatusCode, anonymous.StatusCode });
    }

    [Fact]
    public async Task Secrets_never_appear_in_responses_or_logs()
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>(ChannelServerFixture.FastRetries) { ["Logging:LogLevel:Default"] = "Trace", ["Argus:Notifications:MaxAttempts"] = "2" };
        await using var server = await ArgusTestServer.StartAsync(settings: settings, configure: b => b.Logging.AddProvider(logs));
        await using var receiver = await LocalHttpReceiver.StartAsync();
        await using var slackReceiver = await LocalHttpReceiver.StartAsync();
        await using var smtp = await SmtpTestServer.StartAsync(tls: true, user: "argus", password: "smtp-PASSWORD-9f8e7d");
        using var client = server.ApiClient();
        const string webhookSecret = "whsec-SECRET-a1b2c3d4";
        const string headerToken = "Bearer hdr-SECRET-e5f6";
        const string slackToken = "slackTOKEN-SECRET-778899";
        var slackUrl = new Uri(slackReceiver.Url, $"services/T0AAA/B0BBB/{slackToken}").ToString();
        var secrets = new[] { webhookSecret, headerToken, "hdr-SECRET-e5f6", slackToken, "smtp-PASSWORD-9f8e7d" };

        var responses = new List<string>();
        async Task<JsonElement> Call(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            responses.Add(text);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        var hook = await Call(HttpMethod.Post, "api/channels", new { name = "s-hook", type = "webhook", url = receiver.Url + "hook?token=" + webhookSecret, secret = webhookSecret, headers = new Dictionary<string, string> { ["Authorization"] = headerToken } });
        var slack = await Call(HttpMethod.Post, "api/channels", new { name = "s-slack", type = "slack", url = slackUrl });
        var mail = await Call(HttpMethod.Post, "api/channels", new
        {
            name = "s-mail", type = "email", smtp = new { host = "127.0.0.1", port = smtp.Port, security = "StartTls", username = "argus", password = "smtp-PASSWORD-9f8e7d", trustedCertificateSha256 = smtp.CertificateSha256 },
            from = "argus@example.com", to = new[] { "oncall@example.com" },
        });
        Assert.True(hook.GetProperty("hasSecret").GetBoolean());
        Assert.Equal(["Authorization"], hook.GetProperty("headerNames").EnumerateArray().Select(h => h.GetString()));

        // Editing without sending the secrets again keeps them.
        var edited = await Call(HttpMethod.Put, $"api/channels/{hook.GetProperty("id").GetString()}", new { name = "s-hook", type = "webhook", enabled = true });
        Assert.True(edited.GetProperty("hasSecret").GetBoolean());

        // Every path that handles the secrets: tests that succeed, failures whose answers echo the URL, retries.
        foreach (var channel in new[] { hook, slack, mail })
        {
            Assert.True((await Call(HttpMethod.Post, $"api/channels/{channel.GetProperty("id").GetString()}/test")).GetProperty("ok").GetBoolean());
        }

        // Failing endpoints that echo what they were sent: Slack its URL, the webhook its query token and Authorization header.
        slackReceiver.Script((500, "cannot post to " + slackUrl), (404, "no_service for " + slackToken));
        receiver.Script((502, $"bad gateway for /hook?token={webhookSecret}"), (401, "wrong " + headerToken));
        var dispatcher = server.Services.GetRequiredService<NotificationDispatcher>();
        await dispatcher.DispatchAsync("default", new NotificationMessage("alert.firing", "t", "warning", "x"), ["s-slack", "s-hook"]);
        // Their test deliveries were sent already: wait for the failures of these.
        foreach (var name in new[] { "s-slack", "s-hook" })
        {
            await ArgusTestServer.EventuallyAsync(() => Channels.DeliveriesAsync(server, name), d => d.Any(a => a.GetProperty("status").GetString() == "failed"), $"the failed delivery to {name}");
        }

        await Call(HttpMethod.Get, "api/channels");
        foreach (var channel in new[] { hook, slack, mail })
        {
            await Call(HttpMethod.Get, $"api/channels/{channel.GetProperty("id").GetString()}");
        }

        var deliveries = await Call(HttpMethod.Get, "api/channels/deliveries");
        // The endpoints' answers are reported by status only: what they echoed (secrets included) is not in the log.
        var errors = deliveries.GetProperty("deliveries").EnumerateArray().Where(d => d.GetProperty("error").ValueKind == JsonValueKind.String).Select(d => d.GetProperty("error").GetString()!).ToList();
        Assert.Contains("HTTP 500", errors);
        Assert.Contains("HTTP 401", errors);
        Assert.DoesNotContain(errors, e => e.Contains("cannot post", StringComparison.Ordinal) || e.Contains("bad gateway for", StringComparison.Ordinal) || e.Contains("wrong", StringComparison.Ordinal));

        foreach (var secret in secrets)
        {
            Assert.True(!responses.Any(r => r.Contains(secret, StringComparison.Ordinal)), $"a response holds '{secret}': {responses.FirstOrDefault(r => r.Contains(secret, StringComparison.Ordinal))}");
            Assert.True(!logs.Lines.Any(l => l.Contains(secret, StringComparison.Ordinal)), $"a log line holds '{secret}': {logs.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal))}");
        }

        // The secrets did leave Argus, to where they belong: the test would notice one that never did.
        Assert.Contains(slackReceiver.Requests, r => r.PathAndQuery.Contains(slackToken, StringComparison.Ordinal));
        Assert.Contains(receiver.Requests, r => r.Headers.TryGetValue("Authorization", out var auth) && auth == headerToken);
        Assert.Equal("argus", Assert.Single(smtp.Messages()).Envelope.GetProperty("login").GetString());
        Assert.Contains(logs.Lines, l => l.Contains("[5302]", StringComparison.Ordinal)); // a retry was logged
    }

    [Fact]
    public async Task Channels_can_be_listed_edited_disabled_and_deleted()
    {
        using var client = fixture.Server.ApiClient();
        var created = await Channels.CreateAsync(client, new { name = "crud-hook", type = "webhook", url = "https://example.com/a?key=k", secret = "s1" });
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("https://example.com/a?***", created.GetProperty("url").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());

        using (var put = await client.PutAsJsonAsync($"api/channels/{id}", new { name = "crud-hook-2", type = "webhook", url = "https://example.com/b", secret = "s1", enabled = false }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var fetched = await fixture.Server.GetJsonAsync("api/channels/crud-hook-2");
        Assert.Equal((id, false, "https://example.com/b", true), (fetched.GetProperty("id").GetString(), fetched.GetProperty("enabled").GetBoolean(), fetched.GetProperty("url").GetString(), fetched.GetProperty("hasSecret").GetBoolean()));
        using (var typeChange = await client.PutAsJsonAsync($"api/channels/{id}", new { name = "crud-hook-2", type = "slack", url = "https://example.com/b" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, typeChange.StatusCode);
        }

        // A disabled channel receives nothing.
        var result = await fixture.Server.Services.GetRequiredService<NotificationDispatcher>().DispatchAsync("default", new NotificationMessage("test", "t", "info", "x"), ["crud-hook-2"]);
        Assert.Equal(["crud-hook-2"], result.Unavailable);

        using (var delete = await client.DeleteAsync($"api/channels/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var gone = await client.GetAsync($"api/channels/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var badQuery = await client.GetAsync("api/channels/deliveries?status=lost&limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
    }
}

/// <summary>Bad delivery limits stop the start with every problem listed.</summary>
public sealed class NotificationOptionsTests
{
    [Fact]
    public async Task Invalid_notification_limits_fail_the_start_listing_every_problem()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Notifications:QueueCapacity"] = "0",
            ["Argus:Notifications:MaxAttempts"] = "0",
            ["Argus:Notifications:BaseDelay"] = "00:00:10",
            ["Argus:Notifications:MaxDelay"] = "00:00:01",
            ["Argus:Notifications:AttemptTimeout"] = "00:00:00",
        }));
        var all = string.Join("\n", ex.Failures);
        foreach (var setting in new[] { "QueueCapacity", "MaxAttempts", "MaxDelay", "AttemptTimeout" })
        {
            Assert.Contains($"Argus:Notifications:{setting}", all, StringComparison.Ordinal);
        }
    }
}
