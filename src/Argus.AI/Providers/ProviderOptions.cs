namespace Argus.AI.Providers;

/// <summary>One LLM provider, configured under <c>Argus:Providers:&lt;name&gt;</c>.</summary>
public sealed class ProviderOptions
{
    /// <summary>The provider type for OpenAI and every OpenAI-compatible service (Azure OpenAI, Ollama, vLLM, LM Studio, Gemini).</summary>
    public const string OpenAiType = "openai";

    /// <summary>The OpenAI wire format at a base URL that must be given (Azure OpenAI, Ollama, vLLM, LM Studio, Gemini).</summary>
    public const string OpenAiCompatibleType = "openai-compatible";

    /// <summary>The provider type for Anthropic's Messages API.</summary>
    public const string AnthropicType = "anthropic";

    /// <summary>The name of the built-in analyst; it needs no configuration and cannot be configured.</summary>
    public const string BuiltInName = "argus";

    /// <summary><c>openai</c>, <c>openai-compatible</c> or <c>anthropic</c>.</summary>
    public string? Type { get; set; }

    /// <summary>Whether the type speaks the OpenAI Chat Completions API.</summary>
    public bool IsOpenAiWire => Type is OpenAiType or OpenAiCompatibleType;

    /// <summary>
    /// The API base URL: for <c>openai</c> the URL that <c>/chat/completions</c> is appended to (default
    /// <c>https://api.openai.com/v1</c>); for <c>anthropic</c> the URL <c>/v1/messages</c> is appended to (default
    /// <c>https://api.anthropic.com</c>).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>The API key. Never logged, never returned by any API.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The default time a link of this provider may take, in milliseconds (default 60,000).</summary>
    public int TimeoutMs { get; set; } = 60_000;

    /// <summary>Whether the provider enforces a JSON Schema on its answer; by default true for <c>openai</c>, false for <c>anthropic</c>.</summary>
    public bool? SupportsJsonSchema { get; set; }

    /// <summary>Prices per model id, for the call log's cost estimate.</summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Headers sent with every request (e.g. <c>OpenAI-Organization</c>, or <c>api-key</c> for Azure). Values of
    /// credential-like headers (see <see cref="ProviderHeaders.IsSensitive"/>) are treated like the API key.
    /// </summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The price of a model, per million tokens, in whatever currency the operator keeps accounts in.</summary>
public sealed class ModelPrice
{
    /// <summary>Price of one million input tokens.</summary>
    public double InputPerMillion { get; set; }

    /// <summary>Price of one million output tokens.</summary>
    public double OutputPerMillion { get; set; }
}

/// <summary>Validates the providers as a whole and lists every problem.</summary>
public static partial class ProviderOptionsValidator
{
    /// <summary>The most default headers a provider may have.</summary>
    public const int MaxHeaders = 50;

    // Headers the HTTP stack or the SDKs own; setting them by hand would break requests.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Expect",
    };

    [System.Text.RegularExpressions.GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex HeaderNamePattern();

    /// <summary>Every problem of the configured providers; empty when all are usable.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, ProviderOptions> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var problems = new List<string>();
        foreach (var (name, p) in providers)
        {
            var prefix = $"Argus:Providers:{name}";
            if (string.Equals(name, ProviderOptions.BuiltInName, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{prefix}: the name 'argus' is the built-in analyst; choose another name.");
                continue;
            }

            problems.AddRange(Check(p).Select(c => $"{prefix}:{c.Field} {c.Rule}"));
        }

        return problems;
    }

    /// <summary>
    /// The problems of one provider, as (field, rule) pairs: the field is the configuration path below the provider
    /// (<c>Type</c>, <c>Prices:gpt-4o</c>), the rule reads after it ("must be ..."). <paramref name="hasApiKey"/>
    /// overrides <see cref="ProviderOptions.ApiKey"/> for callers that keep an existing key without reading it.
    /// </summary>
    public static IReadOnlyList<(string Field, string Rule)> Check(ProviderOptions p, bool? hasApiKey = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        var problems = new List<(string, string)>();
        if (p.Type is not (ProviderOptions.OpenAiType or ProviderOptions.OpenAiCompatibleType or ProviderOptions.AnthropicType))
        {
            problems.Add(("Type", $"must be 'openai', 'openai-compatible' or 'anthropic' (is '{p.Type}')."));
        }

        if (p.BaseUrl is not null && (!Uri.TryCreate(p.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add(("BaseUrl", "must be an absolute http(s) URL."));
        }
        else if (p.BaseUrl is null && p.Type == ProviderOptions.OpenAiCompatibleType)
        {
            problems.Add(("BaseUrl", "is required for an openai-compatible provider (e.g. http://localhost:11434/v1 for Ollama)."));
        }

        if (p.Type == ProviderOptions.AnthropicType && !(hasApiKey ?? !string.IsNullOrWhiteSpace(p.ApiKey)))
        {
            problems.Add(("ApiKey", "is required for Anthropic."));
        }

        if (p.ApiKey is { Length: > 0 } key && (key.Length > 4096 || key.Any(char.IsControl)))
        {
            problems.Add(("ApiKey", "must be at most 4096 characters without control characters."));
        }

        if (p.TimeoutMs is < 1 or > 600_000)
        {
            problems.Add(("TimeoutMs", "must be from 1 to 600000."));
        }

        foreach (var (model, price) in p.Prices)
        {
            if (string.IsNullOrWhiteSpace(model) || price is null)
            {
                problems.Add(($"Prices:{model}", "needs a model id and its prices."));
            }
            else if (price.InputPerMillion < 0 || price.OutputPerMillion < 0 || !double.IsFinite(price.InputPerMillion) || !double.IsFinite(price.OutputPerMillion))
            {
                problems.Add(($"Prices:{model}", "prices must be non-negative numbers."));
            }
        }

        if (p.Headers.Count > MaxHeaders)
        {
            problems.Add(("Headers", $"at most {MaxHeaders} headers."));
        }

        foreach (var (header, value) in p.Headers)
        {
            if (!HeaderNamePattern().IsMatch(header) || ReservedHeaders.Contains(header))
            {
                problems.Add(($"Headers:{header}", "is not a header name Argus may set (a token of at most 100 characters; not Host, Content-Length, Content-Type, Connection and the like)."));
            }
            else if (value is null || value.Length > 8192 || value.Any(char.IsControl))
            {
                problems.Add(($"Headers:{header}", "needs a value of at most 8192 characters without control characters."));
            }
        }

        return problems;
    }
}

/// <summary>Which default headers carry credentials.</summary>
public static class ProviderHeaders
{
    /// <summary>What the API shows instead of a credential header's value; sending it back keeps the stored value.</summary>
    public const string Hidden = "***";

    /// <summary>Whether a header's value is a credential: never logged, never returned.</summary>
    public static bool IsSensitive(string name) =>
        name.Contains("auth", StringComparison.OrdinalIgnoreCase)
        || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("password", StringComparison.OrdinalIgnoreCase)
        || name.Contains("cookie", StringComparison.OrdinalIgnoreCase);

    /// <summary>The headers as the API shows them: credential values replaced by <see cref="Hidden"/>.</summary>
    public static IReadOnlyDictionary<string, string> Redacted(IReadOnlyDictionary<string, string> headers) =>
        headers.ToDictionary(h => h.Key, h => IsSensitive(h.Key) ? Hidden : h.Value, StringComparer.OrdinalIgnoreCase);
}
