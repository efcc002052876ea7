using System.Security.Claims;
using System.Text.Json;
using Argus.Operations.Alerting;
using Argus.Operations.IncidentReports;
using Argus.Server.Api;
using Argus.Server.Configuration;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Argus.Server.Alerting;

internal sealed record IncidentListResponse(IReadOnlyList<IncidentListItem> Incidents);

/// <summary>An incident in the list: what and when, without the profile and findings.</summary>
internal sealed record IncidentListItem(
    string Id, string AlertId, string RuleName, string Kind, string? Service, string? Phase, DateTimeOffset FiredAt, DateTimeOffset CreatedAt,
    string Language, string Summary, string? Model, bool BuiltIn, double PipelineMs);

/// <summary>Prometheus Alertmanager's webhook payload (version 4); only the fields Argus reads.</summary>
internal sealed record AlertmanagerPayload(string? Version, string? Status, string? Receiver, IReadOnlyList<AlertmanagerAlert>? Alerts);

internal sealed record AlertmanagerAlert(
    string? Status, Dictionary<string, string>? Labels, Dictionary<string, string>? Annotations, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Fingerprint);

/// <summary>Incident reports (<c>/api/incidents</c>) and external alerts (<c>/api/integrations/alertmanager</c>).</summary>
internal static class IncidentsApi
{
    private const int MaxAlertsPerPost = 1000;

    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents");
        incidents.MapGet("", ListAsync).RequireAuthorization(ArgusPolicies.Read);
        incidents.MapGet("/settings", async (ClaimsPrincipal user, IIncidentStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.GetSettingsAsync(user.Tenant(), ct))).RequireAuthorization(ArgusPolicies.Read);
        incidents.MapPut("/settings", PutSettingsAsync).RequireAuthorization(ArgusPolicies.Admin);
        incidents.MapGet("/{id}", GetAsync).RequireAuthorization(ArgusPolicies.Read);
        api.MapPost("/integrations/alertmanager", AlertmanagerAsync).RequireAuthorization(ArgusPolicies.Ingest)
            .WithBodyLimit(sp => sp.GetRequiredService<IOptions<ArgusOptions>>().Value.Api.MaxIntegrationBodyBytes, "Argus:Api:MaxIntegrationBodyBytes");
        return api;
    }

    private static async Task<IResult> ListAsync(
        string? service, string? rule, string? from, string? to, string? limit, ClaimsPrincipal user, IIncidentStore store, EfAlertStore rules, TimeProvider time, CancellationToken ct)
    {
        var parameters = new QueryParameters(time);
        var range = parameters.Range(from, to, TimeSpan.FromDays(7));
        var max = parameters.Limit(limit, 50, 500);
        if (!parameters.IsValid)
        {
            return TypedResults.ValidationProblem(parameters.Errors);
        }

        var tenant = user.Tenant();
        var ruleId = rule is null ? null : (await rules.GetRuleAsync(tenant, rule, ct))?.Id ?? rule;
        var list = await store.QueryAsync(tenant, new IncidentQuery(range.From, range.To, service, ruleId, max), ct);
        return TypedResults.Ok(new IncidentListResponse([.. list.Select(i => new IncidentListItem(
            i.Id, i.AlertId, i.RuleName, i.Kind, i.Service, i.Phase, i.FiredAt, i.CreatedAt, i.Language,
            i.Report.TryGetProperty("summary", out var s) ? s.GetString() ?? "" : "", i.Model, i.BuiltIn, Math.Round(i.PipelineMs, 1)))]));
    }

    private static async Task<IResult> PutSettingsAsync(HttpRequest request, ClaimsPrincipal user, IIncidentStore store, CancellationToken ct)
    {
        var read = await StrictJson.ReadAsync(request, AlertingJsonContext.Default.IncidentSettings, "incident settings object", ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        if (body.Language is not null && !AlertRuleValidator.Languages.Contains(body.Language))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["language"] = [$"'language' must be one of {string.Join(", ", AlertRuleValidator.Languages)}, or null for the server's default."],
            });
        }

        await store.SaveSettingsAsync(user.Tenant(), body, ct);
        return TypedResults.Ok(body);
    }

    private static async Task<Results<Ok<Incident>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IIncidentStore store, CancellationToken ct) =>
        await store.GetAsync(user.Tenant(), id, ct) is { } incident
            ? TypedResults.Ok(incident)
            : TypedResults.Problem($"There is no incident '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static async Task<IResult> AlertmanagerAsync(HttpRequest request, ClaimsPrincipal user, ExternalAlertIngestor ingestor, CancellationToken ct)
    {
        AlertmanagerPayload? payload;
        try
        {
            payload = await request.ReadFromJsonAsync(AlertingJsonContext.Default.AlertmanagerPayload, ct);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"not an Alertmanager webhook payload: {ex.Message}"] });
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        var problems = new Dictionary<string, string[]>();
        if (payload?.Alerts is null)
        {
            problems["alerts"] = ["'alerts' is required (Alertmanager's webhook payload, version 4)."];
        }
        else if (payload.Alerts.Count > MaxAlertsPerPost)
        {
            problems["alerts"] = [$"at most {MaxAlertsPerPost} alerts per post."];
        }
        else
        {
            for (var i = 0; i < payload.Alerts.Count; i++)
            {
                var a = payload.Alerts[i];
                if (a?.Labels?.GetValueOrDefault("alertname") is not { Length: > 0 })
                {
                    problems[$"alerts[{i}].labels"] = ["'labels.alertname' is required."];
                }

                if (a?.Status is not ("firing" or "resolved"))
                {
                    problems[$"alerts[{i}].status"] = ["'status' must be firing or resolved."];
                }
            }
        }

        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems, "The Alertmanager payload has problems; all are listed.");
        }

        var alerts = payload!.Alerts!.Select(a => new ExternalAlert(
            a.Labels!["alertname"], a.Status == "firing", a.Labels!, a.Annotations ?? [],
            a.StartsAt ?? default, a.EndsAt is { Year: > 1 } end ? end : null, a.Fingerprint)).ToList();
        var result = await ingestor.IngestAsync(user.Tenant(), "alertmanager", alerts, ct);
        return TypedResults.Ok(result);
    }
}
