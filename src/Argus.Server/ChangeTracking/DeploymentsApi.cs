using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Core.Telemetry;
using Argus.Operations.ChangeTracking;
using Argus.Server.Api;
using Argus.Server.Configuration;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Argus.Server.ChangeTracking;

/// <summary>A deployment with its timeline of checks and the gate's current answer; <paramref name="Warnings"/> says what was accepted but looks wrong.</summary>
internal sealed record DeploymentResponse(Deployment Deployment, IReadOnlyList<DeploymentCheck> Checks, GateAnswer Gate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null);

internal sealed record DeploymentListResponse(IReadOnlyList<Deployment> Deployments);

/// <summary>The body of <c>/start</c> and <c>/finish</c> (all optional).</summary>
internal sealed record DeploymentStepRequest(DateTimeOffset? At, bool? Failed);

/// <summary>What the GitHub receiver did.</summary>
internal sealed record GitHubWebhookResult(string Outcome, string? DeploymentId);

/// <summary>Source-generated JSON for the deployments API (appended to the API's resolver chain).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(Argus.Core.DurationJsonConverter)])]
[JsonSerializable(typeof(DeploymentResponse))]
[JsonSerializable(typeof(DeploymentListResponse))]
[JsonSerializable(typeof(DeploymentStepRequest))]
[JsonSerializable(typeof(DeploymentRequest))]
[JsonSerializable(typeof(DeploymentCheck))]
[JsonSerializable(typeof(GateAnswer))]
[JsonSerializable(typeof(GitHubWebhookResult))]
internal sealed partial class DeploymentsJsonContext : JsonSerializerContext;

/// <summary><c>/api/deployments</c> (scoped to the caller's tenant) and the GitHub <c>deployment_status</c> receiver.</summary>
internal static partial class DeploymentsApi
{
    // Deployment bodies are a few hundred bytes; GitHub's payloads (the repository object) have the integration limit.
    private const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapDeploymentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/deployments").WithBodyLimit(MaxBodyBytes);
        group.MapPost("", CreateAsync).RequireAuthorization(ArgusPolicies.Ingest);
        group.MapGet("", ListAsync).RequireAuthorization(ArgusPolicies.Read);
        group.MapGet("/{id}", GetAsync).RequireAuthorization(ArgusPolicies.Read);
        group.MapGet("/{id}/gate", GateAsync).RequireAuthorization(ArgusPolicies.Read);
        group.MapPost("/{id}/start", (string id, HttpRequest request, ClaimsPrincipal user, DeploymentService service, IDeploymentStore store, CancellationToken ct)
            => StepAsync(id, request, user, service, store, finish: false, ct)).RequireAuthorization(ArgusPolicies.Ingest);
        group.MapPost("/{id}/finish", (string id, HttpRequest request, ClaimsPrincipal user, DeploymentService service, IDeploymentStore store, CancellationToken ct)
            => StepAsync(id, request, user, service, store, finish: true, ct)).RequireAuthorization(ArgusPolicies.Ingest);
        group.MapPost("/{id}/checks/{offset}/run", RunCheckAsync).RequireAuthorization(ArgusPolicies.Admin);
        group.MapGet("/{id}/checks/{offset}", GetCheckAsync).RequireAuthorization(ArgusPolicies.Read);
        group.MapGet("/{id}/checks/{offset}/charts/{chart}", ChartAsync).RequireAuthorization(ArgusPolicies.Read);
        api.MapPost("/webhooks/github", GitHubAsync).AllowAnonymous()
            .WithBodyLimit(sp => sp.GetRequiredService<IOptions<ArgusOptions>>().Value.Api.MaxIntegrationBodyBytes, "Argus:Api:MaxIntegrationBodyBytes");
        return api;
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, DeploymentService service, IDeploymentStore store, ITelemetryReader telemetry, TimeProvider time, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(request, DeploymentsJsonContext.Default.DeploymentRequest, "deployment", ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var tenant = user.Tenant();
        var (deployment, problems) = await service.CreateAsync(tenant, body, "api", null, ct);
        if (deployment is null)
        {
            return TypedResults.ValidationProblem(problems, "The deployment has problems; all are listed.");
        }

        // A name Argus has never seen is accepted (the service may not send telemetry yet), but said: a typo would leave the checks with nothing to measure.
        var warnings = await KnownServices.WarnUnseenAsync(
            telemetry, time, tenant, deployment.Applications.Select((a, i) => ($"applications[{i}]", (string?)a)), ct);
        return TypedResults.Created($"/api/deployments/{deployment.Id}", await DescribeAsync(deployment, store, ct) with { Warnings = warnings });
    }

    private static async Task<Ok<DeploymentListResponse>> ListAsync(string? application, string? limit, ClaimsPrincipal user, IDeploymentStore store, TimeProvider time, CancellationToken ct)
    {
        var max = new QueryParameters(time).Limit(limit, 50, 500);
        return TypedResults.Ok(new DeploymentListResponse(await store.ListDeploymentsAsync(user.Tenant(), application, max, ct)));
    }

