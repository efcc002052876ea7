using Argus.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Argus.IntegrationTests.Ai;

/// <summary>Misconfigured providers stop the start with every problem listed, and never echo a key.</summary>
public sealed class AiOptionsTests
{
    [Fact]
    public async Task Invalid_providers_fail_the_start_listing_every_problem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:Providers:one:Type"] = "gpt",
            ["Argus:Providers:one:BaseUrl"] = "not a url",
            ["Argus:Providers:one:ApiKey"] = "sk-should-never-be-shown-123456",
            ["Argus:Providers:two:Type"] = "anthropic",
            ["Argus:Providers:two:TimeoutMs"] = "0",
            ["Argus:Providers:argus:Type"] = "openai",
            ["Argus:Ai:CallLogQueueCapacity"] = "0",
            ["Argus:Ai:MaxRequestBodyBytes"] = "10",
        }));
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Argus:Providers:one:Type must be 'openai', 'openai-compatible' or 'anthropic'", all, StringComparison.Ordinal);
        Assert.Contains("Argus:Providers:one:BaseUrl", all, StringComparison.Ordinal);
        Assert.Contains("Argus:Providers:two:ApiKey is required", all, StringComparison.Ordinal);
        Assert.Contains("Argus:Providers:two:TimeoutMs", all, StringComparison.Ordinal);
        Assert.Contains("'argus' is the built-in analyst", all, StringComparison.Ordinal);
        Assert.Contains("CallLogQueueCapacity", all, StringComparison.Ordinal);
        Assert.Contains("Argus:Ai:MaxRequestBodyBytes", all, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-should-never-be-shown", all, StringComparison.Ordinal);
    }
}
