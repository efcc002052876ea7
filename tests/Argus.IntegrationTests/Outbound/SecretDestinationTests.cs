using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;
using Argus.IntegrationTests.Notifications;

namespace Argus.IntegrationTests.Outbound;

/// <summary>
/// Write-only secrets stay with their destination: a change of URL, SMTP server or login must send them again,
/// otherwise an admin could point a channel or provider at a server of theirs and receive the stored secret.
/// </summary>
public sealed class SecretDestinationTests
{
    private const string Key = "sk-first-SECRET-0123456789";
    private const string NewKey = "sk-second-SECRET-9876543210";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string[] ErrorKeys(JsonElement problem) => [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_provider_moved_to_another_base_url_needs_its_key_and_credential_headers_again()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var first = await FakeLlmUpstream.StartAsync();
        await using var second = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        JsonObject Provider(string baseUrl, string? apiKey, string headerValue) => new()
        {
            ["name"] = "movable", ["type"] = "openai-compatible", ["baseUrl"] = baseUrl, ["apiKey"] = apiKey, ["timeoutMs"] = 5000,
            ["headers"] = new JsonObject { ["api-key"] = headerValue, ["X-Team"] = "blue" },
        };

        var (created, _) = await SendAsync(client, HttpMethod.Post, "api/providers", AiTestHelpers.Json(Provider(first.OpenAiBaseUrl, Key, "hdr-SECRET-1")));
        Assert.Equal(HttpStatusCode.Created, created);
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("movable-user", [("movable", "ok-moved", null)]));

        // The stored key and header would go to the new URL: refused, naming both.
        var moved = Provider(second.OpenAiBaseUrl, null, "***");
        moved.Remove("apiKey");
        var (status, problem) = await SendAsync(client, HttpMethod.Put, "api/providers/movable", AiTestHelpers.Json(moved));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["apiKey", "headers.api-key"], ErrorKeys(problem));
        Assert.DoesNotContain(Key, problem.GetRawText(), StringComparison.Ordinal);

        // Nothing changed: calls still go to the first URL with the first key.
        Assert.Equal(200, (await AiTestHelpers.ChatAsync(client, "movable-user", new { messages = new[] { new { role = "user", content = "hi" } } })).Status);
        Assert.Equal("Bearer " + Key, first.RequestHeaders.Last().Headers["Authorization"]);

        // Keeping the URL keeps the secrets without sending them.
        var same = Provider(first.OpenAiBaseUrl, null, "***");
        same.Remove("apiKey");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Put, "api/providers/movable", AiTestHelpers.Json(same))).Status);

        // With the secrets sent again, the move is accepted and the new destination gets only the new ones.
        var (ok, info) = await SendAsync(client, HttpMethod.Put, "api/providers/movable", AiTestHelpers.Json(Provider(second.OpenAiBaseUrl, NewKey, "hdr-SECRET-2")));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.True(info.GetProperty("hasApiKey").GetBoolean());
        Assert.Equal(200, (await AiTestHelpers.ChatAsync(client, "movable-user", new { messages = new[] { new { role = "user", content = "moved" } } })).Status);
        var sent = Assert.Single(second.RequestHeaders).Headers;
        Assert.Equal(("Bearer " + NewKey, "hdr-SECRET-2"), (sent["Authorization"], sent["api-key"]));
        Assert.Single(first.RequestHeaders);
    }

    [Fact]
    public async Task A_webhook_moved_to_another_url_needs_its_secret_and_headers_again()
    {
        await using var first = await LocalHttpReceiver.StartAsync();
        await using var second = await LocalHttpReceiver.StartAsync();
        await using var server = await ArgusTestServer.StartAsync(settings: ChannelServerFixture.FastRetries);
        using var client = server.ApiClient();
        var hook = await Channels.CreateAsync(client, new
        {
            name = "movable-hook", type = "webhook", url = new Uri(first.Url, "hook").ToString(), secret = "whsec-first-0123456789",
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer hdr-first-SECRET" },
        });
        var id = hook.GetProperty("id").GetString()!;

        foreach (var url in new[] { new Uri(second.Url, "hook"), new Uri(first.Url, "another-hook") })
        {
            var (status, problem) = await SendAsync(client, HttpMethod.Put, $"api/channels/{id}", JsonContent.Create(new { name = "movable-hook", type = "webhook", url = url.ToString() }));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(["headers.Authorization", "secret"], ErrorKeys(problem));
        }

        // A refused change changed nothing: the test still goes to the first URL with the first credentials.
        Assert.True((await Channels.TestAsync(client, id)).GetProperty("ok").GetBoolean());
        Assert.Equal("Bearer hdr-first-SECRET", Assert.Single(first.Requests).Headers["Authorization"]);

        // Editing anything else keeps them without sending them.
        var (renamed, _) = await SendAsync(client, HttpMethod.Put, $"api/channels/{id}", JsonContent.Create(new { name = "movable-hook", type = "webhook", enabled = true }));
        Assert.Equal(HttpStatusCode.OK, renamed);

        var (ok, body) = await SendAsync(client, HttpMethod.Put, $"api/channels/{id}", JsonContent.Create(new
        {
            name = "movable-hook", type = "webhook", url = new Uri(second.Url, "hook").ToString(), secret = "whsec-second-0123456789",
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer hdr-second-SECRET" },
        }));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.True(body.GetProperty("hasSecret").GetBoolean());
        Assert.True((await Channels.TestAsync(client, id)).GetProperty("ok").GetBoolean());
        Assert.Equal("Bearer hdr-second-SECRET", Assert.Single(second.Requests).Headers["Authorization"]);
        Assert.Single(first.Requests);
    }

    [Fact]
    public async Task An_email_channel_moved_to_another_server_or_login_needs_its_password_again()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: ChannelServerFixture.FastRetries);
        using var client = server.ApiClient();
        object Mail(string host, int port, string username, string? password) => new
        {
            name = "movable-mail", type = "email", smtp = new { host, port, security = "StartTls", username, password },
            from = "argus@example.com", to = new[] { "oncall@example.com" },
        };

        var mail = await Channels.CreateAsync(client, Mail("smtp.example.com", 587, "argus", "smtp-SECRET-pw"));
        var id = mail.GetProperty("id").GetString()!;
        Assert.True(mail.GetProperty("smtp").GetProperty("hasPassword").GetBoolean());

        foreach (var changed in new[] { Mail("smtp.attacker.example", 587, "argus", null), Mail("smtp.example.com", 2525, "argus", null), Mail("smtp.example.com", 587, "someone-else", null) })
        {
            var (status, problem) = await SendAsync(client, HttpMethod.Put, $"api/channels/{id}", JsonContent.Create(changed));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(["smtp.password"], ErrorKeys(problem));
        }

        // The same server and login keep the password; a new server with the password sent again is accepted.
        var (kept, keptBody) = await SendAsync(client, HttpMethod.Put, $"api/channels/{id}", JsonContent.Create(Mail("smtp.example.com", 587, "argus", null)));
        Assert.Equal(HttpStatusCode.OK, kept);
        Assert.True(keptBody.GetProperty("smtp").GetProperty("hasPassword").GetBoolean());
        var (moved, movedBody) = await SendAsync(client, HttpMethod.Put, $"api/channels/{id}", JsonContent.Create(Mail("smtp.other.example", 465, "argus", "smtp-SECRET-new")));
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal(("smtp.other.example", true), (movedBody.GetProperty("smtp").GetProperty("host").GetString(), movedBody.GetProperty("smtp").GetProperty("hasPassword").GetBoolean()));
    }
}
