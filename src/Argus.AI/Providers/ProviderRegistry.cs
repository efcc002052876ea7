using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Anthropic;
using Argus.Core.Outbound;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Argus.AI.Providers;

/// <summary>What the API may show of a provider: never its key, and credential headers only as <c>***</c>.</summary>
/// <param name="Name">The provider's name, as chains use it.</param>
/// <param name="Type"><c>openai</c>, <c>openai-compatible</c>, <c>anthropic</c> or <c>builtin</c>.</param>
/// <param name="BaseUrl">The endpoint (null for the built-in analyst).</param>
/// <param name="HasApiKey">Whether a key is set.</param>
/// <param name="TimeoutMs">The default per-link timeout.</param>
/// <param name="SupportsJsonSchema">Whether the provider enforces JSON Schemas.</param>
/// <param name="Prices">Prices per model.</param>
/// <param name="Source"><c>configuration</c> (read-only through the API), <c>api</c> (managed per tenant) or <c>builtin</c>.</param>
/// <param name="Headers">Default headers, credential values shown as <c>***</c>.</param>
public sealed record ProviderInfo(
    string Name, string Type, string? BaseUrl, bool HasApiKey, int TimeoutMs, bool SupportsJsonSchema, IReadOnlyDictionary<string, ModelPrice> Prices,
    string Source = ProviderInfo.ConfigurationSource, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>Defined under <c>Argus:Providers</c>.</summary>
    public const string ConfigurationSource = "configuration";

    /// <summary>Managed through <c>/api/providers</c> by the tenant.</summary>
    public const string ApiSource = "api";

    /// <summary>The built-in analyst.</summary>
    public const string BuiltInSource = "builtin";

    /// <summary>Whether the API may change or delete it (only tenant-managed providers).</summary>
    public bool ReadOnly => Source != ApiSource;
}

