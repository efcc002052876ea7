using System.Text.Json;

namespace Argus.AI.Roles;

// Properties with a default use `set`, not `init`: System.Text.Json's source generator sets every init-only property
// in one object initializer, so a property missing from the JSON would get default(T) instead of its initializer's value.

/// <summary>
/// A role: what an LLM is asked to be (system message), which models in which order (chain), with which parameters,
/// in which response format, and who may call it how often. Immutable; every save makes a new version.
/// </summary>
public sealed record RoleDefinition
{
    /// <summary>Unique per tenant and URL-safe: lower-case letters, digits and '-'.</summary>
    public string Code { get; set; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the role is for.</summary>
    public string? Description { get; init; }

    /// <summary>The system message template; <c>{{name}}</c> is replaced with the call's variable.</summary>
    public string SystemMessage { get; set; } = "";

    /// <summary>The variables the template may use.</summary>
    public IReadOnlyList<RoleVariable> Variables { get; set; } = [];

    /// <summary>The ordered chain of models: the first that answers serves.</summary>
    public IReadOnlyList<ChainLink> Chain { get; set; } = [];

    /// <summary>Generation parameters for every link (a link may override them).</summary>
    public RoleParameters Parameters { get; set; } = new();

    /// <summary>Text, or a JSON Schema the answer must match.</summary>
    public RoleResponseFormat ResponseFormat { get; set; } = new();

    /// <summary>The least time between two calls by one client; null means no limit.</summary>
    public RoleRateLimit? RateLimit { get; init; }

    /// <summary>When sensitive data is masked before it leaves for a provider (default: for every external link), and which kinds.</summary>
    public RoleMasking Masking { get; set; } = RoleMasking.Auto;

    /// <summary>Which API key roles may call and edit this role.</summary>
    public RoleAccess Access { get; set; } = new();

    /// <summary>The same role with every absent part (JSON null) replaced by its default, so readers need no null checks.</summary>
    public RoleDefinition Normalized() => this with
    {
        Code = Code ?? "",
        Name = Name ?? "",
        SystemMessage = SystemMessage ?? "",
        Variables = Variables ?? [],
        Chain = [.. (Chain ?? []).Where(c => c is not null).Select(c => c with { Provider = c.Provider ?? "", Model = c.Model ?? "" })],
        Parameters = Parameters ?? new RoleParameters(),
        ResponseFormat = ResponseFormat ?? new RoleResponseFormat(),
        Masking = Masking ?? RoleMasking.Auto,
        Access = new RoleAccess { Call = Access?.Call ?? new RoleAccess().Call, Edit = Access?.Edit ?? new RoleAccess().Edit },
    };
}

/// <summary>A variable of the system message template.</summary>
/// <param name="Name">The name used as <c>{{name}}</c>.</param>
/// <param name="Description">What the caller should pass.</param>
/// <param name="Default">The value used when the caller passes none; a variable without a default is required.</param>
public sealed record RoleVariable(string Name, string? Description = null, string? Default = null);

/// <summary>One link of a role's chain.</summary>
public sealed record ChainLink
{
    /// <summary>A configured provider name, or <c>argus</c> for the built-in analyst.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The provider's model id.</summary>
    public string Model { get; set; } = "";

    /// <summary>How long this link may take (to the first token when streaming); null: the provider's timeout.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>Parameters that replace the role's for this link only.</summary>
    public RoleParameters? Parameters { get; init; }
}

/// <summary>Generation parameters; null means the provider's default.</summary>
public sealed record RoleParameters
{
    /// <summary>Sampling temperature.</summary>
    public float? Temperature { get; init; }

    /// <summary>Nucleus sampling.</summary>
    public float? TopP { get; init; }

    /// <summary>Top-k sampling (providers that support it).</summary>
    public int? TopK { get; init; }

    /// <summary>The most tokens the answer may have.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Seed for reproducible sampling.</summary>
    public long? Seed { get; init; }

    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string>? StopSequences { get; init; }

    /// <summary>Frequency penalty.</summary>
    public float? FrequencyPenalty { get; init; }

    /// <summary>Presence penalty.</summary>
    public float? PresencePenalty { get; init; }

    /// <summary>This set with <paramref name="overrides"/> laid over it.</summary>
    public RoleParameters Merge(RoleParameters? overrides) => overrides is null ? this : new RoleParameters
    {
        Temperature = overrides.Temperature ?? Temperature,
        TopP = overrides.TopP ?? TopP,
        TopK = overrides.TopK ?? TopK,
        MaxOutputTokens = overrides.MaxOutputTokens ?? MaxOutputTokens,
        Seed = overrides.Seed ?? Seed,
        StopSequences = overrides.StopSequences ?? StopSequences,
        FrequencyPenalty = overrides.FrequencyPenalty ?? FrequencyPenalty,
        PresencePenalty = overrides.PresencePenalty ?? PresencePenalty,
    };
}

/// <summary>The format of a role's answer.</summary>
public sealed record RoleResponseFormat
{
    /// <summary>Plain text.</summary>
    public const string TextType = "text";

    /// <summary>A JSON object matching <see cref="Schema"/>.</summary>
    public const string JsonSchemaType = "json_schema";

    /// <summary><c>text</c> or <c>json_schema</c>.</summary>
    public string Type { get; set; } = TextType;

    /// <summary>The schema's name (providers require one).</summary>
    public string? Name { get; init; }

    /// <summary>What the schema describes.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the provider is asked to enforce the schema strictly.</summary>
    public bool Strict { get; init; }

    /// <summary>The JSON Schema (the subset structured-output providers accept).</summary>
    public JsonElement? Schema { get; init; }

    /// <summary>Whether the answer must be JSON matching <see cref="Schema"/>.</summary>
    public bool IsJsonSchema => Type == JsonSchemaType;
}

/// <summary>Rate limits of a role.</summary>
public sealed record RoleRateLimit
{
    /// <summary>The least time between two calls of the role by one client (API key).</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>How many calls a client may make at once before the interval applies.</summary>
    public int Burst { get; set; } = 1;

    /// <summary>At most this many calls of the role per <see cref="TenantWindow"/> for the whole tenant; null: no cap.</summary>
    public int? TenantLimit { get; init; }

    /// <summary>The window of <see cref="TenantLimit"/>; one minute by default.</summary>
    public TimeSpan? TenantWindow { get; init; }
}

/// <summary>Which API key roles (admin, read, ingest) may use a role.</summary>
public sealed record RoleAccess
{
    /// <summary>Key roles that may call.</summary>
    public IReadOnlyList<string> Call { get; set; } = ["admin", "read"];

    /// <summary>Key roles that may change the role.</summary>
    public IReadOnlyList<string> Edit { get; set; } = ["admin"];
}

/// <summary>A saved version of a role.</summary>
/// <param name="Version">1, 2, ...</param>
/// <param name="Definition">The role as saved.</param>
/// <param name="Author">Who saved it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Message">Why (like a commit message).</param>
public sealed record RoleVersion(int Version, RoleDefinition Definition, string Author, DateTimeOffset CreatedAt, string? Message);
