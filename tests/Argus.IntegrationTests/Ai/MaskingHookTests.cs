using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.AI.Gateway;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests.Ai;

/// <summary>The gateway's masking hook: a role with masking on sends masked text and answers unmasked, streaming too; "off" sends it as it is.</summary>
public sealed class MaskingHookTests
{
    private const string Email = "alice@example.com";
    private const string Token = "[EMAIL_1]";

    [Fact]
    public async Task Masked_role_sends_tokens_to_the_provider_and_returns_the_originals()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake, configure: b => b.Services.AddSingleton<IChatMasker, EmailMasker>());
        using var client = server.ApiClient();
        var role = AiTestHelpers.Role("masked", [("oai", "ok", null)]);
        role["masking"] = true;
        await AiTestHelpers.CreateRoleAsync(client, role);
        var plain = AiTestHelpers.Role("unmasked", [("oai", "ok", null)]);
        plain["masking"] = "off";
        await AiTestHelpers.CreateRoleAsync(client, plain);
        fake.Text = $"Write to {Token} today.";

        var (status, body) = await AiTestHelpers.ChatAsync(client, "masked", new { messages = new[] { new { role = "user", content = $"Mail {Email} please" } } });
        Assert.True(status == 200, body.ToString());
        Assert.Equal($"Write to {Email} today.", body.GetProperty("answer").GetString());
        var sent = fake.Requests.Last().Body.ToJsonString();
        Assert.Contains(Token, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);

        var (_, events, raw) = await AiTestHelpers.ChatStreamAsync(client, "masked", new { messages = new[] { new { role = "user", content = $"Mail {Email}" } }, stream = true });
        var streamed = string.Concat(events.Where(e => e.Event == "delta").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString()));
        Assert.True(streamed == $"Write to {Email} today.", raw);

        // The call log keeps what was sent: masked.
        var calls = await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/llm/calls?role=masked"), c => c.GetProperty("calls").GetArrayLength() == 2, "the masked calls");
        Assert.All(calls.GetProperty("calls").EnumerateArray(), c => Assert.DoesNotContain(Email, c.GetRawText(), StringComparison.Ordinal));

        // A role with masking off is not masked.
        await AiTestHelpers.ChatAsync(client, "unmasked", new { messages = new[] { new { role = "user", content = $"Mail {Email}" } } });
        Assert.Contains(Email, fake.Requests.Last().Body.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>A stand-in for the masking engine: one e-mail address, one token.</summary>
    private sealed class EmailMasker : IChatMasker
    {
        public IChatMaskingScope BeginCall(string tenantId, string roleCode) => new Scope();

        private sealed class Scope : IChatMaskingScope
        {
            private readonly StringBuilder _held = new();

            public IList<ChatMessage> MaskRequest(IEnumerable<ChatMessage> messages) =>
                [.. messages.Select(m => new ChatMessage(m.Role, m.Text.Replace(Email, Token, StringComparison.Ordinal)))];

            public string UnmaskAnswer(string text) => text.Replace(Token, Email, StringComparison.Ordinal);

            public string UnmaskStreamDelta(string delta)
            {
                _held.Append(delta);
                var text = _held.ToString();
                // Hold back a '[' that may start a token not yet complete.
                var open = text.LastIndexOf('[');
                var cut = open >= 0 && text.IndexOf(']', open) < 0 ? open : text.Length;
                _held.Clear().Append(text[cut..]);
                return UnmaskAnswer(text[..cut]);
            }

            public string FlushStream()
            {
                var rest = UnmaskAnswer(_held.ToString());
                _held.Clear();
                return rest;
            }
        }
    }
}

/// <summary>The real masking engine in the gateway: nothing sensitive reaches the provider, the answer comes back whole.</summary>
public sealed class MaskingEngineTests
{
    [Fact]
    public async Task Sensitive_values_never_reach_the_provider_and_the_answer_is_restored()
    {
        const string jdbc = "jdbc:mysql://real-database-url.com:3306/real_db";
        const string host = "payments-db-01.corp.internal";
        const string ip = "10.20.30.40";
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake);
        using var client = server.ApiClient();
        var role = AiTestHelpers.Role("masked-engine", [("oai", "ok", null)]);
        role["masking"] = true;
        await AiTestHelpers.CreateRoleAsync(client, role);

        // First call: learn the tokens the provider saw, then script an answer that echoes them.
        var question = $"Slow query on {jdbc}; host {host} at {ip} timed out";
        fake.Text = "noted";
        var (status, _) = await AiTestHelpers.ChatAsync(client, "masked-engine", new { messages = new[] { new { role = "user", content = question } } });
        Assert.Equal(200, status);
        var sent = fake.Requests.Last().Body.ToJsonString();
        foreach (var secret in new[] { "real-database-url.com", "real_db", host, ip })
        {
            Assert.DoesNotContain(secret, sent, StringComparison.Ordinal);
        }

        Assert.Contains("jdbc:mysql://", sent, StringComparison.Ordinal);
        Assert.Contains(":3306/", sent, StringComparison.Ordinal);

        // A fresh call masks with fresh tokens, so the answer to echo is taken from that call's own request.
        var preview = await client.PostAsync("api/mask/preview", new StringContent(JsonSerializer.Serialize(new { text = question }), Encoding.UTF8, "application/json"));
        var previewBody = JsonDocument.Parse(await preview.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(System.Net.HttpStatusCode.OK, preview.StatusCode);
        Assert.DoesNotContain(host, previewBody.GetProperty("maskedText").GetString(), StringComparison.Ordinal);
        Assert.True(previewBody.GetProperty("masked").GetInt32() >= 3, previewBody.ToString());

        fake.Respond = request =>
        {
            // Echo the user's masked message back: the gateway must restore every original in it.
            var user = request["messages"]!.AsArray().Last()!["content"]!.ToString();
            return $"Root cause: {user}";
        };
        var (status2, answer) = await AiTestHelpers.ChatAsync(client, "masked-engine", new { messages = new[] { new { role = "user", content = question } } });
        Assert.Equal(200, status2);
        Assert.Equal($"Root cause: {question}", answer.GetProperty("answer").GetString());
    }
}
