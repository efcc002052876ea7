using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>Argus that cannot start says why in one line per problem, with an exit code, and no stack trace.</summary>
public sealed class StartupProblemTests
{
    [Fact]
    public async Task A_port_in_use_gives_one_line_naming_the_endpoint_and_the_setting_and_exit_code_1()
    {
        using var folder = new TestDataFolder();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (code, stdout, stderr) = await RunServerAsync(folder.Path, $"--Kestrel:Endpoints:Api:Url=http://127.0.0.1:{port}");

        Assert.True(code == 1, $"exit code {code}; stderr: {stderr}; stdout: {stdout}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains($"port {port}", line, StringComparison.Ordinal);
        Assert.Contains("Api endpoint", line, StringComparison.Ordinal);
        Assert.Contains("--Kestrel:Endpoints:Api:Url", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Argus is running", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problems_in_several_configuration_sections_are_listed_together_with_exit_code_2()
    {
        using var folder = new TestDataFolder();
        var (code, stdout, stderr) = await RunServerAsync(
            folder.Path, "--Argus:Retention:Interval=00:00:00", "--Argus:Ai:MaxRequestBodyBytes=5", "--Argus:Outbound:AllowedNetworks:0=not-a-network",
            "--Argus:PublicUrl=ftp://argus.example.com", "--Argus:Console:SessionRecheckInterval=00:00:00");

        Assert.True(code == 2, $"exit code {code}; stderr: {stderr}; stdout: {stdout}");
        Assert.Contains("Argus:Retention:Interval", stderr, StringComparison.Ordinal);
        Assert.Contains("Argus:Ai:MaxRequestBodyBytes", stderr, StringComparison.Ordinal);
        Assert.Contains("not-a-network", stderr, StringComparison.Ordinal);
        Assert.Contains("Argus:PublicUrl 'ftp://argus.example.com'", stderr, StringComparison.Ordinal);
        Assert.Contains("Argus:Console:SessionRecheckInterval", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs the built server as its own process until it exits (it must, here) and returns what it printed.</summary>
    private static async Task<(int Code, string Stdout, string Stderr)> RunServerAsync(string dataPath, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Argus.Server.dll"));
        foreach (var a in (string[])[$"--Argus:DataPath={dataPath}", $"--Argus:BootstrapApiKey={ArgusTestServer.AdminKey}",
                     "--Kestrel:Endpoints:OtlpGrpc:Url=http://127.0.0.1:0", "--Kestrel:Endpoints:OtlpHttp:Url=http://127.0.0.1:0", .. args])
        {
            start.ArgumentList.Add(a);
        }

        if (!args.Any(a => a.StartsWith("--Kestrel:Endpoints:Api:Url", StringComparison.Ordinal)))
        {
            start.ArgumentList.Add("--Kestrel:Endpoints:Api:Url=http://127.0.0.1:0");
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"the server did not exit: {await stdout} {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