    private static async Task<Results<Ok<DeploymentResponse>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IDeploymentStore store, CancellationToken ct)
    {
        var deployment = await store.GetDeploymentAsync(user.Tenant(), id, ct);
        return deployment is null ? NotFound(id) : TypedResults.Ok(await DescribeAsync(deployment, store, ct));
    }

    private static async Task<Results<Ok<GateAnswer>, ProblemHttpResult>> GateAsync(string id, ClaimsPrincipal user, IDeploymentStore store, CancellationToken ct)
    {
        var deployment = await store.GetDeploymentAsync(user.Tenant(), id, ct);
        return deployment is null ? NotFound(id) : TypedResults.Ok(DeploymentService.Gate(deployment, await store.GetChecksAsync(deployment.TenantId, id, ct)));
    }

    private static async Task<IResult> StepAsync(string id, HttpRequest request, ClaimsPrincipal user, DeploymentService service, IDeploymentStore store, bool finish, CancellationToken ct)
    {
        // The body is optional ({"at": ..., "failed": ...}); a chunked request has no Content-Length, so it is read to see whether there is one.
        var read = await StrictJson.ReadOptionalAsync(request, DeploymentsJsonContext.Default.DeploymentStepRequest, finish ? "finish" : "start", new(null, null), ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var tenant = user.Tenant();
        var deployment = finish
            ? await service.FinishAsync(tenant, id, body.At, body.Failed ?? false, ct)
            : await service.StartAsync(tenant, id, body.At, ct);
        return deployment is null ? NotFound(id) : TypedResults.Ok(await DescribeAsync(deployment, store, ct));
    }

    private static async Task<IResult> RunCheckAsync(string id, string offset, ClaimsPrincipal user, DeploymentService service, CancellationToken ct)
    {
        if (ChangeTrackingOptions.ParseOffset(offset) is not { } span)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["offset"] = [$"'{offset}' is not an offset such as -30m, +10m (write %2B10m or 10m), +1h or +1d."] });
        }

        var check = await service.RunCheckAsync(user.Tenant(), id, span, ct);
        return check is null ? NotFound(id) : TypedResults.Ok(check);
    }

    private static async Task<IResult> GetCheckAsync(string id, string offset, ClaimsPrincipal user, IDeploymentStore store, CancellationToken ct)
    {
        var (check, problem) = await FindCheckAsync(id, offset, user, store, ct);
        return check is null ? problem! : TypedResults.Ok(check);
    }

    /// <summary>The SVG chart of one follow-up: <c>{metric}.svg</c>, of <c>?application=</c> (default: the first with that metric).</summary>
    private static async Task<IResult> ChartAsync(string id, string offset, string chart, string? application, ClaimsPrincipal user, IDeploymentStore store, CancellationToken ct)
    {
        if (!chart.EndsWith(".svg", StringComparison.Ordinal))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["chart"] = [$"'{chart}' is not a chart: charts are <metric>.svg, e.g. errors.svg."] });
        }

        var (check, problem) = await FindCheckAsync(id, offset, user, store, ct);
        if (check is null)
        {
            return problem!;
        }

        var metric = chart[..^".svg".Length];
        var followUp = check.Verdict?.FollowUps.FirstOrDefault(f => f.Metric == metric && (application is null || f.Application == application));
        return followUp is null
            ? TypedResults.Problem($"Check {check.Offset} of deployment '{id}' has no follow-up of '{metric}'{(application is null ? "" : $" for '{application}'")}: only metrics judged WORSE have one.",
                statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.Text(FollowUpChart.Render(followUp), "image/svg+xml", Encoding.UTF8);
    }

    private static async Task<(DeploymentCheck? Check, IResult? Problem)> FindCheckAsync(string id, string offset, ClaimsPrincipal user, IDeploymentStore store, CancellationToken ct)
    {
        if (ChangeTrackingOptions.ParseOffset(offset) is not { } span)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["offset"] = [$"'{offset}' is not an offset such as -30m, +10m (write %2B10m or 10m), +1h or +1d."] }));
        }

        var deployment = await store.GetDeploymentAsync(user.Tenant(), id, ct);
        if (deployment is null)
        {
            return (null, NotFound(id));
        }

        var check = (await store.GetChecksAsync(deployment.TenantId, id, ct)).FirstOrDefault(c => c.OffsetSeconds == (long)span.TotalSeconds);
        return check is null
            ? (null, TypedResults.Problem($"Deployment '{id}' has no check at {offset}.", statusCode: StatusCodes.Status404NotFound, title: "Not found"))
            : (check, null);
    }

    /// <summary>
    /// GitHub's <c>deployment_status</c> event: queued/pending plans the deployment, in_progress starts it, success
    /// finishes it, failure/error finishes it as failed. The body's HMAC-SHA256 (<c>X-Hub-Signature-256</c>) must match
    /// the configured secret; the receiver is off (404) without one.
    /// </summary>
    private static async Task<IResult> GitHubAsync(
        HttpRequest request, DeploymentService service, IDeploymentStore store, IOptions<ChangeTrackingOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var o = options.Value;
        var logger = loggers.CreateLogger(typeof(DeploymentsApi));
        if (string.IsNullOrEmpty(o.GitHubSecret))
        {
            return TypedResults.Problem("The GitHub receiver is off: set Argus:ChangeTracking:GitHubSecret.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        IResult BadSignature()
        {
            LogBadSignature(logger, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return TypedResults.Problem("X-Hub-Signature-256 is missing or does not match the body.", statusCode: StatusCodes.Status401Unauthorized, title: "Bad signature");
        }

        // An unsigned request is refused before its body is read; the body itself is bounded by the integration limit.
        var signature = request.Headers["X-Hub-Signature-256"].ToString();
        if (!signature.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return BadSignature();
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(o.GitHubSecret), bytes));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected)))
        {
            return BadSignature();
        }

        var kind = request.Headers["X-GitHub-Event"].ToString();
        if (kind == "ping")
        {
            return TypedResults.Ok(new GitHubWebhookResult("pong", null));
        }

        if (kind != "deployment_status")
        {
            return TypedResults.Accepted((string?)null, new GitHubWebhookResult($"ignored event '{kind}'", null));
        }

        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        DeploymentRequest? wanted = null;
        string? externalId = null, state = null;
        DateTimeOffset? at = null;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var deployment = root.TryGetProperty("deployment", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            var status = root.TryGetProperty("deployment_status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
            var repo = root.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
            if (deployment.ValueKind != JsonValueKind.Object || status.ValueKind != JsonValueKind.Object)
            {
                problems["body"] = ["a deployment_status event has 'deployment' and 'deployment_status' objects."];
            }
            else
            {
                state = Text(status, "state");
                at = DateTimeOffset.TryParse(Text(status, "created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
                var repository = repo.ValueKind == JsonValueKind.Object ? Text(repo, "name") : null;
                var apps = deployment.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                    && payload.TryGetProperty("applications", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(a => a.GetString() ?? "").ToList()
                    : repository is null ? [] : [repository];
                var sha = Text(deployment, "sha");
                var html = repo.ValueKind == JsonValueKind.Object ? Text(repo, "html_url") : null;
                externalId = $"github:{(repo.ValueKind == JsonValueKind.Object ? Text(repo, "full_name") : "")}:{(deployment.TryGetProperty("id", out var idValue) ? idValue.GetRawText() : "")}";
                wanted = new DeploymentRequest
                {
                    Applications = apps,
                    Version = Text(deployment, "ref") ?? sha?[..Math.Min(7, sha.Length)],
                    Environment = Text(deployment, "environment"),
                    Commit = sha,
                    CommitUrl = html is not null && sha is not null ? $"{html}/commit/{sha}" : null,
                    Who = deployment.TryGetProperty("creator", out var creator) && creator.ValueKind == JsonValueKind.Object ? Text(creator, "login") : null,
                    Description = Text(deployment, "description"),
                };
                if (state is not ("queued" or "pending" or "in_progress" or "success" or "failure" or "error" or "inactive"))
                {
                    problems["deployment_status.state"] = [$"'{state}' is not a GitHub deployment state."];
                }
            }
        }
        catch (JsonException ex)
        {
            problems["body"] = ["not JSON: " + ex.Message];
        }

        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var tenant = o.GitHubTenant;
        var existing = await store.FindByExternalIdAsync(tenant, externalId!, ct);
        if (existing is null)
        {
            var planned = state is "queued" or "pending";
            var (created, createProblems) = await service.CreateAsync(
                tenant, wanted! with { PlannedAt = planned ? at : null, StartedAt = planned ? null : at }, "github", externalId, ct);
            if (created is null)
            {
                return TypedResults.ValidationProblem(createProblems);
            }

            existing = created;
        }

        var updated = state switch
        {
            "in_progress" => await service.StartAsync(tenant, existing.Id, at, ct),
            "success" => await service.FinishAsync(tenant, existing.Id, at, failed: false, ct),
            "failure" or "error" => await service.FinishAsync(tenant, existing.Id, at, failed: true, ct),
            _ => existing,
        };
        return TypedResults.Ok(new GitHubWebhookResult(state!, updated?.Id));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<DeploymentResponse> DescribeAsync(Deployment deployment, IDeploymentStore store, CancellationToken ct)
    {
        var checks = await store.GetChecksAsync(deployment.TenantId, deployment.Id, ct);
        return new DeploymentResponse(deployment, checks, DeploymentService.Gate(deployment, checks));
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"There is no deployment '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    [LoggerMessage(EventId = 5511, Level = LogLevel.Warning, Message = "GitHub webhook from {Remote} rejected: bad signature")]
    private static partial void LogBadSignature(ILogger logger, string remote);
}
