using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.Operations.ChangeTracking;

/// <summary>A deployment (or any change) of one or more applications, and where it stands.</summary>
public sealed record Deployment
{
    /// <summary>Its id (<c>dep_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The applications (service names) it changes.</summary>
    public required IReadOnlyList<string> Applications { get; init; }

    /// <summary>The version deployed.</summary>
    public string? Version { get; init; }

    /// <summary>The environment (production, staging).</summary>
    public string? Environment { get; init; }

    /// <summary><c>planned</c>, <c>started</c>, <c>finished</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When it is planned to start (a planned deployment gets the pre-checks).</summary>
    public DateTimeOffset? PlannedAt { get; init; }

    /// <summary>When it started: the anchor of the checks after it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The commit.</summary>
    public string? Commit { get; init; }

    /// <summary>Link to the commit.</summary>
    public string? CommitUrl { get; init; }

    /// <summary>Link to the pull request.</summary>
    public string? PullRequestUrl { get; init; }

    /// <summary>Who deployed.</summary>
    public string? Who { get; init; }

    /// <summary>A free description.</summary>
    public string? Description { get; init; }

    /// <summary><c>api</c> or <c>github</c>.</summary>
    public string Source { get; init; } = "api";

    /// <summary>The id in the source system (GitHub's repository and deployment id), for idempotent webhooks.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The schedule's offsets, as labels (<c>-30m</c>, <c>+10m</c>).</summary>
    public IReadOnlyList<string> Offsets { get; init; } = [];

    /// <summary>When Argus learned of it.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One check of a deployment at one offset; once run, it carries the verdict.</summary>
public sealed record DeploymentCheck
{
    /// <summary>The deployment.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The offset's label (<c>-30m</c>, <c>+10m</c>).</summary>
    public required string Offset { get; init; }

    /// <summary>The offset in seconds (negative before the start).</summary>
    public long OffsetSeconds { get; init; }

    /// <summary>When the check is due: the end of the window it measures.</summary>
    public DateTimeOffset DueAt { get; init; }

    /// <summary><c>scheduled</c>, <c>done</c>, <c>failed</c> or <c>skipped</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When it ran.</summary>
    public DateTimeOffset? RanAt { get; init; }

    /// <summary>How long after its due time it ran, in seconds.</summary>
    public double? LateBySeconds { get; init; }

    /// <summary>Whether it ran late (after <see cref="ChangeTrackingOptions.LateAfter"/>), e.g. because Argus was down.</summary>
    public bool Late { get; init; }

    /// <summary><c>schedule</c> or <c>manual</c>.</summary>
    public string? Trigger { get; init; }

    /// <summary>The verdict.</summary>
    public ChangeVerdict? Verdict { get; init; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? Error { get; init; }

    /// <summary>Deliveries of its report to channels.</summary>
    public IReadOnlyList<string> DeliveryIds { get; init; } = [];
}

/// <summary>Where deployments and their checks live (the control-plane store), so that a restart loses none.</summary>
public interface IDeploymentStore
{
    /// <summary>Creates or replaces a deployment.</summary>
    Task SaveDeploymentAsync(Deployment deployment, CancellationToken cancellationToken);

    /// <summary>A deployment by id.</summary>
    Task<Deployment?> GetDeploymentAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>A deployment by its id in the source system.</summary>
    Task<Deployment?> FindByExternalIdAsync(string tenantId, string externalId, CancellationToken cancellationToken);

