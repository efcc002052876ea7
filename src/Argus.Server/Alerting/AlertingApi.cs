using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Core.Alerting;
using Argus.Core.Telemetry;
using Argus.Operations;
using Argus.Operations.Alerting;
using Argus.Server.Api;
using Argus.Server.Notifications;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Argus.Server.Alerting;

/// <summary>A rule as the API shows it: the rule and its current state.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Status"><c>ok</c>, <c>pending</c>, <c>firing</c>, <c>muted</c> or <c>disabled</c>.</param>
/// <param name="FiringAlertId">The alert firing now, if any.</param>
/// <param name="PendingSince">When the breach began, while the rule is pending.</param>
/// <param name="Warnings">On a save: what was accepted but looks wrong (a service that never sent telemetry).</param>
internal sealed record AlertRuleResponse(AlertRule Rule, string Status, string? FiringAlertId, DateTimeOffset? PendingSince,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null);

internal sealed record AlertRuleListResponse(IReadOnlyList<AlertRuleResponse> Rules);

internal sealed record AlertListResponse(IReadOnlyList<AlertRecord> Alerts);

/// <summary>Mutes a rule until a time, or for a duration from now.</summary>
internal sealed record MuteRequest(DateTimeOffset? Until, TimeSpan? For);

/// <summary>A dry-run evaluation: what the rule sees now, without changing its state.</summary>
internal sealed record EvaluationResponse(
    bool Breached, long Occurrences, double Value, IReadOnlyList<InstanceCount> Instances, string? TraceId, string? Service,
    DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string Condition);

/// <summary>Alert rules (<c>/api/alert-rules</c>) and the alert history (<c>/api/alerts</c>), scoped to the caller's tenant.</summary>
internal static class AlertingApi
{
    // A mute longer than a year is a rule to delete or disable, and far-future times overflow date arithmetic.
    private static readonly TimeSpan MaxMute = TimeSpan.FromDays(366);

    public static RouteGroupBuilder MapAlertingApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/alert-rules");
        rules.MapGet("", ListAsync).RequireAuthorization(ArgusPolicies.Read);
        rules.MapGet("/{rule}", GetAsync).RequireAuthorization(ArgusPolicies.Read);
        rules.MapPost("", (HttpRequest request, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, IOptions<AlertingOptions> options, ChannelStore channels, ITelemetryReader telemetry, TimeProvider time, CancellationToken ct)
            => SaveAsync(null, request, user, store, evaluator, options.Value, channels, telemetry, time, ct)).RequireAuthorization(ArgusPolicies.Admin);
        rules.MapPut("/{rule}", (string rule, HttpRequest request, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, IOptions<AlertingOptions> options, ChannelStore channels, ITelemetryReader telemetry, TimeProvider time, CancellationToken ct)
            => SaveAsync(rule, request, user, store, evaluator, options.Value, channels, telemetry, time, ct)).RequireAuthorization(ArgusPolicies.Admin);
        rules.MapDelete("/{rule}", DeleteAsync).RequireAuthorization(ArgusPolicies.Admin);
        rules.MapPost("/{rule}/mute", MuteAsync).RequireAuthorization(ArgusPolicies.Admin);
        rules.MapPost("/{rule}/unmute", UnmuteAsync).RequireAuthorization(ArgusPolicies.Admin);
        rules.MapPost("/{rule}/evaluate", EvaluateAsync).RequireAuthorization(ArgusPolicies.Read);

