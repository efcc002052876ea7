using System.Globalization;
using System.Security.Claims;
using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Server.Api;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Issues;

/// <summary>Flags on an issue, relative to the window asked about.</summary>
internal sealed record IssueFlags(bool New, bool Regressed, bool Spiking);

internal sealed record IssueItem(
    string Id,
    string Kind,
    string Title,
    string? ExceptionType,
    string Level,
    long Count,
    long BaselineCount,
    long Delta,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Instances,
    string? SampleTraceId,
    string? Sample,
    IssueFlags Flags);

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
        ClaimsPrincipal user, IIssueCountReader counts, IssueRegistry registry, TimeProvider time, CancellationToken ct)
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

        var tenant = user.Tenant();
        var found = await counts.GetIssueCountsAsync(tenant, new IssueCountQuery(range, baseline, service, severity, Math.Max(max, 200)), ct);

        // Baseline counts are scaled to the window's length, so a longer comparison window does not look quieter.
        var scale = baseline.Duration.Ticks == 0 ? 1.0 : range.Duration.TotalSeconds / baseline.Duration.TotalSeconds;
        var items = found.Select(c => ToItem(tenant, c, registry, baseline, sinceTime, scale)).ToList();
        IEnumerable<IssueItem> ordered = order switch
        {
            IssueSort.Delta => items.OrderByDescending(i => i.Delta).ThenByDescending(i => i.Count),
            IssueSort.New => items.OrderByDescending(i => i.Flags.New).ThenByDescending(i => i.FirstSeen),
            _ => items.OrderByDescending(i => i.Count),
        };
        return TypedResults.Ok(new IssuesResponse(range.From, range.To, baseline.From, baseline.To, order!.Value.ToString().ToLowerInvariant(), [.. ordered.Take(max)]));
    }

    private static async Task<Results<Ok<IssueDetailResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> GetIssueAsync(
        string id, string? from, string? to, string? step, ClaimsPrincipal user,
        IIssueCountReader counts, ITelemetryReader reader, IssueRegistry registry, TimeProvider time, CancellationToken ct)
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

        var tenant = user.Tenant();
        var baseline = new TimeRange(range.From - range.Duration, range.From);
        var found = (await counts.GetIssueCountsAsync(tenant, new IssueCountQuery(range, baseline, MinSeverity: 0, Limit: 10_000), ct))
            .FirstOrDefault(c => c.IssueId == issueId);
        var info = registry.Find(tenant, issueId);
        if (found is null && info is null)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Issue not found",
                Detail = $"No issue {id} is known for this project.",
            });
        }

        found ??= new IssueCounts(issueId, 0, 0, info!.MaxSeverity, [], [], null, info.LastSeen, info.LastSeen);
        var series = await counts.GetIssueSeriesAsync(tenant, issueId, range, stepSpan, ct);
        // The latest records of the range, newest first (the reader answers newest first; the order is kept explicit here).
        var samples = (await reader.SearchLogsAsync(tenant, new LogQuery(range, Limit: SampleCount, IssueId: issueId), ct))
            .OrderByDescending(l => l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano);
        return TypedResults.Ok(new IssueDetailResponse(
            ToItem(tenant, found, registry, baseline, range.From, 1.0),
            stepSpan.TotalSeconds,
            series,
            [.. samples.Select(TelemetryApi.ToLogItem)]));
    }

    private static IssueItem ToItem(string tenant, IssueCounts c, IssueRegistry registry, TimeRange baseline, DateTimeOffset since, double scale)
    {
        var info = registry.Find(tenant, c.IssueId);
        var trend = IssueTrend.Of(c, IssueRegistry.Identity(info), baseline, since, scale);
        return new IssueItem(
            c.IssueId.ToString("x16", CultureInfo.InvariantCulture),
            info?.Kind ?? IssueTaggingSink.KindLog,
            info?.Title ?? "(template not in memory)",
            info?.ExceptionType,
            SeverityLevels.NameOf(Math.Max(c.MaxSeverity, info?.MaxSeverity ?? 0)),
            c.Count,
            c.BaselineCount,
            c.Count - (long)Math.Round(trend.Expected),
            trend.FirstSeen,
            trend.LastSeen,
            c.Services,
            c.Instances,
            c.SampleTraceId,
            info?.Sample,
            new IssueFlags(trend.New, trend.Regressed, trend.Spiking));
    }

}
