using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Web.Model;

/// <summary>One row of the services table: a service's server requests over the range.</summary>
/// <param name="P95Ms">The largest p95 among the service's endpoints: an upper bound of the service's own p95 (each
/// endpoint has at most 5 % of its requests above its p95, so all of them together have at most 5 % above the largest).</param>
internal sealed record ServiceRow(string Name, long Requests, long Errors, double? ErrorRate, double? P95Ms, long Spans);

/// <summary>A service's figures per step, oldest first: the home's sparklines.</summary>
internal sealed record ServiceSeries(IReadOnlyList<double?> Requests, IReadOnlyList<double?> ErrorRate, IReadOnlyList<double?> P95Ms);

/// <summary>One row of a service's endpoints table.</summary>
internal sealed record EndpointRow(string Endpoint, long Requests, long Errors, double? ErrorRate, double P50Ms, double P90Ms, double P95Ms, double P99Ms);

/// <summary>Reads a range's RED figures per service and per endpoint from <see cref="ITelemetryReader"/>.</summary>
internal sealed class ServiceFigures(ITelemetryReader reader)
{
    /// <summary>Every service seen in <paramref name="range"/>, by name (two reads, whatever the number of services).</summary>
    public async Task<IReadOnlyList<ServiceRow>> ServicesAsync(string tenant, TimeRange range, CancellationToken cancellationToken)
    {
        var services = await reader.GetServicesAsync(tenant, range, cancellationToken);
        var rows = await RowsAsync(tenant, range, cancellationToken);
        return [.. services.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => rows(s.Name, s.SpanCount))];
    }

    /// <summary>
    /// Every service's row over <paramref name="range"/> from one read of all services' endpoints: the answer makes the row
    /// of a service (named, with its span count as the caller counted them) from its <see cref="EndpointsAsync"/>; a
    /// service without requests gets an empty row. <see cref="ServiceRow.P95Ms"/> is the largest p95 of its endpoints.
    /// </summary>
    public async Task<Func<string, long, ServiceRow>> RowsAsync(string tenant, TimeRange range, CancellationToken cancellationToken) =>
        Rows(await reader.GetServicesRedAsync(tenant, range, [WholeRange(range)], cancellationToken));

    /// <summary>
    /// <see cref="RowsAsync"/> and every service's requests, error rate and p95 per step of <paramref name="step"/> over the
    /// range, oldest first, every step (null rate and p95 where a step has no request), from one read; a service without
    /// requests gets a series of empty steps. A step's p95 is the largest of its endpoints' (as <see cref="ServiceRow.P95Ms"/> is).
    /// </summary>
    public async Task<(Func<string, long, ServiceRow> Rows, Func<string, ServiceSeries> Series)> RowsAndSeriesAsync(
        string tenant, TimeRange range, TimeSpan step, CancellationToken cancellationToken)
    {
        var whole = WholeRange(range);
        var points = await reader.GetServicesRedAsync(tenant, range, [whole, step], cancellationToken);
        var byService = points.Where(p => p.Step == step)
            .GroupBy(p => p.Service, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Series(g.Select(p => p.Point), range, step), StringComparer.Ordinal);
        var empty = Series([], range, step);
        return (Rows(points.Where(p => p.Step == whole)), service => byService.GetValueOrDefault(service) ?? empty);
    }

    /// <summary>The endpoints (server span names) of <paramref name="service"/> with one RED figure each over the whole range.</summary>
    public async Task<IReadOnlyList<EndpointRow>> EndpointsAsync(string tenant, string service, TimeRange range, CancellationToken cancellationToken) =>
        Endpoints(await reader.GetRedAsync(tenant, new RedQuery(service, range, WholeRange(range)), cancellationToken));

    // One point per endpoint: the store buckets by whole multiples of the step since the epoch, so a step longer than the
    // time from the epoch to the range's end puts the whole range in one bucket, and the percentiles are exact over the
    // range. (A step as long as the range would split a range that straddles a multiple of it in two, and two buckets'
    // percentiles cannot be merged.) Should two points come all the same, Endpoints merges them.
    private static TimeSpan WholeRange(TimeRange range) => range.To - DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(1);

    private static Func<string, long, ServiceRow> Rows(IEnumerable<ServiceRedPoint> points)
    {
        var byService = points
            .GroupBy(p => p.Service, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Endpoints(g.Select(p => p.Point)), StringComparer.Ordinal);
        return (service, spans) => Row(service, byService.GetValueOrDefault(service) ?? [], spans);
    }

    private static ServiceRow Row(string service, List<EndpointRow> endpoints, long spans)
    {
        var requests = endpoints.Sum(e => e.Requests);
        var errors = endpoints.Sum(e => e.Errors);
        return new ServiceRow(service, requests, errors, Rate(errors, requests), endpoints.Count == 0 ? null : endpoints.Max(e => e.P95Ms), spans);
    }

    private static ServiceSeries Series(IEnumerable<RedPoint> red, TimeRange range, TimeSpan step)
    {
        var points = red
            .GroupBy(p => p.Time.UtcTicks)
            .ToDictionary(g => g.Key, g => (Requests: g.Sum(p => p.Requests), Errors: g.Sum(p => p.Errors), P95: g.Max(p => p.P95Ms)));
        var steps = range.StepStarts(step).Select(t => points.TryGetValue(t.UtcTicks, out var p) ? p : default).ToList();
        return new ServiceSeries(
            [.. steps.Select(p => (double?)p.Requests)],
            [.. steps.Select(p => Rate(p.Errors, p.Requests))],
            [.. steps.Select(p => p.Requests == 0 ? null : (double?)p.P95)]);
    }

    // Points of one bucket per endpoint (two, should a range straddle a bucket boundary: counts add up, the percentiles
    // are taken from the larger bucket or the largest).
    private static List<EndpointRow> Endpoints(IEnumerable<RedPoint> points) => [.. points
        .GroupBy(p => p.Endpoint, StringComparer.Ordinal)
        .Select(g =>
        {
            var requests = g.Sum(p => p.Requests);
            var errors = g.Sum(p => p.Errors);
            var main = g.MaxBy(p => p.Requests)!;
            return new EndpointRow(g.Key, requests, errors, Rate(errors, requests), main.P50Ms, g.Max(p => p.P90Ms), g.Max(p => p.P95Ms), g.Max(p => p.P99Ms));
        })
        .OrderByDescending(e => e.Requests).ThenBy(e => e.Endpoint, StringComparer.Ordinal)];

    private static double? Rate(long errors, long requests) => requests == 0 ? null : (double)errors / requests;
}
