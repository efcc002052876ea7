using System.Net.Mail;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argus.Core.Outbound;
using Argus.Operations.Notifications;
using Argus.Server.Api;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Notifications;

/// <summary>
/// Notification channels (<c>/api/channels</c>), their test, and the delivery log (<c>/api/channels/deliveries</c>).
/// Everything is scoped to the caller's tenant; secrets are accepted and never shown again.
/// </summary>
internal static partial class ChannelsApi
{
    private const int MaxSecretLength = 4096;
    private const int MaxHeaders = 20;

    /// <summary>What GET shows and a client may send back unchanged: read-only, so accepted and not read.</summary>
    private static readonly string[] ReadOnlyFields = ["id", "hasSecret", "headerNames", "createdAt", "updatedAt", "smtp.hasPassword"];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderNamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    public static RouteGroupBuilder MapChannelsApi(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/channels");
        channels.MapGet("", ListAsync).RequireAuthorization(ArgusPolicies.Read);
        channels.MapGet("/deliveries", DeliveriesAsync).RequireAuthorization(ArgusPolicies.Read);
        channels.MapGet("/{id}", GetAsync).RequireAuthorization(ArgusPolicies.Read);
        channels.MapPost("", CreateAsync).RequireAuthorization(ArgusPolicies.Admin);
        channels.MapPut("/{id}", UpdateAsync).RequireAuthorization(ArgusPolicies.Admin);
        channels.MapDelete("/{id}", DeleteAsync).RequireAuthorization(ArgusPolicies.Admin);
        channels.MapPost("/{id}/test", TestAsync).RequireAuthorization(ArgusPolicies.Admin);
        return api;
    }

    private static async Task<Ok<ChannelListResponse>> ListAsync(ClaimsPrincipal user, ChannelStore store, CancellationToken ct) =>
        TypedResults.Ok(new ChannelListResponse([.. (await store.ListAsync(user.Tenant(), ct)).Select(ToResponse)]));

    private static async Task<Results<Ok<ChannelResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> GetAsync(
        string id, ClaimsPrincipal user, ChannelStore store, CancellationToken ct) =>
        await store.FindAsync(user.Tenant(), id, ct) is { } entity ? TypedResults.Ok(ToResponse(entity)) : NotFound(id);

    private static async Task<IResult> CreateAsync(
        HttpRequest http, ClaimsPrincipal user, ChannelStore store, OutboundAddressPolicy policy, TimeProvider time, ILogger<ChannelStore> logger, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(http, ArgusJsonContext.Default.ChannelRequest, "channel", ct, ReadOnlyFields);
        if (read.Value is not { } request)
        {
            return read.Problem!;
        }

        var tenant = user.Tenant();
        var (settings, errors) = Validate(request, null, policy);
        if (request.Name is { } name && NamePattern().IsMatch(name) && await store.NameTakenAsync(tenant, name, null, ct))
        {
            Add(errors, "name", $"the tenant already has a channel called '{name}'.");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, "The channel definition has problems; all are listed.");
        }

        var now = time.GetUtcNow();
        var entity = new ChannelEntity
        {
            Id = "ch_" + Guid.NewGuid().ToString("N")[..16],
            TenantId = tenant,
            Name = request.Name!,
            Type = request.Type!,
            Enabled = request.Enabled ?? true,
            Settings = settings.ToJson(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await store.SaveAsync(entity, create: true, ct))
        {
            return Conflict(entity.Name);
        }

        ChannelsLog.ChannelSaved(logger, entity.Name, entity.Id, entity.Type, tenant);
        return TypedResults.Created($"/api/channels/{entity.Id}", ToResponse(entity));
    }

    private static async Task<IResult> UpdateAsync(
        string id, HttpRequest http, ClaimsPrincipal user, ChannelStore store, OutboundAddressPolicy policy, TimeProvider time, ILogger<ChannelStore> logger, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(http, ArgusJsonContext.Default.ChannelRequest, "channel", ct, ReadOnlyFields);
        if (read.Value is not { } request)
        {
            return read.Problem!;
        }

        var tenant = user.Tenant();
        if (await store.FindAsync(tenant, id, ct) is not { } current)
        {
            return NotFound(id);
        }

        var (settings, errors) = Validate(request, current, policy);
        if (request.Name is { } name && NamePattern().IsMatch(name) && await store.NameTakenAsync(tenant, name, current.Id, ct))
        {
            Add(errors, "name", $"the tenant already has a channel called '{name}'.");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, "The channel definition has problems; all are listed.");
        }

