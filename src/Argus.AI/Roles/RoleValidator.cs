using System.Text.RegularExpressions;
using Argus.AI.Providers;
using Argus.AI.Schema;

namespace Argus.AI.Roles;

/// <summary>What validation found: errors refuse the save, warnings are returned with it.</summary>
/// <param name="Errors">Problems keyed by field, as a 400 ValidationProblem lists them.</param>
/// <param name="Warnings">Things that work but deserve attention, e.g. a link that cannot enforce the schema.</param>
public sealed record RoleValidationResult(IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>Whether the role may be saved.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Checks a role definition as a whole and lists every problem at once.</summary>
public static partial class RoleValidator
{
    /// <summary>The most links a chain may have.</summary>
    public const int MaxChainLinks = 10;

    private static readonly HashSet<string> KeyRoles = ["admin", "read", "ingest"];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SchemaNamePattern();

    /// <summary>Validates <paramref name="role"/> against the <paramref name="providers"/> that <paramref name="tenantId"/> may use.</summary>
    public static RoleValidationResult Validate(RoleDefinition role, ProviderRegistry providers, string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(providers);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var warnings = new List<string>();
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        if (role.Code is null || !CodePattern().IsMatch(role.Code))
        {
            Add("code", "'code' is required: lower-case letters, digits and '-', at most 63 characters, starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(role.Name) || role.Name.Length > 200)
        {
            Add("name", "'name' is required, at most 200 characters.");
        }

        if (string.IsNullOrWhiteSpace(role.SystemMessage))
        {
            Add("systemMessage", "'systemMessage' is required.");
        }
        else if (role.SystemMessage.Length > 100_000)
        {
            Add("systemMessage", "'systemMessage' is longer than 100,000 characters.");
        }

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (variable, i) in (role.Variables ?? []).Select((v, i) => (v, i)))
        {
            if (string.IsNullOrWhiteSpace(variable?.Name) || !declared.Add(variable.Name))
            {
                Add($"variables[{i}]", "every variable needs a unique name.");
            }
        }

        foreach (var used in RoleTemplate.VariablesOf(role.SystemMessage ?? "").Where(u => !declared.Contains(u)))
        {
            Add("systemMessage", $"the template uses '{{{{{used}}}}}' but 'variables' does not declare '{used}'.");
        }

        var chain = role.Chain ?? [];
        if (chain.Count == 0)
        {
            Add("chain", "'chain' needs at least one link (end it with provider 'argus' to always answer).");
        }
        else if (chain.Count > MaxChainLinks)
        {
            Add("chain", $"'chain' has {chain.Count} links; at most {MaxChainLinks} are allowed.");
        }

        var isSchema = role.ResponseFormat?.IsJsonSchema == true;
        for (var i = 0; i < chain.Count; i++)
        {
            var link = chain[i];
            var key = $"chain[{i}]";
            if (link is null || string.IsNullOrWhiteSpace(link.Provider))
            {
                Add(key, "'provider' is required.");
                continue;
            }

            if (!providers.IsKnown(link.Provider, tenantId))
            {
                Add(key, $"provider '{link.Provider}' is not configured; configured: {string.Join(", ", providers.NamesFor(tenantId))}.");
            }
            else if (isSchema && !providers.SupportsJsonSchema(link.Provider, tenantId))
            {
                warnings.Add($"chain[{i}]: provider '{link.Provider}' cannot enforce a JSON Schema; Argus asks for it in the prompt and validates the answer.");
            }

            if (string.IsNullOrWhiteSpace(link.Model) && link.Provider != ProviderOptions.BuiltInName)
            {
                Add(key, "'model' is required.");
            }

            if (link.TimeoutMs is < 1 or > 600_000)
            {
                Add(key, "'timeoutMs' must be from 1 to 600000.");
            }

            if (link.Parameters is not null)
            {
                CheckParameters(link.Parameters, $"{key}.parameters", Add);
            }
        }

        CheckParameters(role.Parameters ?? new RoleParameters(), "parameters", Add);

        var format = role.ResponseFormat ?? new RoleResponseFormat();
        if (format.Type is not (RoleResponseFormat.TextType or RoleResponseFormat.JsonSchemaType))
        {
            Add("responseFormat.type", "'type' must be 'text' or 'json_schema'.");
        }
        else if (format.IsJsonSchema)
        {
            if (format.Name is null || !SchemaNamePattern().IsMatch(format.Name))
            {
                Add("responseFormat.name", "a JSON Schema response format needs a 'name': letters, digits, '_' and '-', at most 64 characters.");
            }

            if (format.Schema is not { } schema)
            {
                Add("responseFormat.schema", "a JSON Schema response format needs a 'schema'.");
            }
            else
            {
                foreach (var problem in JsonSchemaSubset.CheckSchema(schema, format.Strict))
                {
                    Add("responseFormat.schema", problem);
                }

                if (schema.ValueKind == System.Text.Json.JsonValueKind.Object
                    && (!schema.TryGetProperty("type", out var t) || t.ValueKind != System.Text.Json.JsonValueKind.String || t.GetString() != "object"))
                {
                    Add("responseFormat.schema", "the top level of a response schema must be \"type\": \"object\".");
                }
            }
        }

        if (role.RateLimit is { } limit)
        {
            if (limit.Interval < TimeSpan.Zero || limit.Interval > TimeSpan.FromDays(1))
            {
                Add("rateLimit.interval", "'interval' must be from 00:00:00 to 1.00:00:00.");
            }

            if (limit.Burst is < 1 or > 10_000)
            {
                Add("rateLimit.burst", "'burst' must be from 1 to 10000.");
            }

            if (limit.TenantLimit is < 1)
            {
                Add("rateLimit.tenantLimit", "'tenantLimit' must be at least 1.");
            }

            if (limit.TenantWindow is { } w && (w <= TimeSpan.Zero || w > TimeSpan.FromDays(1)))
            {
                Add("rateLimit.tenantWindow", "'tenantWindow' must be more than zero and at most a day.");
            }
        }

        var masking = role.Masking ?? RoleMasking.Auto;
        foreach (var (field, names) in new[] { ("enable", masking.Enable), ("disable", masking.Disable) })
        {
            foreach (var (name, i) in (names ?? []).Select((n, i) => (n, i)).Where(n => !Masking.SensitiveKindNames.TryParse(n.n, out _)))
            {
                Add($"masking.{field}[{i}]", $"'{name}' is not a masking kind; kinds: {string.Join(", ", Masking.SensitiveKindNames.All)}.");
            }
        }

        var access = role.Access ?? new RoleAccess();
        foreach (var r in (access.Call ?? []).Concat(access.Edit ?? []).Where(r => !KeyRoles.Contains(r)))
        {
            Add("access", $"'{r}' is not an API key role (admin, read, ingest).");
        }

        return new RoleValidationResult(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal), warnings);
    }

    private static void CheckParameters(RoleParameters p, string key, Action<string, string> add)
    {
        if (p.Temperature is < 0 or > 2)
        {
            add(key, "'temperature' must be from 0 to 2.");
        }

        if (p.TopP is < 0 or > 1)
        {
            add(key, "'topP' must be from 0 to 1.");
        }

        if (p.TopK is < 1)
        {
            add(key, "'topK' must be at least 1.");
        }

        if (p.MaxOutputTokens is < 1 or > 1_000_000)
        {
            add(key, "'maxOutputTokens' must be from 1 to 1000000.");
        }

        if (p.FrequencyPenalty is < -2 or > 2 || p.PresencePenalty is < -2 or > 2)
        {
            add(key, "penalties must be from -2 to 2.");
        }

        if (p.StopSequences is { Count: > 4 })
        {
            add(key, "at most 4 'stopSequences'.");
        }
    }
}
