using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// A real Argus server in its own process, so its memory is measured alone (the benchmarks, on a Release build) and it
/// can be killed outright (the crash tests in Argus.IntegrationTests, which link this file, on the build beside them).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string Key = "bench-admin-key-0123456789abcdef";

    private readonly Process _process;
    private bool _disposed;

    private ServerProcess(Process process, string dataPath, Uri api, Uri otlpGrpc, Uri otlpHttp)
    {
        _process = process;
        DataPath = dataPath;
        ApiUrl = api;
        OtlpGrpcUrl = otlpGrpc;
        OtlpHttpUrl = otlpHttp;
    }

    public string DataPath { get; }

    public Uri ApiUrl { get; }

    public Uri OtlpGrpcUrl { get; }

    public Uri OtlpHttpUrl { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>Builds the server (Release) unless <c>ARGUS_BENCH_NO_BUILD=1</c>, and starts it.</summary>
    public static async Task<ServerProcess> StartAsync(string dataPath, params string[] extraArgs) =>
        await StartAsync(await BuildServerAsync(), dataPath, extraArgs, TimeSpan.FromSeconds(60));

    /// <summary>Starts <paramref name="dll"/> on free loopback ports and waits until it answers <c>/health</c>.</summary>
    public static async Task<ServerProcess> StartAsync(string dll, string dataPath, IEnumerable<string> extraArgs, TimeSpan timeout)
    {
        var api = FreePort();
        var grpc = FreePort();
        var http = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     dll,
                     $"--Argus:DataPath={dataPath}",
                     $"--Argus:BootstrapApiKey={Key}",
                     $"--Kestrel:Endpoints:Api:Url=http://127.0.0.1:{api}",
                     $"--Kestrel:Endpoints:OtlpGrpc:Url=http://127.0.0.1:{grpc}",
                     $"--Kestrel:Endpoints:OtlpHttp:Url=http://127.0.0.1:{http}",
                     "--Logging:LogLevel:Default=Warning",
                 }.Concat(extraArgs).Concat((Environment.GetEnvironmentVariable("ARGUS_BENCH_SERVER_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            start.ArgumentList.Add(a);
        }

        // ARGUS_BENCH_SERVER_ENV: "NAME=value NAME=value" for the server process only (runtime settings such as the GC's).
        foreach (var pair in (Environment.GetEnvironmentVariable("ARGUS_BENCH_SERVER_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            start.Environment[pair[..eq]] = pair[(eq + 1)..];
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[server] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, dataPath, new Uri($"http://127.0.0.1:{api}/"), new Uri($"http://127.0.0.1:{grpc}/"), new Uri($"http://127.0.0.1:{http}/"));
        using var client = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                if ((await client.GetAsync(new Uri(server.ApiUrl, "health"))).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode} during start-up");
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"the server did not become ready in {timeout.TotalSeconds:F0} s");
    }

    /// <summary>Kills the server outright (SIGKILL, as <c>kill -9</c>): no drain, no checkpoint, no save.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Peak resident memory of the server process (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Stops the server as Ctrl+C does (SIGINT), so it drains and closes its stores.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> BuildServerAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Argus.slnx")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("run the benchmark from inside the repository");
        }

        var output = Path.Combine(root.FullName, "artifacts", "bench-server");
        if (Environment.GetEnvironmentVariable("ARGUS_BENCH_NO_BUILD") == "1" && File.Exists(Path.Combine(output, "Argus.Server.dll")))
        {
            return Path.Combine(output, "Argus.Server.dll");
        }

        Console.WriteLine($"Building the server (Release) into {output} ...");
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(root.FullName, "src", "Argus.Server"), "-c", "Release", "-o", output, "-nologo", "-v", "q"])
        {
            UseShellExecute = false,
        })!;
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("building the server failed");
        }

        return Path.Combine(output, "Argus.Server.dll");
    }
}