        var alerts = api.MapGroup("/alerts");
        alerts.MapGet("", AlertsAsync).RequireAuthorization(ArgusPolicies.Read);
        alerts.MapGet("/{id}", AlertAsync).RequireAuthorization(ArgusPolicies.Read);
        return api;
    }

    private static async Task<Ok<AlertRuleListResponse>> ListAsync(ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, CancellationToken ct)
    {
        var tenant = user.Tenant();
        var list = new List<AlertRuleResponse>();
        foreach (var rule in await store.ListRulesAsync(tenant, ct))
        {
            list.Add(await DescribeAsync(rule, store, evaluator, ct));
        }

        return TypedResults.Ok(new AlertRuleListResponse(list));
    }

    private static async Task<Results<Ok<AlertRuleResponse>, ProblemHttpResult>> GetAsync(
        string rule, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, CancellationToken ct)
    {
        var found = await store.GetRuleAsync(user.Tenant(), rule, ct);
        return found is null ? NotFound(rule) : TypedResults.Ok(await DescribeAsync(found, store, evaluator, ct));
    }

    private static async Task<IResult> SaveAsync(
        string? existing, HttpRequest request, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, AlertingOptions options,
        ChannelStore channels, ITelemetryReader telemetry, TimeProvider time, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(request, OperationsJsonContext.Default.AlertRule, "alert rule", ct);
        if (read.Value is not { } rule)
        {
            return read.Problem!;
        }

        var tenant = user.Tenant();
        var problems = new Dictionary<string, string[]>(AlertRuleValidator.Validate(rule), StringComparer.Ordinal);
        await CheckChannelsAsync(tenant, rule, channels, problems, ct);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems, "The alert rule has problems; all are listed.");
        }

        var (status, saved) = await store.SaveRuleAsync(tenant, existing, rule, options.MaxRulesPerTenant, ct);
        if (status != RuleWriteStatus.Saved || saved is null)
        {
            return status switch
            {
                RuleWriteStatus.NameTaken => TypedResults.Problem($"A rule named '{rule.Name}' exists.", statusCode: StatusCodes.Status409Conflict, title: "Name taken"),
                RuleWriteStatus.TooMany => TypedResults.Problem(
                    $"The tenant has {options.MaxRulesPerTenant} rules, the most allowed (Argus:Alerting:MaxRulesPerTenant).", statusCode: StatusCodes.Status409Conflict, title: "Too many rules"),
                _ => NotFound(existing ?? rule.Name),
            };
        }

        // A service never seen is accepted (it may not send telemetry yet) but said: a misspelt one would never fire.
        var response = await DescribeAsync(saved, store, evaluator, ct) with
        {
            Warnings = await KnownServices.WarnUnseenAsync(telemetry, time, tenant, [("service", saved.Service)], ct),
        };
        return existing is null ? TypedResults.Created($"/api/alert-rules/{saved.Id}", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string rule, ClaimsPrincipal user, EfAlertStore store, CancellationToken ct) =>
        await store.DeleteRuleAsync(user.Tenant(), rule, ct) ? TypedResults.NoContent() : NotFound(rule);

    private static async Task<IResult> MuteAsync(
        string rule, HttpRequest request, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, TimeProvider time, IOptions<AlertingOptions> options, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(request, AlertingJsonContext.Default.MuteRequest, "mute request", ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var now = time.GetUtcNow();
        if (body.For is { } span && (span <= TimeSpan.Zero || span > MaxMute))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["for"] = [$"'for' must be more than zero and at most {MaxMute.TotalDays:0} days."] });
        }

        var until = body.Until ?? (body.For is { } d ? now + d : null);
        if (until is null || until <= now || until > now + MaxMute)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["until"] = [$"give 'until' (a time in the next {MaxMute.TotalDays:0} days) or 'for' ({Argus.Core.Durations.Grammar})."],
            });
        }

        return await UpdateAsync(rule, user, store, evaluator, options.Value, r => r with { MutedUntil = until }, ct);
    }

    private static Task<IResult> UnmuteAsync(string rule, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, IOptions<AlertingOptions> options, CancellationToken ct) =>
        UpdateAsync(rule, user, store, evaluator, options.Value, r => r with { MutedUntil = null }, ct);

    private static async Task<IResult> UpdateAsync(
        string rule, ClaimsPrincipal user, EfAlertStore store, AlertEvaluatorService evaluator, AlertingOptions options, Func<AlertRule, AlertRule> change, CancellationToken ct)
    {
        var tenant = user.Tenant();
        var found = await store.GetRuleAsync(tenant, rule, ct);
        if (found is null)
        {
            return NotFound(rule);
        }

        var (_, saved) = await store.SaveRuleAsync(tenant, found.Id, change(found), options.MaxRulesPerTenant, ct);
        return TypedResults.Ok(await DescribeAsync(saved!, store, evaluator, ct));
    }

    private static async Task<Results<Ok<EvaluationResponse>, ProblemHttpResult>> EvaluateAsync(
        string rule, ClaimsPrincipal user, EfAlertStore store, AlertRuleEvaluator evaluator, TimeProvider time, CancellationToken ct)
    {
        var found = await store.GetRuleAsync(user.Tenant(), rule, ct);
        if (found is null)
        {
            return NotFound(rule);
        }

        var e = await evaluator.EvaluateAsync(found, time.GetUtcNow(), ct);
        return TypedResults.Ok(new EvaluationResponse(
            e.Breached, e.Occurrences, e.Value, e.Instances, e.TraceId?.ToString(), e.Service, e.Window.From, e.Window.To, found.Condition));
    }

    private static async Task<IResult> AlertsAsync(
        string? state, string? rule, string? service, string? from, string? to, string? limit, ClaimsPrincipal user, EfAlertStore store, TimeProvider time, CancellationToken ct)
    {
        var parameters = new QueryParameters(time);
        var range = parameters.Range(from, to, TimeSpan.FromDays(7));
        var max = parameters.Limit(limit, 100, 1000);
        AlertState? wanted = null;
        if (state is not null)
        {
            if (Enum.TryParse<AlertState>(state, ignoreCase: true, out var s))
            {
                wanted = s;
            }
            else
            {
                parameters.Add("state", "'state' must be pending, firing or resolved.");
            }
        }

        if (!parameters.IsValid)
        {
            return TypedResults.ValidationProblem(parameters.Errors);
        }

        var tenant = user.Tenant();
        string? ruleId = null;
        if (rule is not null)
        {
            ruleId = (await store.GetRuleAsync(tenant, rule, ct))?.Id ?? rule;
        }

        // Time filters apply to when alerts started; a firing alert is listed until it resolves, so 'to' may be now.
        var alerts = await store.QueryAlertsAsync(tenant, new AlertHistoryQuery(range.From, range.To.AddTicks(1), wanted, ruleId, service, max), ct);
        return TypedResults.Ok(new AlertListResponse(alerts));
    }

    private static async Task<Results<Ok<AlertRecord>, ProblemHttpResult>> AlertAsync(string id, ClaimsPrincipal user, EfAlertStore store, CancellationToken ct) =>
        await store.GetAlertAsync(user.Tenant(), id, ct) is { } alert
            ? TypedResults.Ok(alert)
            : TypedResults.Problem($"There is no alert '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static async Task<AlertRuleResponse> DescribeAsync(AlertRule rule, EfAlertStore store, AlertEvaluatorService evaluator, CancellationToken ct)
    {
        var firing = await store.GetFiringAlertAsync(rule.TenantId, rule.Id, ct);
        var status = evaluator.StatusOf(rule, firing);
        return new AlertRuleResponse(rule, status, firing?.Id, status == "pending" ? evaluator.PendingSince(rule.Id) : null);
    }

    /// <summary>Every channel a rule names must exist: a misspelt name would deliver nowhere.</summary>
    private static async Task CheckChannelsAsync(string tenant, AlertRule rule, ChannelStore channels, Dictionary<string, string[]> problems, CancellationToken ct)
    {
        if (rule.Channels.Count == 0)
        {
            return;
        }

        var names = (await channels.ListAsync(tenant, ct)).Select(c => c.Name).ToList();
        for (var i = 0; i < rule.Channels.Count; i++)
        {
            var name = rule.Channels[i];
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                var hint = StrictJson.Nearest(name, names) is { } near ? $"; did you mean '{near}'?"
                    : names.Count == 0 ? "; the project has no channels yet (POST /api/channels)." : $"; the channels are {string.Join(", ", names)}.";
                problems[$"channels[{i}]"] = [$"there is no channel '{name}'{hint}"];
            }
        }
    }

    private static ProblemHttpResult NotFound(string rule) =>
        TypedResults.Problem($"There is no alert rule '{rule}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
