using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Argus.AI.Gateway;
using Argus.AI.Providers;
using Argus.AI.Roles;
using Argus.Core.Llm;
using Argus.Core.Tenancy;
using Argus.Server.Api;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>
/// Roles (<c>/api/roles</c>), calling them (<c>/api/roles/{code}/chat</c>), the providers, and the call log
/// (<c>/api/llm/calls</c>, <c>/api/llm/usage</c>). Everything is scoped to the caller's tenant.
/// </summary>
internal static partial class RolesApi
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelPattern();

    public static RouteGroupBuilder MapRolesApi(this RouteGroupBuilder api)
    {
        var roles = api.MapGroup("/roles");
        roles.MapGet("", ListAsync).RequireAuthorization(ArgusPolicies.Read);
        roles.MapGet("/{code}", GetAsync).RequireAuthorization(ArgusPolicies.Read);
        roles.MapPost("", CreateAsync).RequireAuthorization(ArgusPolicies.Admin);
        roles.MapPut("/{code}", UpdateAsync).RequireAuthorization(ArgusPolicies.Admin);
        roles.MapGet("/{code}/versions", VersionsAsync).RequireAuthorization(ArgusPolicies.Read);
        roles.MapPost("/{code}/labels/{label}", SetLabelAsync).RequireAuthorization(ArgusPolicies.Admin);
        roles.MapPost("/{code}/chat", ChatAsync).RequireAuthorization(ArgusPolicies.Authenticated)
            .WithBodyLimit(sp => sp.GetRequiredService<IOptions<AiOptions>>().Value.MaxRequestBodyBytes, "Argus:Ai:MaxRequestBodyBytes");
        api.MapProvidersApi();
        api.MapGet("/llm/calls", CallsAsync).RequireAuthorization(ArgusPolicies.Read);
        api.MapGet("/llm/usage", UsageAsync).RequireAuthorization(ArgusPolicies.Read);
        return api;
    }

    private static async Task<Ok<RoleListResponse>> ListAsync(ClaimsPrincipal user, RoleStore store, CancellationToken ct)
    {
        var roles = await store.ListAsync(user.Tenant(), ct);
        return TypedResults.Ok(new RoleListResponse([.. roles.Select(r => new RoleListItem(
            r.Version.Definition.Code, r.Version.Definition.Name, r.Version.Definition.Description, r.Version.Version, r.LatestVersion, r.Labels,
            r.Version.Definition.ResponseFormat.Type, [.. r.Version.Definition.Chain.Select(c => $"{c.Provider}/{c.Model}")]))]));
    }

    private static async Task<Results<Ok<RoleResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> GetAsync(
        string code, string? label, int? version, ClaimsPrincipal user, RoleStore store, CancellationToken ct)
    {
        var snapshot = await store.GetAsync(user.Tenant(), code, label, version, ct);
        return snapshot is null ? NotFound(code) : TypedResults.Ok(ToResponse(snapshot, null));
    }

    private static async Task<Results<Ok<RoleVersionsResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> VersionsAsync(
        string code, ClaimsPrincipal user, RoleStore store, CancellationToken ct)
    {
        var tenant = user.Tenant();
        var versions = await store.GetVersionsAsync(tenant, code, ct);
        if (versions is null)
        {
            return NotFound(code);
        }

        var labels = (await store.GetAsync(tenant, code, null, null, ct))?.Labels ?? new Dictionary<string, int>();
        return TypedResults.Ok(new RoleVersionsResponse(code, [.. versions.Select(v => new RoleVersionItem(
            v.Version, v.Author, v.CreatedAt, v.Message, [.. labels.Where(l => l.Value == v.Version).Select(l => l.Key).Order(StringComparer.Ordinal)], v.Definition))]));
    }

    private static Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, RoleStore store, ProviderRegistry providers, ILogger<RoleStore> logger, CancellationToken ct) =>
        SaveAsync(null, request, user, store, providers, logger, ct);

    private static Task<IResult> UpdateAsync(string code, HttpRequest request, ClaimsPrincipal user, RoleStore store, ProviderRegistry providers, ILogger<RoleStore> logger, CancellationToken ct) =>
        SaveAsync(code, request, user, store, providers, logger, ct);

    private static async Task<IResult> SaveAsync(
        string? code, HttpRequest request, ClaimsPrincipal user, RoleStore store, ProviderRegistry providers, ILogger logger, CancellationToken ct)
    {
        var (definition, message, problem) = await ReadRoleAsync(request, ct);
        if (definition is null)
        {
            return problem!;
        }

        if (code is not null)
        {
            if (definition.Code.Length > 0 && definition.Code != code)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [$"the body's code '{definition.Code}' differs from the URL's '{code}'; a role's code cannot change."] });
            }

            definition = definition with { Code = code };
        }

        var validation = RoleValidator.Validate(definition, providers, user.Tenant());
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors.ToDictionary(e => e.Key, e => e.Value), "The role definition has problems; all are listed.");
        }

        var tenant = user.Tenant();
        if (code is not null && await store.GetAsync(tenant, code, null, null, ct) is { } current && !MayEdit(user, current.Version.Definition))
        {
            return TypedResults.Problem($"Keys of this role may not edit role '{code}'.", statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
        }

        var author = Author(user);
        var (status, snapshot) = await store.SaveAsync(tenant, definition, author, message, create: code is null, ct);
        switch (status)
        {
            case RoleWriteStatus.Conflict:
                return TypedResults.Problem($"Role '{definition.Code}' exists; PUT /api/roles/{definition.Code} saves a new version.", statusCode: StatusCodes.Status409Conflict, title: "Role exists");
            case RoleWriteStatus.NotFound:
                return NotFound(definition.Code);
        }

        AiLog.RoleSaved(logger, definition.Code, tenant, snapshot!.Version.Version, author);
        var response = ToResponse(snapshot, validation.Warnings);
        return code is null ? TypedResults.Created($"/api/roles/{definition.Code}", response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> SetLabelAsync(
        string code, string label, HttpRequest request, ClaimsPrincipal user, RoleStore store, ILogger<RoleStore> logger, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(request, ArgusJsonContext.Default.SetLabelRequest, "label move", ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var errors = new Dictionary<string, string[]>();
        if (!LabelPattern().IsMatch(label))
        {
            errors["label"] = ["a label is lower-case letters, digits, '-' and '_', at most 63 characters."];
        }

        if (body.Version is not > 0)
        {
            errors["version"] = ["'version' is required: the version the label should point at."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var tenant = user.Tenant();
        if (await store.GetAsync(tenant, code, null, null, ct) is { } current && !MayEdit(user, current.Version.Definition))
        {
            return TypedResults.Problem($"Keys of this role may not edit role '{code}'.", statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
        }

        var author = Author(user);
        var (status, snapshot) = await store.SetLabelAsync(tenant, code, label, body.Version!.Value, author, ct);
        if (status == RoleWriteStatus.VersionNotFound)
        {
            return TypedResults.Problem($"Role '{code}' has no version {body.Version}.", statusCode: StatusCodes.Status404NotFound, title: "Version not found");
        }

        if (snapshot is null)
        {
            return NotFound(code);
        }

        AiLog.LabelMoved(logger, code, tenant, label, body.Version.Value, author);
        return TypedResults.Ok(ToResponse(snapshot, null));
    }

    private static async Task<IResult> ChatAsync(
        string code, RoleChatRequest body, HttpContext context, ClaimsPrincipal user, RoleStore store, MaskingSettingsStore masking, RoleGateway gateway, IOptions<AiOptions> options, CancellationToken ct)
    {
        if (body.Rejected is { } rejected)
        {
            return rejected;
        }

        var (request, error) = await RoleCalls.PrepareAsync(user, code, body.Label, body.Version, body.Messages, body.Variables, store, masking, options.Value, ct);
        if (request is null)
        {
            return error!.ToProblem(context);
        }

        if (!body.Stream)
        {
            try
            {
                var answer = await gateway.CompleteAsync(request, ct);
                return TypedResults.Ok(ToChatResponse(request, answer));
            }
            catch (RoleCallException ex)
            {
                return RoleCallError.From(ex).ToProblem(context);
            }
        }

        // Streaming: errors before the first chunk are ordinary problem answers; after it, an SSE "error" event.
        var enumerator = gateway.StreamAsync(request, ct).GetAsyncEnumerator(ct);
        bool any;
        try
        {
            any = await enumerator.MoveNextAsync();
        }
        catch (RoleCallException ex)
        {
            await enumerator.DisposeAsync();
            return RoleCallError.From(ex).ToProblem(context);
        }

        return new SseResult(async response =>
        {
            try
            {
                var has = any;
                while (has)
                {
                    var chunk = enumerator.Current;
                    if (chunk.Final is { } final)
                    {
                        await WriteEventAsync(response, "done", JsonSerializer.Serialize(ToChatResponse(request, final), ArgusJsonContext.Default.RoleChatResponse), ct);
                    }
                    else
                    {
                        await WriteEventAsync(response, "delta", JsonSerializer.Serialize(new ChatDeltaEvent(chunk.Delta), ArgusJsonContext.Default.ChatDeltaEvent), ct);
                    }

                    has = await enumerator.MoveNextAsync();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "The stream broke", Detail = "The provider failed after the answer had started; see the call log.", Status = 502 };
                await WriteEventAsync(response, "error", JsonSerializer.Serialize(problem, ArgusJsonContext.Default.ProblemDetails), ct);
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
        });
    }

    private static async Task<Results<Ok<LlmCallsResponse>, ValidationProblem>> CallsAsync(
        string? from, string? to, string? role, string? client, string? model, string? status, string? limit,
        ClaimsPrincipal user, ILlmCallLog log, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to, TimeSpan.FromDays(1));
        var max = q.Limit(limit, 100, 1000);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var calls = await log.QueryCallsAsync(user.Tenant(), new LlmCallQuery(range, role, client, model, status, max), ct);
        return TypedResults.Ok(new LlmCallsResponse(calls));
    }

    private static async Task<Results<Ok<LlmUsageResponse>, ValidationProblem>> UsageAsync(
        string? from, string? to, string? groupBy, string? step, ClaimsPrincipal user, ILlmCallLog log, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to, TimeSpan.FromDays(1));
        var stepValue = q.Step(step, range);
        LlmUsageGroupBy? group = (groupBy ?? "role") switch
        {
            "role" => LlmUsageGroupBy.Role,
            "client" => LlmUsageGroupBy.Client,
            "model" => LlmUsageGroupBy.Model,
            _ => null,
        };
        if (group is null)
        {
            q.Add("groupBy", "'groupBy' must be role, client or model.");
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var points = await log.GetUsageAsync(user.Tenant(), new LlmUsageQuery(range, stepValue, group!.Value), ct);
        return TypedResults.Ok(new LlmUsageResponse(groupBy ?? "role", stepValue.TotalSeconds, [.. points.Select(p => new LlmUsageItem(
            p.Time, p.Group, p.Calls, p.Errors, p.ErrorRate, p.InputTokens, p.OutputTokens, p.Cost, p.P50LatencyMs, p.P95LatencyMs))]));
    }

    internal static RoleChatResponse ToChatResponse(GatewayRequest request, GatewayAnswer answer) => new(
        answer.CallId, request.RoleCode, request.RoleVersion, answer.Text, answer.Json, answer.Provider, answer.Model, answer.Link, answer.BuiltIn,
        new UsageDto(answer.InputTokens, answer.OutputTokens), Math.Round(answer.LatencyMs, 3), answer.Attempts);

    internal static async Task WriteEventAsync(HttpResponse response, string name, string json, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>A role is its definition's fields and <c>message</c> (why it changed, like a commit message) side by side.</summary>
    private static async Task<(RoleDefinition? Role, string? Message, IResult? Problem)> ReadRoleAsync(HttpRequest request, CancellationToken ct)
    {
        // The body limit is the API's (Argus:Api:MaxRequestBodyBytes), applied while reading by RequestBodyLimits.
        var (document, problem) = await StrictJson.ParseAsync(request, ct);
        if (document is null)
        {
            return (null, null, problem);
        }

        using (document)
        {
            var root = document.RootElement;
            string? message = null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) && m.ValueKind != JsonValueKind.Null)
            {
                if (m.ValueKind != JsonValueKind.String)
                {
                    return (null, null, StrictJson.Invalid("message", "'message' must be a string."));
                }

                message = m.GetString();
            }

            var read = StrictJson.Bind(root, AiJsonContext.Default.RoleDefinition, "role", "message");
            return read.Value is { } role ? (role.Normalized(), message, null) : (null, null, read.Problem);
        }
    }

    private static bool MayEdit(ClaimsPrincipal user, RoleDefinition role) => role.Access.Edit.Contains(user.FindFirstValue(ArgusClaimTypes.Role) ?? "");

    internal static string Author(ClaimsPrincipal user) =>
        $"{user.FindFirstValue(ClaimTypes.Name) ?? "unknown"} ({user.FindFirstValue(ArgusClaimTypes.ApiKeyId) ?? "no key"})";

    private static NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails> NotFound(string code) =>
        TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 404, Title = "Role not found", Detail = $"There is no role '{code}' (or no such label or version)." });

    private static RoleResponse ToResponse(RoleSnapshot s, IReadOnlyList<string>? warnings) => new(
        s.Version.Definition.Code, s.Version.Version, s.LatestVersion, s.Labels, s.Version.Author, s.Version.CreatedAt, s.Version.Message, s.Version.Definition,
        warnings is { Count: > 0 } ? warnings : null);
}

/// <summary>A server-sent events answer: headers that keep proxies from buffering, then whatever <c>write</c> sends.</summary>
internal sealed class SseResult(Func<HttpResponse, Task> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await write(response);
    }
}
