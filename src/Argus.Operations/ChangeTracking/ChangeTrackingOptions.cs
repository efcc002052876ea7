using System.Globalization;

namespace Argus.Operations.ChangeTracking;

/// <summary>Change tracking (deployment checks) settings, bound from <c>Argus:ChangeTracking</c>.</summary>
public sealed class ChangeTrackingOptions : IStartupValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Argus:ChangeTracking";

    /// <summary>Whether scheduled checks run. Default true (checks can always be run on request).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the scheduler looks for due checks. Default 30 s.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The default schedule: offsets from the deployment's start (<c>-30m</c>, <c>+10m</c>, <c>1h</c>, <c>1d</c>). Negative
    /// offsets are pre-checks, scheduled only for a deployment planned ahead. Default -30m, +10m, +30m, +1h, +4h, +8h, +12h, +24h.
    /// </summary>
    public List<string> Offsets { get; set; } = ["-30m", "+10m", "+30m", "+1h", "+4h", "+8h", "+12h", "+24h"];

    /// <summary>Schedules for a tenant, an application, or an application of a tenant; the most specific match wins.</summary>
    public List<ChangeScheduleOverride> Schedules { get; set; } = [];

    /// <summary>The length of the window each check measures, ending at the check's time. Default 10 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A check run this long after its due time (server down, queue) says that it ran late. Default 2 minutes.</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Steps of the follow-up's series (the window and its baselines, aligned by offset). Default 20.</summary>
    public int FollowUpSteps { get; set; } = 20;

    /// <summary>Endpoints or issues listed per follow-up, those that moved most first. Default 5.</summary>
    public int FollowUpTopMovers { get; set; } = 5;

    /// <summary>Argus's address as channel readers reach it (e.g. https://argus.example.com); when set, chart links in reports are absolute. Default none (links relative to the server).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Latency samples drawn per window for the Mann-Whitney test. Default 1000.</summary>
    public int MaxLatencySamples { get; set; } = 1000;

    /// <summary>Requests a window needs before its latency and error ratio are judged. Default 20.</summary>
    public int MinRequests { get; set; } = 20;

    /// <summary>The significance level of every test (one-sided). Default 0.01.</summary>
    public double Alpha { get; set; } = 0.01;

    /// <summary>Latency is worse only when the shift's lower confidence bound reaches this share of the baseline median. Default 0.2.</summary>
    public double LatencyMinShiftRatio { get; set; } = 0.2;

    /// <summary>... and at least this many milliseconds. Default 10.</summary>
    public double LatencyMinShiftMs { get; set; } = 10;

    /// <summary>The error ratio is worse only when it grew by at least this much (absolute, 0.01 = one point). Default 0.01.</summary>
    public double ErrorRatioMinIncrease { get; set; } = 0.01;

    /// <summary>... and to at least this multiple of the baseline's. Default 1.5.</summary>
    public double ErrorRatioMinFactor { get; set; } = 1.5;

    /// <summary>Throughput is worse when it fell by at least this share (0.5 = half). Default 0.5.</summary>
    public double ThroughputMaxDrop { get; set; } = 0.5;

    /// <summary>Error logs and issue occurrences are worse at this multiple of the baseline's rate. Default 1.5.</summary>
    public double CountMinFactor { get; set; } = 1.5;

    /// <summary>Occurrences an issue (or error logs) need before they count: new, regressed or grown. Default 5.</summary>
    public int MinOccurrences { get; set; } = 5;

    /// <summary>
    /// Metrics whose failure makes an application UNSTABLE (others make it MOSTLY_STABLE): any of throughput, errors,
    /// latency, errorLogs, issues, alerts. Default errors, latency.
    /// </summary>
    public List<string> CriticalMetrics { get; set; } = ["errors", "latency"];

    /// <summary>Without a baseline (a new application): the error ratio above which errors fail. Default 0.05.</summary>
    public double AbsoluteMaxErrorRatio { get; set; } = 0.05;

    /// <summary>Without a baseline: the p95 latency in milliseconds above which latency fails. Default 2000.</summary>
    public double AbsoluteMaxP95Ms { get; set; } = 2000;

    /// <summary>Without a baseline: ERROR and FATAL logs per minute above which error logs fail. Default 5.</summary>
    public double AbsoluteMaxErrorLogsPerMinute { get; set; } = 5;

    /// <summary>Which check reports go to channels: <c>changes</c> (state changes and every UNSTABLE), <c>all</c> or <c>none</c>. Default <c>changes</c>.</summary>
    public string Notify { get; set; } = "changes";

    /// <summary>Channel names to send to; empty means every enabled channel of the tenant. Default empty.</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>Applications per deployment. Default 20.</summary>
    public int MaxApplicationsPerDeployment { get; set; } = 20;

    /// <summary>The shared secret of the GitHub <c>deployment_status</c> webhook; the receiver answers 404 while it is empty.</summary>
    public string? GitHubSecret { get; set; }

    /// <summary>The tenant GitHub deployments belong to. Default <c>default</c>.</summary>
    public string GitHubTenant { get; set; } = "default";

    /// <summary>The metric names the judgement uses.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = ["throughput", "errors", "latency", "errorLogs", "issues", "alerts"];

    /// <summary>The offsets for a deployment of <paramref name="applications"/> in <paramref name="tenant"/>.</summary>
    public IReadOnlyList<TimeSpan> OffsetsFor(string tenant, IReadOnlyList<string> applications)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var match = Schedules.FirstOrDefault(s => s.Tenant == tenant && s.Application is not null && applications.Contains(s.Application))
            ?? Schedules.FirstOrDefault(s => s.Tenant is null && s.Application is not null && applications.Contains(s.Application))
            ?? Schedules.FirstOrDefault(s => s.Tenant == tenant && s.Application is null);
        return [.. (match?.Offsets ?? Offsets).Select(o => ParseOffset(o)!.Value).Distinct().Order()];
    }

    /// <summary>Parses <c>-30m</c>, <c>+10m</c>, <c>90s</c>, <c>4h</c>, <c>1d</c>; null when it is none of these.</summary>
    public static TimeSpan? ParseOffset(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return null;
        }

        var sign = text[0] == '-' ? -1 : 1;
        var body = text[0] is '-' or '+' ? text[1..] : text;
        if (body.Length < 2 || !double.TryParse(body[..^1], NumberStyles.None | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        TimeSpan? span = body[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
        return span is { } s && s <= TimeSpan.FromDays(30) ? s * sign : null;
    }

    /// <summary>The canonical label of an offset: <c>-30m</c>, <c>+10m</c>, <c>+1h</c>, <c>+24h</c>.</summary>
    public static string Label(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var a = offset.Duration();
        return sign + (a.TotalHours >= 1 && a.TotalHours == Math.Floor(a.TotalHours) ? a.TotalHours.ToString(CultureInfo.InvariantCulture) + "h"
            : a.TotalMinutes == Math.Floor(a.TotalMinutes) ? a.TotalMinutes.ToString(CultureInfo.InvariantCulture) + "m"
            : Math.Floor(a.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
    }

    /// <summary>Every problem of the options, as start-up messages.</summary>
    public IEnumerable<string> Validate()
    {
        if (TickInterval < TimeSpan.FromMilliseconds(100) || TickInterval > TimeSpan.FromMinutes(10))
        {
            yield return "Argus:ChangeTracking:TickInterval must be between 00:00:00.1 and 00:10:00.";
        }

        foreach (var (offsets, where) in Schedules.Select((s, i) => (s.Offsets, $"Schedules:{i}")).Prepend((Offsets, "Offsets")))
        {
            if (offsets.Count is 0 or > 50)
            {
                yield return $"Argus:ChangeTracking:{where} must list between 1 and 50 offsets.";
            }

            foreach (var bad in offsets.Where(o => ParseOffset(o) is null))
            {
                yield return $"Argus:ChangeTracking:{where}: '{bad}' is not an offset such as -30m, +10m, +1h or +1d (at most 30 days).";
            }
        }

        if (Window < TimeSpan.FromMinutes(1) || Window > TimeSpan.FromHours(6))
        {
            yield return "Argus:ChangeTracking:Window must be between 00:01:00 and 06:00:00.";
        }

        if (MaxLatencySamples is < 20 or > 2000)
        {
            yield return "Argus:ChangeTracking:MaxLatencySamples must be between 20 and 2000 (the Hodges-Lehmann interval forms every pair).";
        }

        if (MinRequests < 1)
        {
            yield return "Argus:ChangeTracking:MinRequests must be at least 1.";
        }

        if (Alpha is <= 0 or >= 0.5)
        {
            yield return "Argus:ChangeTracking:Alpha must lie between 0 and 0.5.";
        }

        if (LatencyMinShiftRatio < 0 || LatencyMinShiftMs < 0 || ErrorRatioMinIncrease < 0 || ErrorRatioMinFactor < 1 || CountMinFactor < 1 || MinOccurrences < 1)
        {
            yield return "Argus:ChangeTracking: the tolerances must be non-negative, the factors at least 1 and MinOccurrences at least 1.";
        }

        if (ThroughputMaxDrop is <= 0 or > 1)
        {
            yield return "Argus:ChangeTracking:ThroughputMaxDrop must lie in (0, 1].";
        }

        foreach (var unknown in CriticalMetrics.Where(m => !MetricNames.Contains(m)))
        {
            yield return $"Argus:ChangeTracking:CriticalMetrics: '{unknown}' is not one of {string.Join(", ", MetricNames)}.";
        }

        if (AbsoluteMaxErrorRatio is <= 0 or > 1 || AbsoluteMaxP95Ms <= 0 || AbsoluteMaxErrorLogsPerMinute < 0)
        {
            yield return "Argus:ChangeTracking: AbsoluteMaxErrorRatio must lie in (0, 1], AbsoluteMaxP95Ms be positive and AbsoluteMaxErrorLogsPerMinute non-negative.";
        }

        if (Notify is not ("changes" or "all" or "none"))
        {
            yield return "Argus:ChangeTracking:Notify must be changes, all or none.";
        }

        if (FollowUpSteps is < 4 or > 200)
        {
            yield return "Argus:ChangeTracking:FollowUpSteps must be between 4 and 200.";
        }

        if (FollowUpTopMovers is < 1 or > 50)
        {
            yield return "Argus:ChangeTracking:FollowUpTopMovers must be between 1 and 50.";
        }

        if (!string.IsNullOrEmpty(PublicUrl) && !(Uri.TryCreate(PublicUrl, UriKind.Absolute, out var publicUrl) && publicUrl.Scheme is "http" or "https"))
        {
            yield return "Argus:ChangeTracking:PublicUrl must be an absolute http or https address.";
        }

        if (MaxApplicationsPerDeployment is < 1 or > 500)
        {
            yield return "Argus:ChangeTracking:MaxApplicationsPerDeployment must be between 1 and 500.";
        }
    }
}

/// <summary>A schedule for a tenant and/or an application.</summary>
public sealed class ChangeScheduleOverride
{
    /// <summary>The tenant; null for every tenant.</summary>
    public string? Tenant { get; set; }

    /// <summary>The application (service name); null for every application of the tenant.</summary>
    public string? Application { get; set; }

    /// <summary>The offsets, as in <see cref="ChangeTrackingOptions.Offsets"/>.</summary>
    public List<string> Offsets { get; set; } = [];
}
