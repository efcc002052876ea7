using System.Globalization;
using System.Security.Claims;
using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Server.Api;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Issues;

internal sealed record IssuesResponse(DateTimeOffset From, DateTimeOffset To, DateTimeOffset BaselineFrom, DateTimeOffset BaselineTo, string Sort, IReadOnlyList<IssueItem> Issues);

internal sealed record IssueDetailResponse(IssueItem Issue, double StepSeconds, IReadOnlyList<IssueCountPoint> Counts, IReadOnlyList<LogItem> Samples);

/// <summary><c>/api/issues</c>: errors and log lines grouped into issues, ranked over a window against a baseline.</summary>
internal static class IssuesApi
{
    /// <summary>WARN and above count as issues by default (records with an exception always do).</summary>
    private const int DefaultMinSeverity = 13;

    /// <summary>
    /// The range when <c>from</c> is not given, for the list and for one issue alike (the API's default hour), so an issue
    /// listed by <c>/api/issues</c> is shown over the same window by <c>/api/issues/{id}</c>.
    /// </summary>
    internal static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);

    /// <summary>How many of an issue's latest records <c>/api/issues/{id}</c> shows.</summary>
    private const int SampleCount = 5;

    public static RouteGroupBuilder MapIssuesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/issues").RequireAuthorization(ArgusPolicies.Read);
        group.MapGet("", GetIssuesAsync);
        group.MapGet("/{id}", GetIssueAsync);
        return api;
    }

    private static async Task<Results<Ok<IssuesResponse>, ValidationProblem>> GetIssuesAsync(
        string? service, string? from, string? to, string? sort, string? minSeverity, string? since, string? compareFrom, string? compareTo, string? limit,
        ClaimsPrincipal user, IIssueBoard board, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        var range = q.Range(from, to, DefaultRange);
        var baseline = compareFrom is null && compareTo is null
            ? new TimeRange(range.From - range.Duration, range.From)
            : q.Range(compareFrom, compareTo ?? range.From.ToString("O", CultureInfo.InvariantCulture), range.Duration);
        var max = q.Limit(limit, 50, 1_000);
        var severity = q.Severity(minSeverity, DefaultMinSeverity);
        var sinceTime = since is null ? range.From : q.Range(since, to).From;
        var order = (sort ?? "count").ToLowerInvariant() switch
        {
            "count" => IssueSort.Count,
            "delta" => IssueSort.Delta,
            "new" => IssueSort.New,
            _ => (IssueSort?)null,
        };
        if (order is null)
        {
            q.Add("sort", "'sort' must be one of count, delta, new.");
        }

        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var issues = await board.GetIssuesAsync(user.Tenant(), new IssueListQuery(range, baseline, sinceTime, service, severity, order!.Value, max), ct);
        return TypedResults.Ok(new IssuesResponse(range.From, range.To, baseline.From, baseline.To, order.Value.ToString().ToLowerInvariant(), issues));
    }

    private static async Task<Results<Ok<IssueDetailResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> GetIssueAsync(
        string id, string? from, string? to, string? step, ClaimsPrincipal user,
        IIssueBoard board, TimeProvider time, CancellationToken ct)
    {
        var q = new QueryParameters(time);
        if (!ulong.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var issueId) || id.Length != 16)
        {
            q.Add("id", "An issue id is 16 hexadecimal characters.");
        }

        var range = q.Range(from, to, DefaultRange);
        var stepSpan = q.Step(step, range);
        if (!q.IsValid)
        {
            return TypedResults.ValidationProblem(q.Errors);
        }

        var detail = await board.GetIssueAsync(user.Tenant(), issueId, range, stepSpan, SampleCount, ct);
        if (detail is null)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Issue not found",
                Detail = $"No issue {id} is known for this project.",
            });
        }

        return TypedResults.Ok(new IssueDetailResponse(detail.Issue, stepSpan.TotalSeconds, detail.Counts, [.. detail.Samples.Select(TelemetryApi.ToLogItem)]));
    }
}