    /// <summary>The tenant's deployments, newest first.</summary>
    Task<IReadOnlyList<Deployment>> ListDeploymentsAsync(string tenantId, string? application, int limit, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a check (key: tenant, deployment, offset).</summary>
    Task SaveCheckAsync(DeploymentCheck check, CancellationToken cancellationToken);

    /// <summary>A deployment's checks in time order.</summary>
    Task<IReadOnlyList<DeploymentCheck>> GetChecksAsync(string tenantId, string deploymentId, CancellationToken cancellationToken);

    /// <summary>Scheduled checks of every tenant due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<DeploymentCheck>> GetDueChecksAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}

/// <summary>The states of a verdict, best first.</summary>
public static class HealthStates
{
    /// <summary>Nothing worse than the baselines.</summary>
    public const string Stable = "STABLE";

    /// <summary>A non-critical metric is worse.</summary>
    public const string MostlyStable = "MOSTLY_STABLE";

    /// <summary>A critical metric is worse.</summary>
    public const string Unstable = "UNSTABLE";

    /// <summary>The severity order of a state (0 best).</summary>
    public static int Rank(string? state) => state switch
    {
        Unstable => 2,
        MostlyStable => 1,
        _ => 0,
    };

    /// <summary>The state of a severity rank.</summary>
    public static string OfRank(int rank) => rank switch
    {
        >= 2 => Unstable,
        1 => MostlyStable,
        _ => Stable,
    };
}

/// <summary>What a check concluded: the statistics' state decides; the model's explanation and state are kept beside it.</summary>
public sealed record ChangeVerdict
{
    /// <summary>The state the statistics decided (used for gating).</summary>
    public required string State { get; init; }

    /// <summary>The state the model answered.</summary>
    public string? ModelState { get; init; }

    /// <summary>The model's overall comment.</summary>
    public required string Comment { get; init; }

    /// <summary>Per application: the statistics' state and flagged metrics, the model's state and comment.</summary>
    public required IReadOnlyList<VerdictApplication> Applications { get; init; }

    /// <summary>Where the model's state differed from the statistics' (kept; the statistics decide).</summary>
    public IReadOnlyList<string> Disagreements { get; init; } = [];

    /// <summary>The model's answer, in <c>application_health_report_format</c>.</summary>
    public JsonElement Report { get; init; }

    /// <summary>The statistical judgement with the numbers behind it.</summary>
    public required ChangeJudgement Judgement { get; init; }

    /// <summary>The health snapshots: the window and its two baselines, per application.</summary>
    public required IReadOnlyList<ApplicationSnapshots> Snapshots { get; init; }

    /// <summary>The role's version.</summary>
    public int RoleVersion { get; init; }

    /// <summary>The provider that answered.</summary>
    public string? Provider { get; init; }

    /// <summary>The model that answered.</summary>
    public string? Model { get; init; }

    /// <summary>The call log's id.</summary>
    public string? CallId { get; init; }

    /// <summary>Whether the built-in analyst wrote the explanation (no LLM).</summary>
    public bool BuiltIn { get; init; }

    /// <summary>Why the role's chain was not used, when it was not.</summary>
    public string? GatewayError { get; init; }

    /// <summary>Milliseconds the snapshots and the statistics took (no LLM time).</summary>
    public double MeasureMs { get; init; }

    /// <summary>For every metric judged WORSE: its series against both baselines, what moved most, and the chart's address.</summary>
    public IReadOnlyList<FollowUp> FollowUps { get; init; } = [];

    /// <summary>Milliseconds the follow-up queries took.</summary>
    public double FollowUpMs { get; init; }
}

/// <summary>One application in a verdict.</summary>
/// <param name="Name">The application (service name).</param>
/// <param name="ApplicationId">Its number in the deployment (1-based), as the report format asks.</param>
/// <param name="State">The statistics' state.</param>
/// <param name="ModelState">The model's state.</param>
/// <param name="Metric">The flagged categories: TRANSACTION, ALERT, ISSUE.</param>
/// <param name="Comment">The model's comment.</param>
/// <param name="Basis"><c>baseline</c>, or <c>absolute</c> for an application without a baseline.</param>
public sealed record VerdictApplication(
    string Name, int ApplicationId, string State, string? ModelState, IReadOnlyList<string> Metric, string Comment, string Basis);

/// <summary>The JSON of change tracking's records.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(DeploymentCheck))]
[JsonSerializable(typeof(ChangeJudgement))]
[JsonSerializable(typeof(IReadOnlyList<ApplicationSnapshots>))]
[JsonSerializable(typeof(ApplicationHealthReport))]
public sealed partial class ChangeTrackingJsonContext : JsonSerializerContext;