        current.Name = request.Name!;
        current.Enabled = request.Enabled ?? current.Enabled;
        current.Settings = settings.ToJson();
        current.UpdatedAt = time.GetUtcNow();
        if (!await store.SaveAsync(current, create: false, ct))
        {
            return Conflict(current.Name);
        }

        ChannelsLog.ChannelSaved(logger, current.Name, current.Id, current.Type, tenant);
        return TypedResults.Ok(ToResponse(current));
    }

    private static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> DeleteAsync(
        string id, ClaimsPrincipal user, ChannelStore store, ILogger<ChannelStore> logger, CancellationToken ct)
    {
        var tenant = user.Tenant();
        if (await store.FindAsync(tenant, id, ct) is not { } current || !await store.DeleteAsync(tenant, current.Id, ct))
        {
            return NotFound(id);
        }

        ChannelsLog.ChannelDeleted(logger, current.Name, current.Id, tenant);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ChannelTestResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> TestAsync(
        string id, ClaimsPrincipal user, ChannelStore store, NotificationDispatcher dispatcher, CancellationToken ct)
    {
        var tenant = user.Tenant();
        if (await store.FindAsync(tenant, id, ct) is not { } entity)
        {
            return NotFound(id);
        }

        var text = $"This is a test message from Argus to channel '{entity.Name}'. If you can read it, the channel works.";
        var message = new NotificationMessage(NotificationEvents.Test, "Argus test notification", "info", text)
        {
            Sections = [new NotificationSection("Test", text)],
            Data = JsonDocument.Parse(new JsonObject { ["channel"] = entity.Name, ["tenant"] = tenant }.ToJsonString()).RootElement.Clone(),
        };
        var attempt = await dispatcher.SendNowAsync(ChannelSettings.Of(entity).ToChannel(entity), message, ct);
        return TypedResults.Ok(new ChannelTestResponse(attempt.Status == DeliveryStatus.Sent, ToItem(attempt)));
    }

    private static async Task<Results<Ok<DeliveriesResponse>, ValidationProblem>> DeliveriesAsync(
        string? channel, string? status, string? from, string? to, string? limit, ClaimsPrincipal user, IDeliveryLog log, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to, TimeSpan.FromDays(7));
        var max = q.Limit(limit, 100, 1000);
        DeliveryStatus? wanted = null;
        if (status is not null)
        {
            if (Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _))
            {
                wanted = parsed;
            }
            else
            {
                q.Add("status", "'status' must be sent, retrying, failed or dropped.");
            }
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var attempts = await log.QueryAsync(user.Tenant(), new DeliveryQuery(channel, wanted, range.From, range.To, max), ct);
        return TypedResults.Ok(new DeliveriesResponse([.. attempts.Select(ToItem)]));
    }

    /// <summary>
    /// Checks a request (every problem, keyed by field) and merges it over the stored settings of <paramref name="current"/>.
    /// Stored secrets stay with their destination: a request that changes the URL (or the SMTP server or login) must
    /// send them again, or they would be handed to the new destination by whoever may edit the channel.
    /// </summary>
    private static (ChannelSettings Settings, Dictionary<string, string[]> Errors) Validate(ChannelRequest r, ChannelEntity? current, OutboundAddressPolicy policy)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var stored = current is null ? null : ChannelSettings.Of(current);
        if (r.Name is null || !NamePattern().IsMatch(r.Name))
        {
            Add(errors, "name", "'name' is required: lower-case letters, digits, '-' and '_', at most 63 characters, starting with a letter or digit.");
        }

        var type = r.Type;
        if (type is null || !ChannelTypes.All.Contains(type))
        {
            Add(errors, "type", $"'type' is required: one of {string.Join(", ", ChannelTypes.All)}.");
        }
        else if (current is not null && current.Type != type)
        {
            Add(errors, "type", $"a channel's type cannot change (it is '{current.Type}'); create a new channel instead.");
        }

        // Secrets left out of a PUT keep their stored values.
        var url = r.Url ?? stored?.Url;
        var secret = r.Secret ?? stored?.Secret;
        var headers = r.Headers ?? stored?.Headers;
        if (type is ChannelTypes.Slack or ChannelTypes.Webhook)
        {
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                Add(errors, "url", $"'url' is required for a {type} channel: an absolute http or https URL.");
            }
            else if (policy.CheckHost(uri.Host) is { } refused)
            {
                Add(errors, "url", $"'url' is {refused}.");
            }

            if (type == ChannelTypes.Webhook && stored is not null && r.Url is not null && !SameDestination(r.Url, stored.Url))
            {
                if (r.Secret is null && stored.Secret is not null)
                {
                    Add(errors, "secret", "the URL changed, so 'secret' must be sent again (\"\" removes it): a stored secret is not sent to a new destination.");
                }

                foreach (var header in r.Headers is null ? stored.Headers?.Keys ?? [] : [])
                {
                    Add(errors, $"headers.{header}", $"the URL changed, so header '{header}' must be sent again ('headers' replaces them all): a stored header value is not sent to a new destination.");
                }
            }

            if (type == ChannelTypes.Slack)
            {
                NotFor(errors, r.Secret, "secret", "webhook");
                NotFor(errors, r.Headers, "headers", "webhook");
                secret = null;
                headers = null;
            }

            NotFor(errors, r.Smtp, "smtp", "email");
            NotFor(errors, r.From, "from", "email");
            NotFor(errors, r.To, "to", "email");
        }

        if (type == ChannelTypes.Webhook)
        {
            if (r.Secret is { Length: > MaxSecretLength })
            {
                Add(errors, "secret", $"'secret' may be at most {MaxSecretLength} characters.");
            }

            if (r.Headers is { } h)
            {
                if (h.Count > MaxHeaders)
                {
                    Add(errors, "headers", $"at most {MaxHeaders} extra headers.");
                }

                foreach (var (name, value) in h)
                {
                    if (!HeaderNamePattern().IsMatch(name) || name.StartsWith("X-Argus-", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                    {
                        Add(errors, "headers", $"'{name}' is not a header name Argus can set (a token, not Host, Content-*, or X-Argus-*).");
                    }

                    if (value is null || value.Length > MaxSecretLength || value.Any(c => c is '\r' or '\n'))
                    {
                        Add(errors, "headers", $"the value of header '{name}' must be one line of at most {MaxSecretLength} characters.");
                    }
                }
            }
        }

        SmtpSettings? smtp = null;
        string? from = null;
        List<string>? to = null;
        if (type == ChannelTypes.Email)
        {
            NotFor(errors, r.Url, "url", "slack and webhook");
            NotFor(errors, r.Secret, "secret", "webhook");
            NotFor(errors, r.Headers, "headers", "webhook");
            secret = null;
            headers = null;
            url = null;
            smtp = ValidateSmtp(r.Smtp, stored?.Smtp, policy, errors);
            from = r.From;
            if (from is null || !IsAddress(from))
            {
                Add(errors, "from", "'from' is required: an e-mail address such as argus@example.com.");
            }

            to = r.To;
            if (to is not { Count: > 0 })
            {
                Add(errors, "to", "'to' is required: a list of at least one e-mail address.");
            }
            else
            {
                foreach (var address in to.Where(a => !IsAddress(a)))
                {
                    Add(errors, "to", $"'{address}' is not an e-mail address.");
                }
            }
        }

        return (new ChannelSettings(url, string.IsNullOrEmpty(secret) ? null : secret, headers is { Count: > 0 } ? headers : null, smtp, from, to), errors);
    }

    private static SmtpSettings? ValidateSmtp(SmtpRequest? s, SmtpSettings? stored, OutboundAddressPolicy policy, Dictionary<string, string[]> errors)
    {
        if (s is null)
        {
            Add(errors, "smtp", "'smtp' is required for an email channel: host, port, security and, if needed, username and password.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(s.Host) || s.Host.Length > 253 || Uri.CheckHostName(s.Host) == UriHostNameType.Unknown)
        {
            Add(errors, "smtp.host", "'smtp.host' is required: a host name or IP address.");
        }
        else if (policy.CheckHost(s.Host) is { } refused)
        {
            Add(errors, "smtp.host", $"'smtp.host' is {refused}.");
        }

        if (s.Port is not (>= 1 and <= 65535))
        {
            Add(errors, "smtp.port", "'smtp.port' is required: 1 to 65535 (usually 25, 465 or 587).");
        }

        var security = SmtpSecurity.StartTls;
        if (s.Security is not null && (!Enum.TryParse(s.Security, ignoreCase: true, out security) || int.TryParse(s.Security, out _)))
        {
            Add(errors, "smtp.security", "'smtp.security' must be None, StartTls, SslOnConnect or Auto (default StartTls).");
        }

        var password = s.Password ?? stored?.Password;
        if (s.Password is null && stored?.Password is not null
            && (!string.Equals(s.Host?.Trim().TrimEnd('.'), stored.Host.Trim().TrimEnd('.'), StringComparison.OrdinalIgnoreCase) || s.Port != stored.Port
                || (string.IsNullOrEmpty(s.Username) ? null : s.Username) != stored.Username || security != stored.Security
                || !string.Equals(s.TrustedCertificateSha256?.Replace(":", "", StringComparison.Ordinal), stored.TrustedCertificateSha256, StringComparison.OrdinalIgnoreCase)))
        {
            Add(errors, "smtp.password", "the SMTP server, port, security, pinned certificate or username changed, so 'smtp.password' must be sent again (\"\" removes it): a stored password is not sent to a new destination.");
        }

        if (!string.IsNullOrEmpty(password) && string.IsNullOrEmpty(s.Username))
        {
            Add(errors, "smtp.password", "'smtp.password' needs 'smtp.username'.");
        }

        if (s.TrustedCertificateSha256 is { } pin && !Sha256Pattern().IsMatch(pin.Replace(":", "", StringComparison.Ordinal)))
        {
            Add(errors, "smtp.trustedCertificateSha256", "'smtp.trustedCertificateSha256' must be a SHA-256 fingerprint: 64 hexadecimal digits.");
        }

        return new SmtpSettings(s.Host ?? "", s.Port ?? 0, security, string.IsNullOrEmpty(s.Username) ? null : s.Username,
            string.IsNullOrEmpty(password) ? null : password, s.TrustedCertificateSha256?.Replace(":", "", StringComparison.Ordinal));
    }

    // Any change but spelling counts: another path on a shared receiver (one hook service, many customers) is another destination.
    private static bool SameDestination(string url, string? stored) =>
        Uri.TryCreate(url, UriKind.Absolute, out var a) && Uri.TryCreate(stored, UriKind.Absolute, out var b) && a.AbsoluteUri == b.AbsoluteUri;

    private static bool IsAddress(string value) => MailAddress.TryCreate(value, out var address) && address.Host.Length > 0;

    private static void NotFor(Dictionary<string, string[]> errors, object? value, string field, string types)
    {
        if (value is not null)
        {
            Add(errors, field, $"'{field}' applies to {types} channels only.");
        }
    }

    private static void Add(Dictionary<string, string[]> errors, string key, string message) =>
        errors[key] = errors.TryGetValue(key, out var list) ? [.. list, message] : [message];

    private static ChannelResponse ToResponse(ChannelEntity e)
    {
        var s = ChannelSettings.Of(e);
        var hasSecret = s.Secret is not null || (e.Type == ChannelTypes.Slack && s.Url is not null) || s.Headers is { Count: > 0 } || s.Smtp?.Password is not null;
        return new ChannelResponse(
            e.Id, e.Name, e.Type, e.Enabled, ChannelSecrets.RedactUrl(e.Type, s.Url), hasSecret, s.Headers?.Keys.Order(StringComparer.Ordinal).ToList(),
            s.Smtp is { } m ? new SmtpResponse(m.Host, m.Port, m.Security.ToString(), m.Username, m.Password is not null, m.TrustedCertificateSha256) : null,
            s.From, s.To, e.CreatedAt, e.UpdatedAt);
    }

    private static DeliveryItem ToItem(DeliveryAttempt a) => new(
        a.DeliveryId, a.ChannelId, a.ChannelName, a.ChannelType, a.Event, a.Attempt, DeliveryLogStore.StatusName(a.Status), a.HttpStatus, a.SmtpReply, a.Error, a.LatencyMs, a.Time);

    private static NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails> NotFound(string id) =>
        TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 404, Title = "Channel not found", Detail = $"There is no channel '{id}'." });

    private static Conflict<Microsoft.AspNetCore.Mvc.ProblemDetails> Conflict(string name) =>
        TypedResults.Conflict(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 409, Title = "Channel exists", Detail = $"The tenant already has a channel called '{name}'." });
}

/// <summary>Log messages of the channel API; event ids 5310-5319.</summary>
internal static partial class ChannelsLog
{
    [LoggerMessage(EventId = 5310, Level = LogLevel.Information, Message = "Channel '{Name}' ({Id}, {Type}) of tenant {Tenant} saved.")]
    public static partial void ChannelSaved(ILogger logger, string name, string id, string type, string tenant);

    [LoggerMessage(EventId = 5311, Level = LogLevel.Information, Message = "Channel '{Name}' ({Id}) of tenant {Tenant} deleted.")]
    public static partial void ChannelDeleted(ILogger logger, string name, string id, string tenant);

    [LoggerMessage(EventId = 5313, Level = LogLevel.Warning, Message = "The settings of channel '{Name}' ({Id}) of tenant {Tenant} cannot be decrypted (the key ring under the data folder's keys/ was lost or replaced); the channel stays listed without them until an admin saves it again.")]
    public static partial void ChannelSettingsUnreadable(ILogger logger, string name, string id, string tenant);

    [LoggerMessage(EventId = 5314, Level = LogLevel.Information, Message = "Encrypted the stored settings of {Count} channels saved by an earlier Argus.")]
    public static partial void ChannelSettingsSealed(ILogger logger, int count);
}
