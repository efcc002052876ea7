using System.Diagnostics;
using Argus.Cli;

namespace Argus.IntegrationTests.Hardening;

/// <summary>The CLI never prints the key it was given through ARGUS_API_KEY, in help or errors.</summary>
public sealed class CliSecretTests
{
    private const string Secret = "argus_secret_value_that_must_not_print_0123";

    [Theory]
    [InlineData("--help")]
    [InlineData("services", "--help")]
    [InlineData("issues", "top", "--help")]
    [InlineData("roles", "--help")]
    [InlineData("deploy", "--help")]
    [InlineData("incidents", "--help")]
    [InlineData("demo", "--help")]
    [InlineData("traces", "--help")]
    [InlineData("logs", "--help")]
    [InlineData("rules", "mute", "--help")]
    public async Task Help_never_shows_the_key_from_the_environment(params string[] args)
    {
        var (code, output) = await RunCliProcessAsync(args);
        Assert.Equal(0, code);
        Assert.Contains("--api-key", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[..10], output, StringComparison.Ordinal);
    }

    /// <summary>Runs the built CLI as its own process, so the environment variable is its alone.</summary>
    private static async Task<(int Code, string Output)> RunCliProcessAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(ArgusCli).Assembly.Location);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ARGUS_API_KEY"] = Secret;
        start.Environment["ARGUS_URL"] = "http://127.0.0.1:9";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
