using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Server;
using Microsoft.AspNetCore.Builder;

namespace Argus.IntegrationTests.Infrastructure;

/// <summary>
/// Starts the real Argus server, as Program.cs does, on 127.0.0.1 with free ports and a temporary data folder,
/// and offers clients for its API and OTLP listeners.
/// </summary>
public sealed class ArgusTestServer : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly bool _ownsData;
    private WebApplication? _app;

    private ArgusTestServer(string dataPath, bool ownsData)
    {
        DataPath = dataPath;
        _ownsData = ownsData;
    }

    public string DataPath { get; }

    public Uri ApiUrl { get; private set; } = null!;

    public Uri OtlpGrpcUrl { get; private set; } = null!;

    public Uri OtlpHttpUrl { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>What start-up created (a generated admin key, the demo's read key, the one-time console link).</summary>
    public StartupInfo Startup { get; private set; } = null!;

    /// <summary>The lines the server prints once it listens.</summary>
    public string Banner => ArgusBanner.Render(_app!, Startup);

    /// <summary>The outbound allow-list test servers get unless told otherwise: the local fakes (receivers, SMTP, LLMs) listen on 127.0.0.1.</summary>
    public const string LoopbackAllowList = "127.0.0.1/32";

    /// <summary>
    /// Starts a server. Pass <paramref name="dataPath"/> to reuse a folder (restart tests); settings override configuration keys.
    /// The server allows outbound connections to <see cref="LoopbackAllowList"/>, where the tests' fakes listen, unless
    /// <paramref name="settings"/> set <c>Argus:Outbound:*</c> themselves or <paramref name="productionOutboundPolicy"/>
    /// asks for the default policy (nothing non-public allowed).
    /// </summary>
    public static async Task<ArgusTestServer> StartAsync(
        string? dataPath = null,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool productionOutboundPolicy = false)
    {
        var owns = dataPath is null;
        dataPath ??= TestDataFolder.NewPath();
        var server = new ArgusTestServer(dataPath, owns);
        var args = new List<string>
        {
            $"--Argus:DataPath={dataPath}",
            "--Argus:Storage:MemoryLimitMegabytes=512",
            "--Kestrel:Endpoints:Api:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:OtlpGrpc:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:OtlpGrpc:Protocols=Http2",
            "--Kestrel:Endpoints:OtlpHttp:Url=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        };
        if (!productionOutboundPolicy && settings?.Keys.Any(k => k.StartsWith("Argus:Outbound:", StringComparison.OrdinalIgnoreCase)) != true)
        {
            args.Add($"--Argus:Outbound:AllowedNetworks:0={LoopbackAllowList}");
        }

        // A null Argus:BootstrapApiKey in the settings leaves it unset: the server generates its admin key.
        if (settings?.ContainsKey("Argus:BootstrapApiKey") != true)
        {
            args.Add($"--Argus:BootstrapApiKey={AdminKey}");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is not null || key != "Argus:BootstrapApiKey")
            {
                args.Add($"--{key}={value}");
            }
        }

        server._app = ArgusServer.Build([.. args], configure);
        server.Startup = await ArgusServer.InitializeAsync(server._app);
        await server._app.StartAsync();
        server.ApiUrl = server._app.GetListenerUrl("Api")!;
        server.OtlpGrpcUrl = server._app.GetListenerUrl("OtlpGrpc")!;
        server.OtlpHttpUrl = server._app.GetListenerUrl("OtlpHttp")!;
        return server;
    }

    /// <summary>An API client authenticated with <paramref name="key"/> (the admin key by default).</summary>
    public HttpClient ApiClient(string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>An OTLP/HTTP client sending <c>x-argus-api-key</c>.</summary>
    public HttpClient OtlpClient(string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = OtlpHttpUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-argus-api-key", key);
        }

        return client;
    }

    /// <summary>GETs JSON from the API and fails the test with the body when the status is not 2xx.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, string? key = AdminKey)
    {
        using var client = ApiClient(key);
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Posts an OTLP/JSON body and returns the response.</summary>
    public async Task<HttpResponseMessage> PostOtlpJsonAsync(string signal, string json, string? key = AdminKey)
    {
        using var client = OtlpClient(key);
        return await client.PostAsync("v1/" + signal, new StringContent(json, Encoding.UTF8, "application/json"));
    }

    /// <summary>Polls until <paramref name="condition"/> holds: ingest is asynchronous (queue, then store).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last value: {last}");
    }

    /// <summary>Stops gracefully, as Ctrl+C does: the ingest queue drains and the stores close.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsData)
        {
            TryDelete(DataPath);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still open by a finalising handle: the temp folder is cleaned by the OS later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
