namespace Argus.AI.Providers;

/// <summary>One LLM provider, configured under <c>Argus:Providers:&lt;name&gt;</c>.</summary>
public sealed class ProviderOptions
{
    /// <summary>The provider type for OpenAI and every OpenAI-compatible service (Azure OpenAI, Ollama, vLLM, LM Studio, Gemini).</summary>
    public const string OpenAiType = "openai";

    /// <summary>The provider type for Anthropic's Messages API.</summary>
    public const string AnthropicType = "anthropic";

    /// <summary>The name of the built-in analyst; it needs no configuration and cannot be configured.</summary>
    public const string BuiltInName = "argus";

    /// <summary><c>openai</c> or <c>anthropic</c>.</summary>
    public string? Type { get; set; }

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
public static class ProviderOptionsValidator
{
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

            if (p.Type is not (ProviderOptions.OpenAiType or ProviderOptions.AnthropicType))
            {
                problems.Add($"{prefix}:Type must be 'openai' or 'anthropic' (is '{p.Type}').");
            }

            if (p.BaseUrl is not null && (!Uri.TryCreate(p.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                problems.Add($"{prefix}:BaseUrl must be an absolute http(s) URL.");
            }

            if (p.Type == ProviderOptions.AnthropicType && string.IsNullOrWhiteSpace(p.ApiKey))
            {
                problems.Add($"{prefix}:ApiKey is required for Anthropic.");
            }

            if (p.TimeoutMs is < 1 or > 600_000)
            {
                problems.Add($"{prefix}:TimeoutMs must be from 1 to 600000.");
            }

            foreach (var (model, price) in p.Prices)
            {
                if (price.InputPerMillion < 0 || price.OutputPerMillion < 0 || !double.IsFinite(price.InputPerMillion) || !double.IsFinite(price.OutputPerMillion))
                {
                    problems.Add($"{prefix}:Prices:{model}: prices must be non-negative numbers.");
                }
            }
        }

        return problems;
    }
}
