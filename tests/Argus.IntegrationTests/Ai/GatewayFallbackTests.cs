using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Ai;

/// <summary>One Argus and one fake vendor for the fallback tests; each test uses its own role.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public FakeLlmUpstream Fake { get; private set; } = null!;

    public ArgusTestServer Server { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    public async Task InitializeAsync()
    {
        Fake = await FakeLlmUpstream.StartAsync();
        Server = await AiTestHelpers.StartAsync(Fake, configure: b => b.Logging.AddProvider(Logs));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

/// <summary>The chain moves to the next link on every documented trigger, for both wire formats, streaming or not.</summary>
public sealed class GatewayFallbackTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static int _roles;

    public static TheoryData<string, string, int?, string> Triggers => new()
    {
        { "oai", "slow", 300, "timeout" },
        { "claude", "slow", 300, "timeout" },
        { "oai", "http-429", null, "http_429" },
        { "claude", "http-429", null, "http_429" },
        { "oai", "http-500", null, "http_500" },
        { "claude", "http-503", null, "http_503" },
        { "oai", "http-408", null, "http_408" },
        { "oai", "http-409", null, "http_409" },
        { "oai", "refuse", null, "refusal" },
        { "oai", "filter", null, "refusal" },
        { "claude", "refuse", null, "refusal" },
        { "oai", "http-401", null, "http_401_auth" },
        { "claude", "http-401", null, "http_401_auth" },
        { "oai", "http-400", null, "http_400_bad_request" },
        { "dead", "any-model", null, "connection" },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public async Task Next_link_serves_when_the_first_fails(string provider, string model, int? timeoutMs, string outcome)
    {
        using var client = fixture.Server.ApiClient();
        var code = $"fb-{Interlocked.Increment(ref _roles)}";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [(provider, model, timeoutMs), ("oai", "ok-backup", null)]));

        var (status, body) = await AiTestHelpers.ChatAsync(client, code, new { messages = new[] { new { role = "user", content = "hi" } } });

        Assert.True(status == 200, body.ToString() + string.Join("\n", fixture.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Take(3)));
        Assert.Equal("Hello from ok-backup", body.GetProperty("answer").GetString());
        Assert.Equal(1, body.GetProperty("link").GetInt32());
        Assert.Equal("oai", body.GetProperty("provider").GetString());
        var attempts = body.GetProperty("attempts");
        Assert.Equal(2, attempts.GetArrayLength());
        Assert.Equal(outcome, attempts[0].GetProperty("outcome").GetString());
        Assert.Equal("ok", attempts[1].GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public async Task Streaming_falls_back_before_the_first_token(string provider, string model, int? timeoutMs, string outcome)
    {
        using var client = fixture.Server.ApiClient();
        var code = $"fbs-{Interlocked.Increment(ref _roles)}";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [(provider, model, timeoutMs), ("claude", "ok-backup", null)]));

        var (status, events, raw) = await AiTestHelpers.ChatStreamAsync(client, code, new { messages = new[] { new { role = "user", content = "hi" } }, stream = true });

        Assert.True(status == 200, raw);
        Assert.Equal("Hello from ok-backup", string.Concat(events.Where(e => e.Event == "delta").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString())));
        var done = JsonDocument.Parse(events.Single(e => e.Event == "done").Data).RootElement;
        Assert.Equal(1, done.GetProperty("link").GetInt32());
        Assert.Equal("claude", done.GetProperty("provider").GetString());
        Assert.Equal(outcome, done.GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("oai")]
    [InlineData("claude")]
    public async Task Schema_breaking_answer_is_repaired_once_then_falls_back(string provider)
    {
        using var client = fixture.Server.ApiClient();
        var repaired = $"sch-{Interlocked.Increment(ref _roles)}";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(repaired, [(provider, "json-bad-once", null), ("argus", "", null)], schema: true));
        var (status, body) = await AiTestHelpers.ChatAsync(client, repaired, new { messages = new[] { new { role = "user", content = "report" } } });
        Assert.True(status == 200, body.ToString());
        Assert.Equal(0, body.GetProperty("link").GetInt32());
        Assert.Equal("STABLE", body.GetProperty("json").GetProperty("state").GetString());

        var broken = $"sch-{Interlocked.Increment(ref _roles)}";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(broken, [(provider, "json-bad", null), ("argus", "", null)], schema: true));
        var before = fixture.Fake.CountFor("json-bad");
        (status, body) = await AiTestHelpers.ChatAsync(client, broken, new { messages = new[] { new { role = "user", content = "report" } } });
        Assert.True(status == 200, body.ToString());
        Assert.Equal(2, fixture.Fake.CountFor("json-bad") - before); // the answer and one repair attempt
        Assert.Equal(1, body.GetProperty("link").GetInt32());
        Assert.True(body.GetProperty("builtIn").GetBoolean());
        Assert.Equal("schema_invalid", body.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("json").GetProperty("applications").ValueKind);
    }

    [Fact]
    public async Task OpenAi_links_send_the_schema_strictly()
    {
        using var client = fixture.Server.ApiClient();
        var code = $"strict-{Interlocked.Increment(ref _roles)}";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [("oai", "json-ok", null)], schema: true));
        var (status, body) = await AiTestHelpers.ChatAsync(client, code, new { messages = new[] { new { role = "user", content = "report" } } });
        Assert.True(status == 200, body.ToString());
        var sent = fixture.Fake.Requests.Last(r => r.Body["model"]?.GetValue<string>() == "json-ok").Body;
        var format = sent["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        Assert.Equal("application_health_report_format", format["json_schema"]!["name"]!.GetValue<string>());
        Assert.True(format["json_schema"]!["strict"]!.GetValue<bool>());
        Assert.Equal(0.2, sent["temperature"]!.GetValue<double>(), 3);
    }

    [Fact]
    public async Task Stream_that_breaks_after_the_first_token_is_not_switched_to_another_link()
    {
        using var client = fixture.Server.ApiClient();
        var code = $"brk-{Interlocked.Increment(ref _roles)}";
        fixture.Fake.Text = null;
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [("oai", "stream-break", null), ("oai", "ok-backup", null)]));
        var before = fixture.Fake.CountFor("ok-backup");

        var (status, events, raw) = await AiTestHelpers.ChatStreamAsync(client, code, new { messages = new[] { new { role = "user", content = "hi" } }, stream = true });

        Assert.True(status == 200, raw);
        Assert.True(events.Any(e => e.Event == "delta") && events.Any(e => e.Event == "error"), raw);
        Assert.Contains(events, e => e.Event == "error");
        Assert.DoesNotContain(events, e => e.Event == "done");
        Assert.Equal(before, fixture.Fake.CountFor("ok-backup"));
        Assert.DoesNotContain("Hello from ok-backup", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_link_failing_answers_502_with_each_attempt()
    {
        using var client = fixture.Server.ApiClient();
        var code = $"all-{Interlocked.Increment(ref _roles)}";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [("oai", "http-500", null), ("claude", "http-429", null)]));
        var (status, body) = await AiTestHelpers.ChatAsync(client, code, new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(502, status);
        Assert.Contains("http_500", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("http_429", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
