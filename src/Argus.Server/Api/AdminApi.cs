using System.Security.Claims;
using System.Text.RegularExpressions;
using Argus.Core.Tenancy;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Api;

/// <summary>Tenants and API keys. Keys are shown once, when created; lists show only their prefix.</summary>
internal static partial class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequireAuthorization(ArgusPolicies.Admin);
        admin.MapPost("/tenants", CreateTenantAsync);
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapPost("/keys", CreateKeyAsync);
        admin.MapDelete("/keys/{id}", RevokeKeyAsync);
        return api;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex TenantIdPattern();

    private static async Task<IResult> CreateTenantAsync(
        HttpRequest http, ClaimsPrincipal user, IDbContextFactory<ControlPlaneDbContext> dbFactory, TimeProvider time, CancellationToken ct)
    {
        if (user.FindFirstValue(ArgusClaimTypesInternal.SystemTenant) != "true")
        {
            return TypedResults.Forbid();
        }

        var read = await StrictJson.ReadAsync(http, ArgusJsonContext.Default.CreateTenantRequest, "tenant", ct);
        if (read.Value is not { } request)
        {
            return read.Problem!;
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Id is null || !TenantIdPattern().IsMatch(request.Id))
        {
            errors["id"] = ["'id' is required: lower-case letters, digits and '-', at most 63 characters."];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors["name"] = ["'name' is required, at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Tenants.AnyAsync(t => t.Id == request.Id, ct))
        {
            return TypedResults.Conflict(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Tenant exists",
                Detail = $"A tenant with id '{request.Id}' already exists.",
            });
        }

        var now = time.GetUtcNow();
        db.Tenants.Add(new TenantEntity { Id = request.Id!, Name = request.Name!, CreatedAt = now });
        var (entity, key) = NewKey(request.Id!, "admin", ApiKeys.RoleAdmin, now);
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/tenants/{request.Id}", new TenantResponse(request.Id!, request.Name!,
            new CreatedKeyResponse(entity.Id, entity.TenantId, entity.Name, entity.Role, key)));
    }

    private static async Task<Ok<IReadOnlyList<KeyItem>>> ListKeysAsync(
        ClaimsPrincipal user, IDbContextFactory<ControlPlaneDbContext> dbFactory, CancellationToken ct)
    {
        var tenant = user.Tenant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenant).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<KeyItem>>([.. keys.OrderBy(k => k.CreatedAt).Select(k => new KeyItem(k.Id, k.Name, k.Role, k.Prefix, k.CreatedAt, k.RevokedAt))]);
    }

    private static async Task<IResult> CreateKeyAsync(
        HttpRequest http, ClaimsPrincipal user, IDbContextFactory<ControlPlaneDbContext> dbFactory, TimeProvider time, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(http, ArgusJsonContext.Default.CreateKeyRequest, "key", ct);
        if (read.Value is not { } request)
        {
            return read.Problem!;
        }

        var role = request.Role ?? ApiKeys.RoleIngest;
        var errors = new Dictionary<string, string[]>();
        if (!ApiKeys.Roles.Contains(role))
        {
            errors["role"] = ["'role' must be one of admin, ingest, read."];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors["name"] = ["'name' is required, at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (entity, key) = NewKey(user.Tenant(), request.Name!, role, time.GetUtcNow());
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/keys/{entity.Id}", new CreatedKeyResponse(entity.Id, entity.TenantId, entity.Name, entity.Role, key));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKeyAsync(
        string id, ClaimsPrincipal user, IDbContextFactory<ControlPlaneDbContext> dbFactory, ApiKeyResolver resolver, TimeProvider time, CancellationToken ct)
    {
        var tenant = user.Tenant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.TenantId == tenant, ct);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        resolver.Invalidate();
        return TypedResults.NoContent();
    }

    private static (ApiKeyEntity Entity, string Key) NewKey(string tenantId, string name, string role, DateTimeOffset now)
    {
        var key = ApiKeys.Generate();
        return (ApiKeys.NewEntity(tenantId, name, role, key, now), key);
    }
}
