using Argus.Cli;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Ai;

/// <summary><c>argus roles list</c> and <c>argus roles call</c> against a real server.</summary>
public sealed class RolesCliTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ArgusCli.RunAsync([.. args, "--url", fixture.Server.ApiUrl.ToString(), "--api-key", ArgusTestServer.AdminKey], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Roles_list_shows_the_built_in_roles()
    {
        var (code, output, error) = await RunAsync("roles", "list");
        Assert.True(code == 0, error);
        Assert.Contains("change-tracker", output, StringComparison.Ordinal);
        Assert.Contains("argus/argus-analyst-1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Roles_call_prints_the_answer_and_who_served_it(bool stream)
    {
        string[] args = ["roles", "call", "oncall-assistant", "--message", "Is checkout healthy?", "--var", "service=checkout"];
        var (code, output, error) = await RunAsync(stream ? [.. args, "--stream"] : args);
        Assert.True(code == 0, error);
        Assert.Contains("Is checkout healthy?", output, StringComparison.Ordinal);
        Assert.Contains("served by argus/argus-analyst-1", output, StringComparison.Ordinal);
        Assert.Contains("built-in analyst", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Roles_call_names_each_skipped_link_and_its_reason(bool stream)
    {
        var code = "cli-chain-" + (stream ? "stream" : "plain");
        using (var client = fixture.Server.ApiClient())
        {
            await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role(code, [("dead", "any-model", null), ("argus", "argus-analyst-1", null)]));
        }

        string[] args = ["roles", "call", code, "--message", "Is checkout healthy?"];
        var (exit, output, error) = await RunAsync(stream ? [.. args, "--stream"] : args);
        Assert.True(exit == 0, error);
        Assert.Contains("served by argus/argus-analyst-1 (link 2)", output, StringComparison.Ordinal);

        // Nothing listens on the dead provider's port: the first link's attempt says so, with the provider's words.
        var skipped = Assert.Single(output.Split('\n'), l => l.StartsWith("-- skipped ", StringComparison.Ordinal));
        Assert.StartsWith("-- skipped link 1 (dead/any-model): connection: ", skipped, StringComparison.Ordinal);
        Assert.Contains("refused", skipped, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Roles_call_reports_a_missing_variable()
    {
        var (code, _, error) = await RunAsync("roles", "call", "alert-analyzer", "--message", "why?");
        Assert.Equal(1, code);
        Assert.Contains("'alert'", error, StringComparison.Ordinal);
    }
}
