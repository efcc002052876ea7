using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Ai;
using Argus.IntegrationTests.Infrastructure;
using Argus.IntegrationTests.Notifications;
using Argus.Operations.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Outbound;

/// <summary>
/// The outbound address policy through the real server: channels and tenant-managed providers cannot reach loopback,
/// link-local or metadata addresses in any spelling, neither when saved nor when connecting, and nothing is contacted.
/// </summary>
public sealed class OutboundPolicyTests
{
    private const string Refused = "refused by the outbound address policy: ";

    private static readonly object[] Hi = [new { role = "user", content = "hi" }];

    private static JsonObject ManagedProvider(string name, string baseUrl) => new()
    {
        ["name"] = name,
        ["type"] = "openai-compatible",
        ["baseUrl"] = baseUrl,
        ["apiKey"] = "sk-policy-SECRET-0011223344",
        ["timeoutMs"] = 5000,
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.GetProperty("errors");
    }

    [Fact]
    public async Task Forbidden_addresses_in_any_spelling_are_refused_when_a_channel_or_provider_is_saved()
    {
        await using var receiver = await LocalHttpReceiver.StartAsync();
        await using var target = await FakeLlmUpstream.StartAsync();
        await using var server = await ArgusTestServer.StartAsync(productionOutboundPolicy: true);
        using var client = server.ApiClient();
        var port = receiver.Url.Port;
        var hosts = new (string Host, string Reason)[]
        {
            ("127.0.0.1", "127.0.0.1 is loopback"),
            ("2130706433", "127.0.0.1 is loopback"),
            ("127.1", "127.0.0.1 is loopback"),
            ("[::1]", "::1 is loopback"),
            ("[::ffff:127.0.0.1]", "127.0.0.1 is loopback"),
            ("169.254.169.254", "169.254.169.254 is link-local (the cloud metadata service)"),
            ("metadata.google.internal", "metadata.google.internal is a cloud metadata name"),
        };

        var i = 0;
        foreach (var (host, reason) in hosts)
        {
            i++;
            using var hook = await client.PostAsJsonAsync("api/channels", new { name = $"early-{i}", type = "webhook", url = $"http://{host}:{port}/hook" });
            var url = Assert.Single((await ProblemAsync(hook)).GetProperty("url").EnumerateArray()).GetString()!;
            Assert.Contains(Refused + reason, url, StringComparison.Ordinal);

            using var slack = await client.PostAsJsonAsync("api/channels", new { name = $"early-slack-{i}", type = "slack", url = $"http://{host}:{port}/services/T/B/x" });
            Assert.Contains(Refused + reason, (await ProblemAsync(slack)).GetProperty("url")[0].GetString(), StringComparison.Ordinal);

            using var provider = await client.PostAsync("api/providers", AiTestHelpers.Json(ManagedProvider($"early-{i}", $"http://{host}:{target.Url.Port}/v1")));
            Assert.Contains(Refused + reason, (await ProblemAsync(provider)).GetProperty("baseUrl")[0].GetString(), StringComparison.Ordinal);
        }

        using var mail = await client.PostAsJsonAsync("api/channels", new
        {
            name = "early-mail", type = "email", smtp = new { host = "127.1", port = 25, security = "None" }, from = "argus@example.com", to = new[] { "a@example.com" },
        });
        Assert.Contains(Refused + "127.0.0.1 is loopback", (await ProblemAsync(mail)).GetProperty("smtp.host")[0].GetString(), StringComparison.Ordinal);

        Assert.Empty((await server.GetJsonAsync("api/channels")).GetProperty("channels").EnumerateArray());
        Assert.Empty(receiver.Requests);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_when_connecting_and_nothing_is_contacted()
    {
        await using var receiver = await LocalHttpReceiver.StartAsync();
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var target = await FakeLlmUpstream.StartAsync();
        var settings = new Dictionary<string, string?>(AiTestHelpers.ProviderSettings(fake)) { ["Argus:Notifications:MaxAttempts"] = "3" };
        foreach (var (k, v) in ChannelServerFixture.FastRetries)
        {
            settings[k] = v;
        }

        var logs = new CapturingLoggerProvider();
        await using var server = await ArgusTestServer.StartAsync(settings: settings, configure: b => b.Logging.AddProvider(logs), productionOutboundPolicy: true);
        using var client = server.ApiClient();

        // "localhost" is a name: it passes the early check, and is judged on what it resolves to when connecting.
        var hook = await Channels.CreateAsync(client, new { name = "local-hook", type = "webhook", url = $"http://localhost:{receiver.Url.Port}/hook", secret = "s-0123456789" });
        var slack = await Channels.CreateAsync(client, new { name = "local-slack", type = "slack", url = $"http://localhost:{receiver.Url.Port}/services/T0/B0/tok" });
        var mail = await Channels.CreateAsync(client, new
        {
            name = "local-mail", type = "email", smtp = new { host = "localhost", port = smtp.Port, security = "None" }, from = "argus@example.com", to = new[] { "a@example.com" },
        });
        foreach (var channel in new[] { hook, slack, mail })
        {
            var test = await Channels.TestAsync(client, channel.GetProperty("id").GetString()!);
            Assert.False(test.GetProperty("ok").GetBoolean());
            var error = test.GetProperty("delivery").GetProperty("error").GetString()!;
            Assert.StartsWith(Refused + "localhost resolves to ", error, StringComparison.Ordinal);
            Assert.Contains("(loopback)", error, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, test.GetProperty("delivery").GetProperty("httpStatus").ValueKind);
        }

        // A queued delivery refused by the policy fails at once: a refusal is not worth retrying.
        var dispatcher = server.Services.GetRequiredService<NotificationDispatcher>();
        await dispatcher.DispatchAsync("default", new NotificationMessage(NotificationEvents.AlertFiring, "t", "warning", "x"), ["local-hook"]);
        var log = await ArgusTestServer.EventuallyAsync(
            () => Channels.DeliveriesAsync(server, "local-hook"), d => d.Count(a => a.GetProperty("status").GetString() == "failed") == 2, "the refused delivery");
        Assert.Equal(["failed", "failed"], log.Select(a => a.GetProperty("status").GetString()));
        Assert.All(log, a => Assert.Equal(1, a.GetProperty("attempt").GetInt32()));

        // A tenant's provider at the same name: its link is skipped with the reason, the next link serves.
        using (var created = await client.PostAsync("api/providers", AiTestHelpers.Json(ManagedProvider("local-llm", $"http://localhost:{target.Url.Port}/v1"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("local-user", [("local-llm", "ok-local", null), ("oai", "ok-backup", null)]));
        var (status, answer) = await AiTestHelpers.ChatAsync(client, "local-user", new { messages = Hi });
        Assert.True(status == 200, answer.ToString());
        Assert.Equal("Hello from ok-backup", answer.GetProperty("answer").GetString());
        var refused = answer.GetProperty("attempts")[0];
        Assert.Equal("refused_by_policy", refused.GetProperty("outcome").GetString());
        Assert.StartsWith(Refused + "localhost resolves to ", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Each refusal is logged under one event id, for the operator to watch; the secrets are not in it.
        Assert.True(logs.Lines.Count(l => l.Contains("[5700]", StringComparison.Ordinal) && l.Contains("localhost resolves to", StringComparison.Ordinal)) >= 5);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("sk-policy-SECRET", StringComparison.Ordinal) || l.Contains("s-0123456789", StringComparison.Ordinal));
        Assert.Empty(receiver.Requests);
        Assert.Empty(smtp.Messages());
        Assert.Empty(target.Requests);
        Assert.Equal(1, fake.CountFor("ok-backup"));
    }

    [Fact]
    public async Task Destinations_saved_while_allowed_deliver_and_are_refused_at_connect_time_once_the_allow_list_drops_them()
    {
        await using var receiver = await LocalHttpReceiver.StartAsync();
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var target = await FakeLlmUpstream.StartAsync();
        using var folder = new TestDataFolder();
        var port = receiver.Url.Port;
        var forms = new (string Name, string Host, string Reason)[]
        {
            ("dotted", "127.0.0.1", "127.0.0.1 is loopback"),
            ("decimal", "2130706433", "127.0.0.1 is loopback"),
            ("short", "127.1", "127.0.0.1 is loopback"),
            ("ipv6", "[::1]", "::1 is loopback"),
            ("metadata", "169.254.169.254", "169.254.169.254 is link-local (the cloud metadata service)"),
        };
        var settings = AiTestHelpers.ProviderSettings(fake);
        settings["Argus:Outbound:AllowedNetworks:0"] = "127.0.0.0/8";
        settings["Argus:Outbound:AllowedNetworks:1"] = "::1";
        settings["Argus:Outbound:AllowedNetworks:2"] = "169.254.169.254/32";

        var ids = new Dictionary<string, string>();
        await using (var server = await ArgusTestServer.StartAsync(folder.Path, settings))
        {
            using var client = server.ApiClient();
            foreach (var (name, host, _) in forms)
            {
                ids[name] = (await Channels.CreateAsync(client, new { name = $"hook-{name}", type = "webhook", url = $"http://{host}:{port}/hook" })).GetProperty("id").GetString()!;
                using var created = await client.PostAsync("api/providers", AiTestHelpers.Json(ManagedProvider($"llm-{name}", $"http://{host}:{target.Url.Port}/v1")));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role($"role-{name}", [($"llm-{name}", "ok-target", null), ("oai", "ok-backup", null)]));
            }

            // With the allow-list, the same channels and providers work, in their numeric spellings too.
            foreach (var name in new[] { "dotted", "decimal", "short" })
            {
                Assert.True((await Channels.TestAsync(client, ids[name])).GetProperty("ok").GetBoolean());
                var (status, answer) = await AiTestHelpers.ChatAsync(client, $"role-{name}", new { messages = Hi });
                Assert.True(status == 200, answer.ToString());
                Assert.Equal("Hello from ok-target", answer.GetProperty("answer").GetString());
            }

            Assert.Equal(3, receiver.Requests.Count);
            Assert.Equal(3, target.CountFor("ok-target"));
        }

        // The same stored destinations under the default policy: refused when connecting, nothing contacted.
        await using (var server = await ArgusTestServer.StartAsync(folder.Path, AiTestHelpers.ProviderSettings(fake), productionOutboundPolicy: true))
        {
            using var client = server.ApiClient();
            foreach (var (name, _, reason) in forms)
            {
                var test = await Channels.TestAsync(client, ids[name]);
                Assert.False(test.GetProperty("ok").GetBoolean());
                Assert.Equal($"{Refused}{reason} (allow it with Argus:Outbound:AllowedNetworks)", test.GetProperty("delivery").GetProperty("error").GetString());

                var (status, answer) = await AiTestHelpers.ChatAsync(client, $"role-{name}", new { messages = Hi });
                Assert.True(status == 200, answer.ToString());
                Assert.Equal("refused_by_policy", answer.GetProperty("attempts")[0].GetProperty("outcome").GetString());
                Assert.Equal($"{Refused}{reason} (allow it with Argus:Outbound:AllowedNetworks)", answer.GetProperty("attempts")[0].GetProperty("error").GetString());
            }

            Assert.Equal(3, receiver.Requests.Count);
            Assert.Equal(3, target.CountFor("ok-target"));
        }
    }

    [Fact]
    public async Task Redirects_are_not_followed_by_channels_or_providers()
    {
        await using var allowed = await LocalHttpReceiver.StartAsync();
        await using var elsewhere = await LocalHttpReceiver.StartAsync();
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var other = await FakeLlmUpstream.StartAsync();
        fake.RedirectTo = new Uri(other.Url, "v1/");
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();

        allowed.Redirect(new Uri(elsewhere.Url, "stolen"));
        var hook = await Channels.CreateAsync(client, new { name = "redirected", type = "webhook", url = new Uri(allowed.Url, "hook").ToString(), secret = "whsec-0123456789" });
        var test = await Channels.TestAsync(client, hook.GetProperty("id").GetString()!);
        Assert.False(test.GetProperty("ok").GetBoolean());
        Assert.Equal(307, test.GetProperty("delivery").GetProperty("httpStatus").GetInt32());
        Assert.Equal("HTTP 307: redirects are not followed", test.GetProperty("delivery").GetProperty("error").GetString());
        Assert.Single(allowed.Requests);
        Assert.Empty(elsewhere.Requests);

        // A configured provider (the operator's) and a tenant's: neither re-sends the prompt to the redirect's target.
        using (var created = await client.PostAsync("api/providers", AiTestHelpers.Json(ManagedProvider("team-redirect", fake.OpenAiBaseUrl))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var provider in new[] { "oai", "team-redirect" })
        {
            var code = $"redirect-{provider}";
            await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [(provider, "redirect", null), ("oai", "ok-backup", null)]));
            var (status, answer) = await AiTestHelpers.ChatAsync(client, code, new { messages = Hi });
            Assert.True(status == 200, answer.ToString());
            Assert.Equal("http_307", answer.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        }

        Assert.Equal(2, fake.CountFor("redirect"));
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task A_bad_allow_list_stops_the_start_naming_each_entry()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Argus:Outbound:AllowedNetworks:1"] = "10.0.0.1/8",
            ["Argus:Outbound:AllowedNetworks:2"] = "not-a-network",
            ["Argus:Outbound:AllowedHosts:0"] = "ollama.internal",
            ["Argus:Outbound:AllowedHosts:1"] = "http://bad host/",
        }));
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Argus:Outbound:AllowedNetworks:1 ", all, StringComparison.Ordinal);
        Assert.Contains("'10.0.0.1/8'", all, StringComparison.Ordinal);
        Assert.Contains("Argus:Outbound:AllowedNetworks:2 ", all, StringComparison.Ordinal);
        Assert.Contains("Argus:Outbound:AllowedHosts:1 ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedNetworks:0", all, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedHosts:0", all, StringComparison.Ordinal);
    }
}
