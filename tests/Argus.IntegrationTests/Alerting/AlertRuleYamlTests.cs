using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Alerting;

/// <summary>Rules in <c>alert-rules/*.yaml</c> are loaded at start-up (GitOps); a broken file is skipped, not fatal.</summary>
public sealed class AlertRuleYamlTests
{
    [Fact]
    public async Task Yaml_rules_are_loaded_at_start_and_invalid_files_are_skipped()
    {
        var folder = Path.Combine(Path.GetTempPath(), "argus-tests", "rules-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "slow-sql.yaml"), """
            name: SlowSQL
            kind: slow_sql
            service: test-api
            phase: PRODUCTION
            thresholdMs: 8000
            minOccurrences: 1
            window: "00:10:00"
            evaluateEvery: "00:01:00"
            channels: [ops]
            language: ko
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "broken.yaml"), """
            name: Broken
            kind: latency
            percentile: 42
            """);
        try
        {
            await using var server = await ArgusTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Argus:Alerting:RulesPath"] = folder });
            var rules = (await server.GetJsonAsync("api/alert-rules")).GetProperty("rules").EnumerateArray().ToArray();
            var rule = Assert.Single(rules).GetProperty("rule");
            Assert.Equal("SlowSQL", rule.GetProperty("name").GetString());
            Assert.Equal("slow_sql", rule.GetProperty("kind").GetString());
            Assert.Equal(8000, rule.GetProperty("thresholdMs").GetDouble());
            Assert.Equal("00:01:00", rule.GetProperty("evaluateEvery").GetString());
            Assert.Equal("ko", rule.GetProperty("language").GetString());
            Assert.Equal("ops", rule.GetProperty("channels")[0].GetString());
        }
        finally
        {
            ArgusTestServer.TryDelete(folder);
        }
    }

    [Fact]
    public async Task The_demo_starts_with_rules_its_faults_trip()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Argus:Demo"] = "true" });
        var rules = (await server.GetJsonAsync("api/alert-rules")).GetProperty("rules").EnumerateArray()
            .Select(r => r.GetProperty("rule").GetProperty("kind").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["exception", "excessive_sql", "external_delay", "slow_sql"], rules);
    }
}
