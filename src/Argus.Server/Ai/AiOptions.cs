using Argus.AI.Providers;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>The role gateway's settings: <c>Argus:Ai</c>, and the providers under <c>Argus:Providers</c>.</summary>
internal sealed class AiOptions
{
    public const string SectionName = "Argus:Ai";
    public const string ProvidersSectionName = "Argus:Providers";

    /// <summary>The folder of <c>*.yaml</c> role files loaded at start-up (default <c>roles</c>, relative to the working folder). A missing folder is fine.</summary>
    public string RolesPath { get; set; } = "roles";

    /// <summary>Call records waiting for the telemetry store; when full, new records are dropped and counted (default 10,000).</summary>
    public int CallLogQueueCapacity { get; set; } = 10_000;

    /// <summary>The most messages a call may send (default 200).</summary>
    public int MaxMessages { get; set; } = 200;

    /// <summary>The most characters of all messages and variables of a call together (default 1,000,000).</summary>
    public int MaxInputCharacters { get; set; } = 1_000_000;

    /// <summary>
    /// The largest request body of a chat call (<c>/api/roles/{code}/chat</c>, <c>/v1/chat/completions</c>), in bytes,
    /// with or without Content-Length; larger bodies get 413 (default 1 MiB).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The providers, by name (bound from <c>Argus:Providers</c>).</summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Checks the gateway's options as a whole at start-up and lists every problem.</summary>
internal sealed class ValidateAiOptions : IValidateOptions<AiOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOptions options)
    {
        var problems = new List<string>(ProviderOptionsValidator.Validate(options.Providers));
        if (options.CallLogQueueCapacity is < 1 or > 1_000_000)
        {
            problems.Add("Argus:Ai:CallLogQueueCapacity must be from 1 to 1000000.");
        }

        if (options.MaxMessages is < 1 or > 10_000)
        {
            problems.Add("Argus:Ai:MaxMessages must be from 1 to 10000.");
        }

        if (options.MaxInputCharacters is < 1_000)
        {
            problems.Add("Argus:Ai:MaxInputCharacters must be at least 1000.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            problems.Add("Argus:Ai:MaxRequestBodyBytes must be from 1024 to 1073741824 (1 GiB).");
        }

        if (string.IsNullOrWhiteSpace(options.RolesPath))
        {
            problems.Add("Argus:Ai:RolesPath must not be empty.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
