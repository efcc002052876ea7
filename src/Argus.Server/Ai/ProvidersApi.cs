using System.Security.Claims;
using System.Text.RegularExpressions;
using Argus.AI.Providers;
using Argus.Core.Outbound;
using Argus.Server.Api;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Ai;

/// <summary>
/// <c>/api/providers</c>: the providers a tenant's roles may use. Configured ones (<c>Argus:Providers</c>) and the
/// built-in analyst are listed and read-only; a tenant adds, changes and deletes its own. The API key is write-only:
/// responses say <c>hasApiKey</c>, and credential headers show as <c>***</c>.
/// </summary>
internal static partial class ProvidersApi
{
    /// <summary>What GET shows and a client may send back unchanged (headers come back as <c>***</c>, which keeps them).</summary>
    private static readonly string[] ReadOnlyFields = ["hasApiKey", "source", "readOnly"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    public static RouteGroupBuilder MapProvidersApi(this RouteGroupBuilder api)
    {
        var providers = api.MapGroup("/providers");
        providers.MapGet("", (ClaimsPrincipal user, ProviderRegistry registry) => TypedResults.Ok(new ProvidersResponse(registry.List(user.Tenant()))))
            .RequireAuthorization(ArgusPolicies.Read);
        providers.MapGet("/{name}", GetAsync).RequireAuthorization(ArgusPolicies.Read);
        providers.MapPost("", CreateAsync).RequireAuthorization(ArgusPolicies.Admin);
        providers.MapPut("/{name}", UpdateAsync).RequireAuthorization(ArgusPolicies.Admin);
        providers.MapDelete("/{name}", DeleteAsync).RequireAuthorization(ArgusPolicies.Admin);
        return api;
    }

    private static Results<Ok<ProviderInfo>, ProblemHttpResult> GetAsync(string name, ClaimsPrincipal user, ProviderRegistry registry) =>
        registry.Get(name, user.Tenant()) is { } info ? TypedResults.Ok(info) : NotFound(name);

    private static Task<IResult> CreateAsync(
        HttpContext context, ClaimsPrincipal user, ProviderStore store, ProviderRegistry registry, OutboundAddressPolicy policy, ILogger<ProviderStore> logger, CancellationToken ct) =>
        SaveAsync(null, context, user, store, registry, policy, logger, ct);

    private static Task<IResult> UpdateAsync(
        string name, HttpContext context, ClaimsPrincipal user, ProviderStore store, ProviderRegistry registry, OutboundAddressPolicy policy, ILogger<ProviderStore> logger, CancellationToken ct) =>
        SaveAsync(name, context, user, store, registry, policy, logger, ct);

    private static async Task<IResult> SaveAsync(
        string? routeName, HttpContext context, ClaimsPrincipal user, ProviderStore store, ProviderRegistry registry, OutboundAddressPolicy policy, ILogger logger, CancellationToken ct)
    {
        // The body limit is the API's (Argus:Api:MaxRequestBodyBytes), applied while reading by RequestBodyLimits.
        var read = await StrictJson.ReadAsync(context.Request, ArgusJsonContext.Default.ProviderWriteRequest, "provider", ct, ReadOnlyFields);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var name = routeName ?? body.Name ?? "";
        if (routeName is not null && body.Name is not null && body.Name != routeName)
        {
            return Invalid(new() { ["name"] = [$"the body's name '{body.Name}' differs from the URL's '{routeName}'; a provider's name cannot change."] });
        }

        if (registry.IsReadOnly(name))
        {
            return ReadOnly(name);
        }

        var tenant = user.Tenant();
        var current = routeName is null ? null : await store.FindAsync(tenant, name, ct);
        if (routeName is not null && current is null)
        {
            return NotFound(name);
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        if (!NamePattern().IsMatch(name))
        {
            Add("name", "'name' is required: letters, digits, '.', '_' and '-', at most 64 characters, starting with a letter or digit.");
        }

        // Secrets stay with their destination: when the URL the calls go to changes, stored ones must be sent again, or
        // whoever may edit the provider could point it at a server of theirs and receive the key.
        var moved = current is not null && !SameDestination(body.Type, body.BaseUrl, current);
        if (moved && body.ApiKey is null && !string.IsNullOrEmpty(current!.ApiKey))
        {
            Add("apiKey", "the base URL changed, so 'apiKey' must be sent again (\"\" removes it): a stored key is not sent to a new destination.");
        }

        // Write-only fields: an absent apiKey keeps the stored one ("" removes it); a header sent back as *** keeps its value.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, value) in body.Headers ?? [])
        {
            if (value == ProviderHeaders.Hidden && moved)
            {
                Add($"headers.{header}", $"the base URL changed, so the value of header '{header}' must be sent again instead of '***': a stored value is not sent to a new destination.");
            }
            else if (value == ProviderHeaders.Hidden)
            {
                if (current?.Headers.TryGetValue(header, out var kept) == true)
                {
                    headers[header] = kept;
                }
                else
                {
                    Add($"headers.{header}", $"'***' keeps a stored value, but header '{header}' has none.");
                }
            }
            else
            {
                headers[header] = value ?? "";
            }
        }

        var options = new ProviderOptions
        {
            Type = body.Type,
            BaseUrl = string.IsNullOrEmpty(body.BaseUrl) ? null : body.BaseUrl,
            ApiKey = body.ApiKey ?? current?.ApiKey,
            TimeoutMs = body.TimeoutMs ?? 60_000,
            SupportsJsonSchema = body.SupportsJsonSchema,
            Prices = new Dictionary<string, ModelPrice>(
                (body.Prices ?? []).Select(p => KeyValuePair.Create(p.Key, p.Value ?? new ModelPrice { InputPerMillion = double.NaN })), StringComparer.Ordinal),
            Headers = headers,
        };
        if (options.ApiKey?.Length == 0)
        {
            options.ApiKey = null;
        }

        foreach (var (field, rule) in ProviderOptionsValidator.Check(options))
        {
            Add(ApiField(field), $"'{ApiField(field)}' {rule}");
        }

        // Tenant-managed providers are tenant-directed connections: the early check of the address policy (the real one is at connect time).
        if (options.BaseUrl is not null && Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUri) && policy.CheckHost(baseUri.Host) is { } refused)
        {
            Add("baseUrl", $"'baseUrl' is {refused}.");
        }

        if (errors.Count > 0)
        {
            return Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        var author = RolesApi.Author(user);
        var status = await store.SaveAsync(tenant, name, options, author, create: routeName is null, ct);
        switch (status)
        {
            case ProviderWriteStatus.Exists:
                return TypedResults.Problem($"Provider '{name}' exists; PUT /api/providers/{name} changes it.", statusCode: StatusCodes.Status409Conflict, title: "Provider exists");
            case ProviderWriteStatus.NotFound:
                return NotFound(name);
        }

        AiLog.ProviderChanged(logger, name, tenant, routeName is null ? "created" : "changed", author);
        var info = registry.Get(name, tenant)!;
        return routeName is null ? TypedResults.Created($"/api/providers/{name}", info) : TypedResults.Ok(info);
    }

    private static async Task<IResult> DeleteAsync(string name, ClaimsPrincipal user, ProviderStore store, ProviderRegistry registry, ILogger<ProviderStore> logger, CancellationToken ct)
    {
        if (registry.IsReadOnly(name))
        {
            return ReadOnly(name);
        }

        var tenant = user.Tenant();
        var (status, roles) = await store.DeleteAsync(tenant, name, ct);
        switch (status)
        {
            case ProviderWriteStatus.NotFound:
                return NotFound(name);
            case ProviderWriteStatus.InUse:
                return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["roles"] = [.. roles] })
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "Provider in use",
                    Detail = $"Provider '{name}' is used by the chains of {string.Join("; ", roles)}. Save those roles without it (and move their labels) first.",
                });
        }

        AiLog.ProviderChanged(logger, name, tenant, "deleted", RolesApi.Author(user));
        return TypedResults.NoContent();
    }

    // Where calls go: the base URL as given, or the type's default, compared after URI normalisation.
    private static bool SameDestination(string? type, string? baseUrl, ProviderOptions current)
    {
        static string? Effective(string? type, string? url) =>
            (string.IsNullOrEmpty(url) ? ProviderRegistry.DefaultBaseUrl(type) : url) is { } u && Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : null;

        return Effective(type, baseUrl) is { } now && now == Effective(current.Type, current.BaseUrl);
    }

    // Configuration paths (Type, Prices:gpt-4o) as the API's JSON names (type, prices.gpt-4o).
    private static string ApiField(string field)
    {
        var dotted = field.Replace(':', '.');
        return char.ToLowerInvariant(dotted[0]) + dotted[1..];
    }

    private static ProblemHttpResult ReadOnly(string name) => TypedResults.Problem(
        name == ProviderOptions.BuiltInName
            ? "'argus' is the built-in analyst; it cannot be changed or deleted."
            : $"Provider '{name}' is defined in the server's configuration (Argus:Providers:{name}) and is read-only through the API; change it there, or choose another name.",
        statusCode: StatusCodes.Status409Conflict,
        title: "Provider is read-only");

    private static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem($"There is no provider '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Provider not found");

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, "The provider has problems; all are listed.");
}

/// <summary>
/// <c>POST /api/providers</c> and <c>PUT /api/providers/{name}</c>. <c>apiKey</c> is write-only: absent (or null) keeps
/// the stored key on PUT, <c>""</c> removes it.
/// </summary>
internal sealed record ProviderWriteRequest(
    string? Name,
    string? Type,
    string? BaseUrl,
    string? ApiKey,
    Dictionary<string, string?>? Headers,
    int? TimeoutMs,
    bool? SupportsJsonSchema,
    Dictionary<string, ModelPrice?>? Prices);
