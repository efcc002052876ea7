using System.Globalization;
using Argus.Core;
using Argus.Core.Issues;
using Argus.Core.Telemetry;

namespace Argus.Server.Issues;

/// <summary>The issue list and one issue, for <c>/api/issues</c> and the console's issue pages alike.</summary>
internal sealed class IssueBoard(IIssueCountReader counts, ITelemetryReader reader, IssueRegistry registry) : IIssueBoard
{
    public async Task<IReadOnlyList<IssueItem>> GetIssuesAsync(string tenantId, IssueListQuery query, CancellationToken cancellationToken)
    {
        var found = await counts.GetIssueCountsAsync(
            tenantId, new IssueCountQuery(query.Range, query.Baseline, query.Service, query.MinSeverity, Math.Max(query.Limit, 200)), cancellationToken);

        // Baseline counts are scaled to the window's length, so a longer comparison window does not look quieter.
        var scale = query.Baseline.Duration.Ticks == 0 ? 1.0 : query.Range.Duration.TotalSeconds / query.Baseline.Duration.TotalSeconds;
        var items = found.Select(c => ToItem(tenantId, c, query.Baseline, query.Since, scale)).ToList();
        IEnumerable<IssueItem> ordered = query.Sort switch
        {
            IssueSort.Delta => items.OrderByDescending(i => i.Delta).ThenByDescending(i => i.Count),
            IssueSort.New => items.OrderByDescending(i => i.Flags.New).ThenByDescending(i => i.FirstSeen),
            _ => items.OrderByDescending(i => i.Count),
        };
        var top = ordered.Take(query.Limit).ToList();
        return query.TrendSteps > 0 ? await WithTrendsAsync(tenantId, top, query, scale, cancellationToken) : top;
    }

    // One read for every listed issue's steps; an issue whose last step spikes against its baseline's rate is flagged
    // spiking even when the window as a whole is not.
    private async Task<IReadOnlyList<IssueItem>> WithTrendsAsync(string tenantId, List<IssueItem> items, IssueListQuery query, double scale, CancellationToken cancellationToken)
    {
        var step = IssueTrend.StepFor(query.Range.Duration, query.TrendSteps);
        var ids = items.Select(i => ulong.Parse(i.Id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToList();
        var series = await counts.GetIssueSeriesAsync(tenantId, ids, query.Range, step, cancellationToken);
        var perStep = step.TotalSeconds / query.Range.Duration.TotalSeconds;
        return [.. items.Select((item, index) =>
        {
            var trend = IssueTrend.Steps(series.GetValueOrDefault(ids[index]) ?? [], query.Range, step);
            var spiking = item.Flags.Spiking || IssueTrend.SpikesAtEnd(trend, item.BaselineCount * scale * perStep);
            return item with { Trend = trend, Flags = item.Flags with { Spiking = spiking } };
        })];
    }

    public async Task<IssueDetail?> GetIssueAsync(string tenantId, ulong issueId, TimeRange range, TimeSpan step, int sampleCount, CancellationToken cancellationToken)
    {
        var baseline = new TimeRange(range.From - range.Duration, range.From);
        var found = (await counts.GetIssueCountsAsync(tenantId, new IssueCountQuery(range, baseline, MinSeverity: 0, Limit: 10_000), cancellationToken))
            .FirstOrDefault(c => c.IssueId == issueId);
        var info = registry.Find(tenantId, issueId);
        if (found is null && info is null)
        {
            return null;
        }

        found ??= new IssueCounts(issueId, 0, 0, info!.MaxSeverity, [], [], null, info.LastSeen, info.LastSeen);
        var series = await counts.GetIssueSeriesAsync(tenantId, issueId, range, step, cancellationToken);
        // The latest records of the range, newest first (the reader answers newest first; the order is kept explicit here).
        var samples = (await reader.SearchLogsAsync(tenantId, new LogQuery(range, Limit: sampleCount, IssueId: issueId), cancellationToken))
            .OrderByDescending(l => l.TimeUnixNano != 0 ? l.TimeUnixNano : l.ObservedTimeUnixNano);
        var versions = await counts.GetIssueVersionsAsync(tenantId, issueId, range, cancellationToken);
        return new IssueDetail(ToItem(tenantId, found, baseline, range.From, 1.0), series, [.. samples]) { Versions = versions };
    }

    private IssueItem ToItem(string tenant, IssueCounts c, TimeRange baseline, DateTimeOffset since, double scale)
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
