using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Ai;

/// <summary>The call log, usage, rate limits and secrecy of provider keys, through the HTTP API.</summary>
public sealed class CallLogAndLimitsTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Every_call_is_logged_with_its_attempts_and_usage_is_aggregated()
    {
        using var client = fixture.Server.ApiClient();
        fixture.Fake.Text = null;
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("logged", [("oai", "http-429", null), ("oai", "ok", null)]));
        var (status, answer) = await AiTestHelpers.ChatAsync(client, "logged", new { messages = new[] { new { role = "user", content = "count me" } } });
        Assert.Equal(200, status);
        var (streamStatus, _, _) = await AiTestHelpers.ChatStreamAsync(client, "logged", new { messages = new[] { new { role = "user", content = "stream me" } }, stream = true });
        Assert.Equal(200, streamStatus);

        var calls = await ArgusTestServer.EventuallyAsync(
            () => fixture.Server.GetJsonAsync("api/llm/calls?role=logged"), c => c.GetProperty("calls").GetArrayLength() == 2, "two logged calls");
        var call = calls.GetProperty("calls").EnumerateArray().Single(c => c.GetProperty("id").GetString() == answer.GetProperty("callId").GetString());
        Assert.Equal("ok", call.GetProperty("status").GetString());
        Assert.Equal("logged", call.GetProperty("roleCode").GetString());
        Assert.Equal(1, call.GetProperty("roleVersion").GetInt32());
        Assert.Equal("oai", call.GetProperty("provider").GetString());
        Assert.Equal("ok", call.GetProperty("model").GetString());
        Assert.Equal(1, call.GetProperty("servedLink").GetInt32());
        Assert.Equal("http_429", call.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        Assert.Equal(11, call.GetProperty("inputTokens").GetInt64());
        Assert.Equal(7, call.GetProperty("outputTokens").GetInt64());
        // 11 input tokens at 1000 per million and 7 output at 2000 per million.
        Assert.Equal((11 * 1000.0 + 7 * 2000.0) / 1e6, call.GetProperty("cost").GetDouble(), 9);
        Assert.Contains("count me", call.GetProperty("requestJson").GetString(), StringComparison.Ordinal);
        Assert.Contains("You are a test role.", call.GetProperty("requestJson").GetString(), StringComparison.Ordinal);
        Assert.Equal("Hello from ok", call.GetProperty("answer").GetString());
        Assert.Contains("bootstrap", call.GetProperty("user").GetString(), StringComparison.Ordinal);
        var streamed = calls.GetProperty("calls").EnumerateArray().Single(c => c.GetProperty("stream").GetBoolean());
        Assert.True(streamed.GetProperty("firstTokenMs").GetDouble() <= streamed.GetProperty("latencyMs").GetDouble());

        var byModel = await fixture.Server.GetJsonAsync("api/llm/calls?role=logged&model=nope");
        Assert.Equal(0, byModel.GetProperty("calls").GetArrayLength());

        var usage = await fixture.Server.GetJsonAsync("api/llm/usage?groupBy=role&step=1h");
        var point = usage.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("group").GetString() == "logged");
        Assert.Equal(2, point.GetProperty("calls").GetInt64());
        Assert.Equal(0, point.GetProperty("errorRate").GetDouble());
        Assert.Equal(22, point.GetProperty("inputTokens").GetInt64());
        Assert.True(point.GetProperty("p95LatencyMs").GetDouble() >= point.GetProperty("p50LatencyMs").GetDouble());

        using var bad = await client.GetAsync("api/llm/usage?groupBy=planet");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Rate_limit_answers_429_with_retry_after_per_client()
    {
        using var admin = fixture.Server.ApiClient();
        var role = AiTestHelpers.Role("limited", [("argus", "", null)]);
        role["rateLimit"] = new JsonObject { ["interval"] = "01:00:00", ["burst"] = 1 };
        await AiTestHelpers.CreateRoleAsync(admin, role);

        var body = new { messages = new[] { new { role = "user", content = "hi" } } };
        Assert.Equal(200, (await AiTestHelpers.ChatAsync(admin, "limited", body)).Status);
        using var second = await admin.PostAsJsonAsync("api/roles/limited/chat", body);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        var retryAfter = second.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter!.Value.TotalSeconds, 3500, 3600);

        // The OpenAI-compatible API says the same in OpenAI's error format.
        using var openAi = await admin.PostAsJsonAsync("v1/chat/completions", new { model = "role:limited", messages = body.messages });
        Assert.Equal(HttpStatusCode.TooManyRequests, openAi.StatusCode);
        Assert.Equal("rate_limit_error", JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());

        // Another client (API key) has its own allowance.
        using var created = await admin.PostAsJsonAsync("api/keys", new { name = "other-client", role = "read" });
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString();
        using var other = fixture.Server.ApiClient(key);
        Assert.Equal(200, (await AiTestHelpers.ChatAsync(other, "limited", body)).Status);

        var limited = await ArgusTestServer.EventuallyAsync(
            () => fixture.Server.GetJsonAsync("api/llm/calls?role=limited&status=rate_limited"), c => c.GetProperty("calls").GetArrayLength() >= 1, "a rate-limited call in the log");
        Assert.Equal("rate_limited", limited.GetProperty("calls")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Provider_keys_never_appear_in_logs_or_responses()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await AiTestHelpers.StartAsync(
            fixture.Fake,
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            b => b.Logging.AddProvider(logs));
        using var client = server.ApiClient();
        var responses = new List<string>();
        async Task Collect(HttpResponseMessage r)
        {
            responses.Add(await r.Content.ReadAsStringAsync());
            r.Dispose();
        }

        await Collect(await client.PostAsync("api/roles", AiTestHelpers.Json(AiTestHelpers.Role("secret", [("oai", "http-401", null), ("claude", "http-403", null), ("dead", "x", null), ("claude", "ok", null)]))));
        await Collect(await client.PostAsJsonAsync("api/roles/secret/chat", new { messages = new[] { new { role = "user", content = "hi" } } }));
        await Collect(await client.PostAsJsonAsync("api/roles/secret/chat", new { messages = new[] { new { role = "user", content = "hi" } }, stream = true }));
        await Collect(await client.PostAsJsonAsync("v1/chat/completions", new { model = "role:secret", messages = new[] { new { role = "user", content = "hi" } } }));
        await Collect(await client.PostAsync("api/roles", AiTestHelpers.Json(AiTestHelpers.Role("secret-fail", [("oai", "http-401", null)]))));
        await Collect(await client.PostAsJsonAsync("api/roles/secret-fail/chat", new { messages = new[] { new { role = "user", content = "hi" } } }));
        await Collect(await client.GetAsync("api/providers"));
        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/llm/calls"), c => c.GetProperty("calls").GetArrayLength() >= 4, "the calls in the log");
        await Collect(await client.GetAsync("api/llm/calls"));

        Assert.Contains(responses, r => r.Contains("http_401_auth", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("[4002]", StringComparison.Ordinal)); // the configuration error was logged
        Assert.Contains(logs.Lines, l => l.Contains("[4005]", StringComparison.Ordinal)); // prompts are logged at Trace
        foreach (var secret in new[] { AiTestHelpers.OpenAiKey, AiTestHelpers.AnthropicKey })
        {
            Assert.DoesNotContain(responses, r => r.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        // The fake vendor did receive the keys: the test would notice a key that never left.
        Assert.Contains(fixture.Fake.Requests, r => r.Auth.Contains(AiTestHelpers.OpenAiKey, StringComparison.Ordinal));
        Assert.Contains(fixture.Fake.Requests, r => r.Auth.Contains(AiTestHelpers.AnthropicKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_call_is_a_gen_ai_span()
    {
        var spans = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "Argus.AI",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var client = fixture.Server.ApiClient();
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("traced", [("oai", "http-500", null), ("claude", "ok", null)]));
        Assert.Equal(200, (await AiTestHelpers.ChatAsync(client, "traced", new { messages = new[] { new { role = "user", content = "hi" } } })).Status);

        System.Diagnostics.Activity[] mine;
        lock (spans)
        {
            mine = [.. spans.Where(s => s.GetTagItem("argus.role.code") as string == "traced" || s.Parent?.GetTagItem("argus.role.code") as string == "traced")];
        }

        var call = mine.Single(s => s.DisplayName == "chat role:traced");
        Assert.Equal("chat", call.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("claude", call.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(13L, call.GetTagItem("gen_ai.usage.input_tokens"));
        var links = mine.Where(s => s.Parent == call).ToList();
        Assert.Equal(["chat http-500", "chat ok"], links.Select(l => l.DisplayName).ToArray());
        Assert.Equal("http_500", links[0].GetTagItem("error.type"));
        Assert.Equal("http-500", links[0].GetTagItem("gen_ai.request.model"));
    }
}
