using System.Text.Json;

namespace Argus.Operations.IncidentReports;

/// <summary>
/// An Incident AI Report as stored and served: the alert, the representative transaction's profile, the findings, the
/// report (four sections) and how it was written (role version, model, call-log id). Profile, findings and report are
/// kept as the JSON the analysis wrote (camelCase), so that the API returns them unchanged.
/// </summary>
public sealed record Incident
{
    /// <summary><c>inc_</c> and 16 hex digits.</summary>
    public required string Id { get; init; }

    public required string TenantId { get; init; }

    public required string AlertId { get; init; }

    public string? RuleId { get; init; }

    public required string RuleName { get; init; }

    public required string Kind { get; init; }

    public string? Service { get; init; }

    public string? Phase { get; init; }

    public DateTimeOffset FiredAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>en</c> or <c>ko</c>.</summary>
    public required string Language { get; init; }

    /// <summary>The classic alert text (phase, service, rule, condition, window, counts per instance).</summary>
    public required string AlertText { get; init; }

    /// <summary>The report rendered with the language's section titles.</summary>
    public required string ReportText { get; init; }

    /// <summary>The report's four sections (<c>IncidentReportContent</c>).</summary>
    public JsonElement Report { get; init; }

    /// <summary>The representative transaction's profile (<c>TransactionProfile</c>); null when none was found.</summary>
    public JsonElement? Profile { get; init; }

    /// <summary>The analyzers' findings (<c>Finding[]</c>).</summary>
    public JsonElement Findings { get; init; }

    /// <summary>The representative transaction.</summary>
    public string? TraceId { get; init; }

    public string RoleCode { get; init; } = "";

    public int RoleVersion { get; init; }

    /// <summary>The provider and model that wrote the report; <c>argus</c> when the built-in analyst did.</summary>
    public string? Provider { get; init; }

    public string? Model { get; init; }

    /// <summary>The LLM call log entry (<c>GET /api/llm/calls</c>); null when the gateway was not reached.</summary>
    public string? CallId { get; init; }

    /// <summary>Whether the built-in analyst wrote it (no LLM, or every LLM failed).</summary>
    public bool BuiltIn { get; init; }

    /// <summary>Why the role's chain did not answer, when the report had to be written without it.</summary>
    public string? GatewayError { get; init; }

    /// <summary>Milliseconds from the firing to the report being handed to the channels.</summary>
    public double PipelineMs { get; init; }

    /// <summary>The deliveries queued for the report.</summary>
    public IReadOnlyList<string> DeliveryIds { get; init; } = [];
}

/// <summary>Filters of the incident list; null means any.</summary>
public sealed record IncidentQuery(DateTimeOffset From, DateTimeOffset To, string? Service = null, string? RuleId = null, int Limit = 50);

/// <summary>A tenant's choices for its incident reports.</summary>
/// <param name="Language">The report language (<c>en</c>, <c>ko</c>) when the rule sets none; null for the server's default.</param>
public sealed record IncidentSettings(string? Language);

/// <summary>Where incident reports live (the control-plane store).</summary>
public interface IIncidentStore
{
    /// <summary>The tenant's settings; all null when it chose none.</summary>
    Task<IncidentSettings> GetSettingsAsync(string tenantId, CancellationToken cancellationToken);

    Task SaveSettingsAsync(string tenantId, IncidentSettings settings, CancellationToken cancellationToken);

    Task SaveAsync(Incident incident, CancellationToken cancellationToken);

    Task<Incident?> GetAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Incident>> QueryAsync(string tenantId, IncidentQuery query, CancellationToken cancellationToken);
}

/// <summary>Finds the version of a role that serves a tenant's calls (the <c>production</c> label).</summary>
public interface IRoleResolver
{
    /// <summary>The role's definition and version; null when the tenant has no such role.</summary>
    Task<(AI.Roles.RoleDefinition Definition, int Version)?> ResolveAsync(string tenantId, string code, CancellationToken cancellationToken);

    /// <summary>The tenant's display name (the PROJECT of <c>SERVICE(PROJECT)</c>).</summary>
    Task<string?> TenantNameAsync(string tenantId, CancellationToken cancellationToken);
}