/// <summary>
/// The providers as <see cref="IChatClient"/>s, one per provider and model, created on first use and kept. Providers come
/// from configuration (shared by every tenant, read-only) and from each tenant's own managed set
/// (<see cref="SetTenantProviders"/>), which can change at any time: a cached client remembers the settings it was built
/// from and is rebuilt when they change, so a change applies to the next call.
/// The SDKs' own retries are off: the gateway's chain decides what happens after a failure, and a hidden retry would
/// spend a link's timeout on the same failing service. No client follows redirects (a 307 would send the prompt and the
/// key to another address). Tenant-managed providers connect only through the <see cref="OutboundAddressPolicy"/>;
/// configured ones are the operator's own choice and are trusted.
/// </summary>
public sealed class ProviderRegistry : IDisposable
{
    private static readonly IReadOnlyDictionary<string, ProviderOptions> None = new Dictionary<string, ProviderOptions>();
    private readonly IReadOnlyDictionary<string, ProviderOptions> _providers;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, ProviderOptions>> _managed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Scope, string Provider, string Model), (ProviderOptions Options, IChatClient Client)> _clients = new();
    private readonly HttpMessageHandler _handler;
    private readonly HttpMessageHandler _guardedHandler;
    private readonly HttpClient _http;
    private readonly HttpClient _guardedHttp;
    private readonly IChatClient _builtIn;
    private readonly Lock _secretsGate = new();
    private string[] _secrets;

    /// <summary>
    /// Creates the registry. <paramref name="handler"/> lets tests and embedders replace the network stack (for every
    /// provider, the policy's checks included); otherwise tenant-managed providers connect through
    /// <paramref name="policy"/> (default: <see cref="OutboundAddressPolicy.Default"/>).
    /// </summary>
    public ProviderRegistry(
        IReadOnlyDictionary<string, ProviderOptions> providers, IChatClient? builtIn = null, HttpMessageHandler? handler = null, OutboundAddressPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = new Dictionary<string, ProviderOptions>(providers, StringComparer.Ordinal);
        _handler = handler ?? CreateHandler();
        _guardedHandler = handler ?? CreateGuardedHandler(policy ?? OutboundAddressPolicy.Default);
        // Per-link timeouts are the gateway's; the HTTP client itself never times out first.
        _http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _guardedHttp = new HttpClient(_guardedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _builtIn = builtIn ?? new ArgusAnalystChatClient();
        _secrets = SecretsOf(_providers.Values);
    }

    /// <summary>The built-in analyst taught the given roles (see <see cref="IBuiltInRoleAnalyst"/>), for <c>builtIn</c> of the constructor.</summary>
    public static IChatClient CreateBuiltInAnalyst(IEnumerable<IBuiltInRoleAnalyst> analysts) => new ArgusAnalystChatClient(analysts);

    /// <summary>The names usable in a chain: every configured provider and <c>argus</c>.</summary>
    public IEnumerable<string> Names => NamesFor(null);

    /// <summary>The names a tenant's chains may use: configured providers, the tenant's own, and <c>argus</c>.</summary>
    public IEnumerable<string> NamesFor(string? tenantId) =>
        _providers.Keys.Concat(Managed(tenantId).Keys.Where(k => !_providers.ContainsKey(k))).Order(StringComparer.Ordinal).Append(ProviderOptions.BuiltInName);

    /// <summary>Whether <paramref name="name"/> can be used in a chain of <paramref name="tenantId"/>'s roles.</summary>
    public bool IsKnown(string name, string? tenantId = null) => name == ProviderOptions.BuiltInName || Find(name, tenantId) is not null;

    /// <summary>Whether <paramref name="name"/> is defined in configuration (or is the built-in analyst): read-only through the API.</summary>
    public bool IsReadOnly(string name) => name == ProviderOptions.BuiltInName || _providers.ContainsKey(name);

    /// <summary>Whether the provider enforces a JSON Schema itself (otherwise the gateway asks for it in the prompt and validates).</summary>
    public bool SupportsJsonSchema(string name, string? tenantId = null) =>
        name == ProviderOptions.BuiltInName
        || (Find(name, tenantId) is { } p && (p.SupportsJsonSchema ?? p.IsOpenAiWire));

    /// <summary>Whether the provider speaks the OpenAI API.</summary>
    public bool IsOpenAi(string name, string? tenantId = null) => Find(name, tenantId) is { IsOpenAiWire: true };

    /// <summary>The provider's default timeout.</summary>
    public TimeSpan DefaultTimeout(string name, string? tenantId = null) =>
        Find(name, tenantId) is { } p ? TimeSpan.FromMilliseconds(p.TimeoutMs) : TimeSpan.FromSeconds(60);

    /// <summary>The providers a tenant sees, without secrets: configured ones, the tenant's own, then <c>argus</c>.</summary>
    public IReadOnlyList<ProviderInfo> List(string? tenantId = null) =>
    [
        .. _providers.Select(p => Info(p.Key, p.Value, ProviderInfo.ConfigurationSource))
            .Concat(Managed(tenantId).Where(p => !_providers.ContainsKey(p.Key)).Select(p => Info(p.Key, p.Value, ProviderInfo.ApiSource)))
            .OrderBy(p => p.Name, StringComparer.Ordinal),
        new ProviderInfo(ProviderOptions.BuiltInName, "builtin", null, false, 0, true, new Dictionary<string, ModelPrice>(), ProviderInfo.BuiltInSource),
    ];

    /// <summary>One provider as <see cref="List"/> shows it, or null.</summary>
    public ProviderInfo? Get(string name, string? tenantId = null) => List(tenantId).FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// Replaces the providers <paramref name="tenantId"/> manages through the API. Names that configuration defines are
    /// ignored (configuration wins). The options objects must not be changed afterwards: a cached client is reused only
    /// while its provider's options are the same object.
    /// </summary>
    public void SetTenantProviders(string tenantId, IReadOnlyDictionary<string, ProviderOptions> providers)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(providers);
        _managed[tenantId] = new Dictionary<string, ProviderOptions>(providers, StringComparer.Ordinal);
        lock (_secretsGate)
        {
            _secrets = SecretsOf(_providers.Values.Concat(_managed.Values.SelectMany(m => m.Values)));
        }

        // Drop the clients of providers that changed or went away; in-flight calls keep the instance they hold.
        foreach (var key in _clients.Keys.Where(k => k.Scope == tenantId))
        {
            if (!providers.TryGetValue(key.Provider, out var now) || (_clients.TryGetValue(key, out var entry) && !ReferenceEquals(entry.Options, now)))
            {
                _clients.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The estimated cost of a call, or null when no price is configured for the model.</summary>
    public double? EstimateCost(string provider, string model, long inputTokens, long outputTokens, string? tenantId = null)
    {
        if (provider == ProviderOptions.BuiltInName)
        {
            return 0;
        }

        return Find(provider, tenantId) is { } p && p.Prices.TryGetValue(model, out var price)
            ? (inputTokens * price.InputPerMillion + outputTokens * price.OutputPerMillion) / 1_000_000
            : null;
    }

    /// <summary>Removes every known API key and credential header from <paramref name="text"/>: SDK errors may quote request details.</summary>
    public string Redact(string text)
    {
        foreach (var secret in Volatile.Read(ref _secrets))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The client for a provider and model, as <paramref name="tenantId"/>'s chains see the provider.</summary>
    public IChatClient GetClient(string provider, string model, string? tenantId = null)
    {
        if (provider == ProviderOptions.BuiltInName)
        {
            return _builtIn;
        }

        var configured = _providers.TryGetValue(provider, out var options);
        if (!configured && !Managed(tenantId).TryGetValue(provider, out options))
        {
            throw new KeyNotFoundException($"Provider '{provider}' is not configured.");
        }

        // Configured providers are shared by every tenant; managed ones belong to theirs.
        var key = (configured ? "" : tenantId!, provider, model);
        if (_clients.TryGetValue(key, out var entry) && ReferenceEquals(entry.Options, options))
        {
            return entry.Client;
        }

        var client = options!.Type == ProviderOptions.AnthropicType ? CreateAnthropic(options, model, configured) : CreateOpenAi(options, model, configured);
        _clients[key] = (options, client);
        return client;
    }

    private ProviderOptions? Find(string name, string? tenantId) =>
        _providers.TryGetValue(name, out var p) ? p : Managed(tenantId).GetValueOrDefault(name);

    private IReadOnlyDictionary<string, ProviderOptions> Managed(string? tenantId) =>
        tenantId is not null && _managed.TryGetValue(tenantId, out var m) ? m : None;

    private ProviderInfo Info(string name, ProviderOptions p, string source) => new(
        name, p.Type ?? "", p.BaseUrl ?? DefaultBaseUrl(p.Type), !string.IsNullOrEmpty(p.ApiKey), p.TimeoutMs,
        p.SupportsJsonSchema ?? p.IsOpenAiWire, p.Prices, source, ProviderHeaders.Redacted(p.Headers));

    private static string[] SecretsOf(IEnumerable<ProviderOptions> providers) =>
    [
        .. providers.SelectMany(p => p.Headers.Where(h => ProviderHeaders.IsSensitive(h.Key)).Select(h => h.Value).Prepend(p.ApiKey))
            .Where(k => !string.IsNullOrEmpty(k) && k.Length >= 4).Cast<string>().Distinct(StringComparer.Ordinal),
    ];

    private static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 256,
        AllowAutoRedirect = false,
    };

    private static SocketsHttpHandler CreateGuardedHandler(OutboundAddressPolicy policy)
    {
        var handler = policy.CreateHttpHandler();
        handler.MaxConnectionsPerServer = 256;
        return handler;
    }

    // A provider with default headers gets its own HttpClient over the shared handler (and so the shared connection pool).
    // Configured providers use the operator's network stack; tenant-managed ones the policy-checked one.
    private HttpClient HttpFor(ProviderOptions options, bool configured)
    {
        if (options.Headers.Count == 0)
        {
            return configured ? _http : _guardedHttp;
        }

        var http = new HttpClient(configured ? _handler : _guardedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var (name, value) in options.Headers)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        return http;
    }

    private IChatClient CreateOpenAi(ProviderOptions options, string model, bool configured)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.BaseUrl ?? DefaultBaseUrl(ProviderOptions.OpenAiType)!),
            Transport = new HttpClientPipelineTransport(HttpFor(options, configured)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        // Local OpenAI-compatible servers (Ollama, vLLM) need no key, but the SDK insists on one.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "no-key" : options.ApiKey);
        return new OpenAIClient(credential, clientOptions).GetChatClient(model).AsIChatClient();
    }

    private IChatClient CreateAnthropic(ProviderOptions options, string model, bool configured)
    {
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = options.ApiKey,
            BaseUrl = options.BaseUrl ?? DefaultBaseUrl(ProviderOptions.AnthropicType)!,
            HttpClient = HttpFor(options, configured),
            MaxRetries = 0,
            Timeout = Timeout.InfiniteTimeSpan,
        });
        return client.AsIChatClient(model);
    }

    /// <summary>The base URL a provider of <paramref name="type"/> uses when none is given.</summary>
    internal static string? DefaultBaseUrl(string? type) => type switch
    {
        ProviderOptions.OpenAiType => "https://api.openai.com/v1",
        ProviderOptions.AnthropicType => "https://api.anthropic.com",
        _ => null,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        // Replaced clients are not disposed when dropped (a call may still hold one); they own nothing but the shared handler.
        foreach (var (_, client) in _clients.Values)
        {
            client.Dispose();
        }

        _http.Dispose();
        _guardedHttp.Dispose();
        _handler.Dispose();
        if (!ReferenceEquals(_guardedHandler, _handler))
        {
            _guardedHandler.Dispose();
        }
    }
}
