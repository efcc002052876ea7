using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Argus.AI.Providers;

/// <summary>What the API may show of a provider: never its key.</summary>
/// <param name="Name">The configured name.</param>
/// <param name="Type"><c>openai</c>, <c>anthropic</c> or <c>builtin</c>.</param>
/// <param name="BaseUrl">The endpoint (null for the built-in analyst).</param>
/// <param name="HasApiKey">Whether a key is configured.</param>
/// <param name="TimeoutMs">The default per-link timeout.</param>
/// <param name="SupportsJsonSchema">Whether the provider enforces JSON Schemas.</param>
/// <param name="Prices">Prices per model.</param>
public sealed record ProviderInfo(string Name, string Type, string? BaseUrl, bool HasApiKey, int TimeoutMs, bool SupportsJsonSchema, IReadOnlyDictionary<string, ModelPrice> Prices);

/// <summary>
/// The configured providers as <see cref="IChatClient"/>s, one per provider and model, created on first use and kept.
/// The SDKs' own retries are off: the gateway's chain decides what happens after a failure, and a hidden retry would
/// spend a link's timeout on the same failing service.
/// </summary>
public sealed class ProviderRegistry : IDisposable
{
    private readonly IReadOnlyDictionary<string, ProviderOptions> _providers;
    private readonly ConcurrentDictionary<(string Provider, string Model), IChatClient> _clients = new();
    private readonly HttpClient _http;
    private readonly IChatClient _builtIn;
    private readonly string[] _secrets;

    /// <summary>Creates the registry; <paramref name="handler"/> lets tests and embedders replace the network stack.</summary>
    public ProviderRegistry(IReadOnlyDictionary<string, ProviderOptions> providers, IChatClient? builtIn = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = new Dictionary<string, ProviderOptions>(providers, StringComparer.Ordinal);
        // Per-link timeouts are the gateway's; the HTTP client itself never times out first.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _builtIn = builtIn ?? new ArgusAnalystChatClient();
        _secrets = [.. _providers.Values.Select(p => p.ApiKey).Where(k => !string.IsNullOrEmpty(k) && k.Length >= 4).Cast<string>()];
    }

    /// <summary>The names usable in a chain: every configured provider and <c>argus</c>.</summary>
    public IEnumerable<string> Names => _providers.Keys.Append(ProviderOptions.BuiltInName);

    /// <summary>Whether <paramref name="name"/> can be used in a chain.</summary>
    public bool IsKnown(string name) => name == ProviderOptions.BuiltInName || _providers.ContainsKey(name);

    /// <summary>Whether the provider enforces a JSON Schema itself (otherwise the gateway asks for it in the prompt and validates).</summary>
    public bool SupportsJsonSchema(string name) =>
        name == ProviderOptions.BuiltInName
        || (_providers.TryGetValue(name, out var p) && (p.SupportsJsonSchema ?? p.Type == ProviderOptions.OpenAiType));

    /// <summary>Whether the provider speaks the OpenAI API.</summary>
    public bool IsOpenAi(string name) => _providers.TryGetValue(name, out var p) && p.Type == ProviderOptions.OpenAiType;

    /// <summary>The provider's default timeout.</summary>
    public TimeSpan DefaultTimeout(string name) =>
        _providers.TryGetValue(name, out var p) ? TimeSpan.FromMilliseconds(p.TimeoutMs) : TimeSpan.FromSeconds(60);

    /// <summary>The providers, without secrets.</summary>
    public IReadOnlyList<ProviderInfo> List() =>
    [
        .. _providers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ProviderInfo(
            p.Key, p.Value.Type ?? "", p.Value.BaseUrl ?? DefaultBaseUrl(p.Value.Type), !string.IsNullOrEmpty(p.Value.ApiKey), p.Value.TimeoutMs,
            SupportsJsonSchema(p.Key), p.Value.Prices)),
        new ProviderInfo(ProviderOptions.BuiltInName, "builtin", null, false, 0, true, new Dictionary<string, ModelPrice>()),
    ];

    /// <summary>The estimated cost of a call, or null when no price is configured for the model.</summary>
    public double? EstimateCost(string provider, string model, long inputTokens, long outputTokens)
    {
        if (provider == ProviderOptions.BuiltInName)
        {
            return 0;
        }

        return _providers.TryGetValue(provider, out var p) && p.Prices.TryGetValue(model, out var price)
            ? (inputTokens * price.InputPerMillion + outputTokens * price.OutputPerMillion) / 1_000_000
            : null;
    }

    /// <summary>Removes every configured API key from <paramref name="text"/>: SDK errors may quote request details.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The client for a provider and model.</summary>
    public IChatClient GetClient(string provider, string model)
    {
        if (provider == ProviderOptions.BuiltInName)
        {
            return _builtIn;
        }

        return _clients.GetOrAdd((provider, model), key =>
        {
            var options = _providers[key.Provider];
            return options.Type == ProviderOptions.AnthropicType ? CreateAnthropic(options, key.Model) : CreateOpenAi(options, key.Model);
        });
    }

    private IChatClient CreateOpenAi(ProviderOptions options, string model)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.BaseUrl ?? DefaultBaseUrl(ProviderOptions.OpenAiType)!),
            Transport = new HttpClientPipelineTransport(_http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        // Local OpenAI-compatible servers (Ollama, vLLM) need no key, but the SDK insists on one.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "no-key" : options.ApiKey);
        return new OpenAIClient(credential, clientOptions).GetChatClient(model).AsIChatClient();
    }

    private IChatClient CreateAnthropic(ProviderOptions options, string model)
    {
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = options.ApiKey,
            BaseUrl = options.BaseUrl ?? DefaultBaseUrl(ProviderOptions.AnthropicType)!,
            HttpClient = _http,
            MaxRetries = 0,
            Timeout = Timeout.InfiniteTimeSpan,
        });
        return client.AsIChatClient(model);
    }

    private static string? DefaultBaseUrl(string? type) => type switch
    {
        ProviderOptions.OpenAiType => "https://api.openai.com/v1",
        ProviderOptions.AnthropicType => "https://api.anthropic.com",
        _ => null,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _http.Dispose();
    }
}
