using System.Diagnostics;
using System.Net;
using System.Text;
using Argus.Benchmarks.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.Benchmarks.Gateway;

/// <summary>
/// <c>gateway</c>: the role gateway's overhead. A fake OpenAI upstream in this process answers at once; a real Argus
/// server process has a provider pointing at it and a role <c>bench</c> whose chain is that provider. <c>--clients N</c>
/// concurrent clients (default 16) first call the upstream directly, then call <c>role:bench</c> through Argus's
/// <c>/v1/chat/completions</c>, each for <c>--seconds S</c> (default 10) after a warm-up; requests per second and the
/// latency Argus adds at p50 and p99 are reported. Each phase first warms up until its rate is steady (at most
/// <c>--warmup S</c>, default 60).
/// </summary>
internal static class GatewayLoad
{
    private const string UpstreamAnswer = """{"id":"chatcmpl-b","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = IngestLoad.Option(args, "--clients", 16);
        var seconds = IngestLoad.Option(args, "--seconds", 10);
        var warmup = IngestLoad.Option(args, "--warmup", 60);

        await using var upstream = await StartUpstreamAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "argus-bench", Guid.NewGuid().ToString("N"));
        var roles = Path.Combine(dataPath, "roles");
        Directory.CreateDirectory(roles);
        await File.WriteAllTextAsync(Path.Combine(roles, "bench.yaml"), """
            code: bench
            name: Gateway benchmark
            systemMessage: You answer benchmark requests.
            chain:
              - provider: fake
                model: bench-model
            """);
        await File.WriteAllTextAsync(Path.Combine(roles, "bench-unmasked.yaml"), """
            code: bench-unmasked
            name: Gateway benchmark, masking off
            systemMessage: You answer benchmark requests.
            masking: "off"
            chain:
              - provider: fake
                model: bench-model
            """);
        await File.WriteAllTextAsync(Path.Combine(roles, "bench-builtin.yaml"), """
            code: bench-builtin
            name: Gateway benchmark, built-in analyst
            systemMessage: You answer benchmark requests.
            chain:
              - provider: argus
            """);
        await using var server = await ServerProcess.StartAsync(
            dataPath,
            "--Argus:Providers:fake:Type=openai",
            $"--Argus:Providers:fake:BaseUrl={upstream.Url}v1",
            "--Argus:Providers:fake:ApiKey=bench-upstream-key",
            $"--Argus:Ai:RolesPath={roles}");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        Console.WriteLine($"{clients} clients, {seconds} s per phase, on {Environment.ProcessorCount} cores");

        var direct = await RunPhaseAsync("upstream directly", http, new Uri(upstream.Url, "v1/chat/completions"), null, "bench-model", clients, seconds, warmup);
        var gateway = await RunPhaseAsync("through Argus", http, new Uri(server.ApiUrl, "v1/chat/completions"), ServerProcess.Key, "role:bench", clients, seconds, warmup, server.ProcessId);
        if (args.Contains("--breakdown"))
        {
            // Where the time goes: the same role with masking off (external links mask by default), Argus's built-in
            // analyst (no outbound call), and an authenticated no-op API call.
            await RunPhaseAsync("Argus, masking off", http, new Uri(server.ApiUrl, "v1/chat/completions"), ServerProcess.Key, "role:bench-unmasked", clients, seconds, warmup, server.ProcessId);
            await RunPhaseAsync("built-in, no upstream", http, new Uri(server.ApiUrl, "v1/chat/completions"), ServerProcess.Key, "role:bench-builtin", clients, seconds, warmup, server.ProcessId);
            await RunPhaseAsync("GET /api/providers", http, new Uri(server.ApiUrl, "api/providers"), ServerProcess.Key, null, clients, seconds, warmup, server.ProcessId);
            await RunSdkPhaseAsync(upstream.Url, clients, seconds);
            using var calls = new HttpRequestMessage(HttpMethod.Get, new Uri(server.ApiUrl, "api/llm/calls?role=bench&limit=1000"));
            calls.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServerProcess.Key);
            using var callsResponse = await http.SendAsync(calls);
            using var doc = System.Text.Json.JsonDocument.Parse(await callsResponse.Content.ReadAsStringAsync());
            var rows = doc.RootElement.GetProperty("calls").EnumerateArray().ToList();
            var total = rows.Select(r => r.GetProperty("latencyMs").GetDouble()).Order().ToArray();
            var link = rows.Select(r => r.GetProperty("attempts")[0].GetProperty("latencyMs").GetDouble()).Order().ToArray();
            Console.WriteLine($"in the server (last {rows.Count} calls): pipeline p50 {total[total.Length / 2]:F3} ms, provider link p50 {link[link.Length / 2]:F3} ms");
        }

        // Below saturation: the same clients at half the gateway's closed-loop rate (or --paced-rate), upstream directly
        // and through Argus.
        var pacedRate = IngestLoad.Option(args, "--paced-rate", (int)(gateway.Rps / 2));
        var pacedDirect = await RunPacedPhaseAsync("paced, directly", http, new Uri(upstream.Url, "v1/chat/completions"), null, "bench-model", clients, seconds, pacedRate);
        var pacedGateway = await RunPacedPhaseAsync("paced, through Argus", http, new Uri(server.ApiUrl, "v1/chat/completions"), ServerProcess.Key, "role:bench", clients, seconds, pacedRate);

        Console.WriteLine();
        Console.WriteLine($"gateway: {gateway.Rps:N0} req/s ({gateway.Rps / direct.Rps:P0} of direct); added latency p50 {gateway.P50 - direct.P50:F3} ms, p99 {gateway.P99 - direct.P99:F3} ms");
        Console.WriteLine($"at {pacedRate:N0} req/s offered: added latency p50 {pacedGateway.P50 - pacedDirect.P50:F3} ms, p99 {pacedGateway.P99 - pacedDirect.P99:F3} ms");
        return gateway.Errors == 0 ? 0 : 1;
    }

    private static async Task<(double Rps, double P50, double P99, long Errors)> RunPhaseAsync(
        string name, HttpClient http, Uri url, string? key, string? model, int clients, int seconds, int warmupSeconds, int? serverPid = null)
    {
        var target = Target.For(url, key, model);
        Task<bool> Once() => SendOnceAsync(http, target);

        // Warm-up: JIT, connection pools, the role cache. .NET compiles a method first without optimisation, then with
        // instrumentation, then optimised with the profile (tiered PGO); on two busy cores the last tier arrives after
        // tens of seconds, so the warm-up lasts at least 20 s and until the rate of two consecutive windows agrees within 5 % (at most
        // --warmup seconds), and the first window's rate is reported as the cold rate.
        var warm = Stopwatch.StartNew();
        double? cold = null, previous = null;
        while (warm.Elapsed.TotalSeconds < warmupSeconds)
        {
            var windowCount = 0L;
            var window = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                while (window.Elapsed.TotalSeconds < 3)
                {
                    await Once();
                    Interlocked.Increment(ref windowCount);
                }
            }));
            var rate = windowCount / window.Elapsed.TotalSeconds;
            cold ??= rate;
            if (previous is { } last && warm.Elapsed.TotalSeconds >= 20 && Math.Abs(rate - last) <= 0.05 * last)
            {
                break;
            }

            previous = rate;
        }

        var warmUp = $"warm-up {warm.Elapsed.TotalSeconds:F0} s from {cold:N0} req/s";

        var latencies = new List<double>[clients];
        long errors = 0;
        // CPU time per request of the server process and of this one (clients and upstream): on a shared machine the
        // throughput follows whatever CPU the others leave, the CPU a request costs does not.
        using var serverProcess = serverPid is { } pid ? Process.GetProcessById(pid) : null;
        var serverCpu = serverProcess?.TotalProcessorTime ?? TimeSpan.Zero;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(100_000);
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await Once())
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double q) => PercentileOf(all, q);
        var rps = all.Length / elapsed;
        serverProcess?.Refresh();
        var serverUs = serverProcess is null ? 0 : (serverProcess.TotalProcessorTime - serverCpu).TotalMicroseconds / all.Length;
        var ownUs = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalMicroseconds / all.Length;
        Console.WriteLine($"{name,-22} {rps,8:N0} req/s   p50 {Percentile(0.5),7:F3} ms   p99 {Percentile(0.99),7:F3} ms   CPU/req server {serverUs,5:F0} µs, bench {ownUs,4:F0} µs   errors {errors}   load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}   {warmUp}");
        return (rps, Percentile(0.5), Percentile(0.99), errors);
    }

    /// <summary>What a phase calls: a POST of a one-message chat to <paramref name="Url"/> when there is a body, else a GET.</summary>
    private sealed record Target(Uri Url, string? Key, byte[]? Body)
    {
        public static Target For(Uri url, string? key, string? model) =>
            new(url, key, model is null ? null : Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Say ok."}]}"""));
    }

    /// <summary>The value at quantile <paramref name="q"/> of <paramref name="sorted"/> (nearest rank, rounding down).</summary>
    private static double PercentileOf(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * (sorted.Length - 1)))];

    private static async Task<bool> SendOnceAsync(HttpClient http, Target target)
    {
        using var request = new HttpRequestMessage(target.Body is null ? HttpMethod.Get : HttpMethod.Post, target.Url);
        if (target.Body is not null)
        {
            request.Content = new ByteArrayContent(target.Body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        if (target.Key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", target.Key);
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// The same clients at a fixed offered rate below saturation (open loop): each sends on its own schedule whatever the
    /// answers' pace, so the latency is the time a call takes rather than the time it queues behind the others.
    /// </summary>
    private static async Task<(double Rps, double P50, double P99)> RunPacedPhaseAsync(
        string name, HttpClient http, Uri url, string? key, string? model, int clients, int seconds, double rate)
    {
        var interval = TimeSpan.FromSeconds(clients / rate);
        var target = Target.For(url, key, model);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var calls = new List<Task>();
            // Clients start spread over one interval so that their schedules interleave.
            var next = interval * c / clients;
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var wait = next - stop.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                next += interval;
                calls.Add(Task.Run(async () =>
                {
                    var start = Stopwatch.GetTimestamp();
                    if (await SendOnceAsync(http, target))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }));
            }

            await Task.WhenAll(calls);
        }));
        var all = latencies.Order().ToArray();
        double Percentile(double q) => PercentileOf(all, q);
        var achieved = all.Length / stop.Elapsed.TotalSeconds;
        Console.WriteLine($"{name,-22} {achieved,8:N0} req/s   p50 {Percentile(0.5),7:F3} ms   p99 {Percentile(0.99),7:F3} ms   (offered {rate:N0} req/s)");
        return (achieved, Percentile(0.5), Percentile(0.99));
    }

    /// <summary>The provider client alone (OpenAI SDK through Microsoft.Extensions.AI), in this process, against the upstream.</summary>
    private static async Task RunSdkPhaseAsync(Uri upstream, int clients, int seconds)
    {
        using var providers = new Argus.AI.Providers.ProviderRegistry(new Dictionary<string, Argus.AI.Providers.ProviderOptions>
        {
            ["fake"] = new() { Type = "openai", BaseUrl = upstream + "v1", ApiKey = "k" },
        });
        var client = providers.GetClient("fake", "bench-model");
        Microsoft.Extensions.AI.ChatMessage[] messages = [new(Microsoft.Extensions.AI.ChatRole.User, "Say ok.")];
        var count = 0L;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                await client.GetResponseAsync(messages);
                Interlocked.Increment(ref count);
            }
        }));
        Console.WriteLine($"{"provider client only",-20} {count / stop.Elapsed.TotalSeconds,10:N0} req/s");

        // The same calls through the gateway's whole pipeline (role resolution aside), still in this process: with the
        // role's link masking (the default for external links) and with masking off; allocations per call drive GC.
        using var limiter = new Argus.AI.Gateway.RoleRateLimiter(TimeProvider.System);
        foreach (var masking in new[] { Argus.AI.Roles.RoleMasking.Auto, new Argus.AI.Roles.RoleMasking { Mode = Argus.AI.Roles.MaskingMode.Off } })
        {
            var gateway = new Argus.AI.Gateway.RoleGateway(providers, limiter, new NullSink(), TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<Argus.AI.Gateway.RoleGateway>.Instance, new Argus.AI.Masking.SensitiveDataChatMasker());
            var request = new Argus.AI.Gateway.GatewayRequest
            {
                TenantId = "t",
                ClientId = "c",
                RoleCode = "bench",
                RoleVersion = 1,
                Role = new Argus.AI.Roles.RoleDefinition
                {
                    Code = "bench", Name = "bench", SystemMessage = "You answer benchmark requests.",
                    Chain = [new Argus.AI.Roles.ChainLink { Provider = "fake", Model = "bench-model" }],
                    Masking = masking,
                },
                Messages = messages,
                Masking = Argus.AI.Masking.TenantMaskingSettings.Default,
            };
            count = 0;
            var allocated = GC.GetTotalAllocatedBytes();
            var gen0 = GC.CollectionCount(0);
            stop.Restart();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                while (stop.Elapsed.TotalSeconds < seconds)
                {
                    await gateway.CompleteAsync(request, CancellationToken.None);
                    Interlocked.Increment(ref count);
                }
            }));
            var perCall = (GC.GetTotalAllocatedBytes() - allocated) / (double)Math.Max(1, count);
            Console.WriteLine($"{"gateway in-process",-20} {count / stop.Elapsed.TotalSeconds,10:N0} req/s   masking {masking.Mode,-4} {perCall / 1024,6:F1} KB/call (process, with the upstream)   gen0 GCs {GC.CollectionCount(0) - gen0}");
        }
    }

    private sealed class NullSink : Argus.AI.Gateway.ILlmCallSink
    {
        public bool TryWrite(Argus.Core.Llm.LlmCallRecord record) => true;
    }

    private static async Task<Upstream> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var answer = Encoding.UTF8.GetBytes(UpstreamAnswer);
        app.MapPost("/v1/chat/completions", async context =>
        {
            // Read the request, as a real vendor does, then answer at once.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(answer);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return new Upstream(app, new Uri(address + "/"));
    }

    private sealed record Upstream(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
