using System.Security.Claims;
using Argus.AI.Gateway;
using Argus.AI.Masking;
using Argus.AI.Roles;
using Argus.Server.Api;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Ai;

/// <summary><c>POST /api/mask/preview</c>: <paramref name="Text"/>, and optionally the <paramref name="Role"/> whose kinds apply (its production version).</summary>
internal sealed record MaskPreviewRequest(string? Text, string? Role = null);

internal sealed record MaskPreviewResponse(string MaskedText, IReadOnlyDictionary<string, int> Kinds, int Masked);

/// <summary>
/// <c>POST /api/mask/preview</c>: what a text would look like when it leaves for an external LLM, under the caller's
/// tenant settings and a role's kinds; <c>GET/PUT/DELETE /api/masking/settings</c>: the tenant's masking settings.
/// </summary>
internal static class MaskingApi
{
    /// <summary>Preview bodies are for people to read; a megabyte is plenty and bounds the work.</summary>
    private const int MaxPreviewChars = 1 << 20;

    public static RouteGroupBuilder MapMaskingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/mask/preview", PreviewAsync).RequireAuthorization(ArgusPolicies.Read);
        api.MapGet("/masking/settings", GetSettingsAsync).RequireAuthorization(ArgusPolicies.Read);
        api.MapPut("/masking/settings", PutSettingsAsync).RequireAuthorization(ArgusPolicies.Admin);
        api.MapDelete("/masking/settings", DeleteSettingsAsync).RequireAuthorization(ArgusPolicies.Admin);
        return api;
    }

    private static async Task<IResult> PreviewAsync(
        HttpRequest http, ClaimsPrincipal user, MaskingSettingsStore settings, RoleStore roles, IChatMasker masker, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(http, ArgusJsonContext.Default.MaskPreviewRequest, "preview request", ct);
        if (read.Value is not { } request)
        {
            return read.Problem!;
        }

        if (request.Text is null || request.Text.Length > MaxPreviewChars)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["text"] = [$"'text' is required, at most {MaxPreviewChars} characters."],
            });
        }

        var tenant = user.Tenant();
        var roleMasking = RoleMasking.Auto;
        if (request.Role is not null)
        {
            var snapshot = await roles.GetAsync(tenant, request.Role, null, null, ct);
            if (snapshot is null)
            {
                return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 404, Title = "Role not found", Detail = $"There is no role '{request.Role}'." });
            }

            roleMasking = snapshot.Version.Definition.Masking;
        }

        var tenantSettings = await settings.GetAsync(tenant, ct);
        var engine = masker as SensitiveDataChatMasker ?? new SensitiveDataChatMasker();
        var preview = engine.MaskerFor(tenantSettings.Options, roleMasking).Preview(request.Text);
        return TypedResults.Ok(new MaskPreviewResponse(preview.MaskedText, preview.ByName, preview.ByName.Values.Sum()));
    }

    private static async Task<Ok<MaskingSettingsResponse>> GetSettingsAsync(ClaimsPrincipal user, MaskingSettingsStore settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.DescribeAsync(user.Tenant(), ct));

    private static async Task<IResult> PutSettingsAsync(HttpRequest request, ClaimsPrincipal user, MaskingSettingsStore settings, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(request, MaskingJsonContext.Default.MaskingSettingsDocument, "masking settings object", ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var (_, problems) = MaskingSettingsParser.Parse(body, settings.Limits);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems, "The masking settings have problems; nothing was saved.", title: "Invalid masking settings");
        }

        var tenant = user.Tenant();
        await settings.SaveAsync(tenant, body, RolesApi.Author(user), ct);
        return TypedResults.Ok(await settings.DescribeAsync(tenant, ct));
    }

    private static async Task<Ok<MaskingSettingsResponse>> DeleteSettingsAsync(ClaimsPrincipal user, MaskingSettingsStore settings, CancellationToken ct)
    {
        var tenant = user.Tenant();
        await settings.ResetAsync(tenant, ct);
        return TypedResults.Ok(await settings.DescribeAsync(tenant, ct));
    }
}
