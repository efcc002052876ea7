using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Ai;

/// <summary>The retention service keeps the call log under <c>Argus:Retention:MaxLlmCalls</c>, newest calls first.</summary>
public sealed class CallLogRetentionTests
{
    [Fact]
    public async Task The_retention_pass_deletes_the_oldest_calls_beyond_the_cap()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake, new Dictionary<string, string?>
        {
            ["Argus:Retention:MaxLlmCalls"] = "2",
            ["Argus:Retention:Interval"] = "00:00:01",
        });
        using var client = server.ApiClient();
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("capped", [("argus", "", null)]));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (status, answer) = await AiTestHelpers.ChatAsync(client, "capped", new { messages = new[] { new { role = "user", content = $"call {i}" } } });
            Assert.Equal(200, status);
            ids.Add(answer.GetProperty("callId").GetString()!);
        }

        // Calls reach the store in batches and retention runs every second: eventually exactly the two newest remain.
        var calls = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync("api/llm/calls?role=capped"),
            c => c.GetProperty("calls").GetArrayLength() == 2 && c.GetProperty("calls").EnumerateArray().All(x => ids[3..].Contains(x.GetProperty("id").GetString()!)),
            "the two newest calls only");
        Assert.Equal(ids[3..].Order(StringComparer.Ordinal), calls.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
    }
}
