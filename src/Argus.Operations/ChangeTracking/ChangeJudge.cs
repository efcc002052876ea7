using System.Globalization;
using Argus.Analysis.Statistics;

namespace Argus.Operations.ChangeTracking;

/// <summary>One metric's judgement, with the numbers behind it.</summary>
/// <param name="Metric">throughput, errors, latency, errorLogs, issues or alerts.</param>
/// <param name="Category">The report format's category: TRANSACTION, ISSUE or ALERT.</param>
/// <param name="State"><c>OK</c>, <c>WORSE</c>, <c>BETTER</c> or <c>NO_DATA</c>.</param>
/// <param name="Critical">Whether failing it makes the application UNSTABLE.</param>
/// <param name="Basis"><c>baseline</c> (compared with the day and week before) or <c>absolute</c> (thresholds).</param>
/// <param name="Value">The window's value (requests per minute, error ratio, p50 ms, error logs, occurrences, alerts).</param>
/// <param name="DayBefore">The same a day earlier, when there was data.</param>
/// <param name="WeekBefore">The same a week earlier, when there was data.</param>
/// <param name="PValue">The largest one-sided p-value over the baselines compared (worse needs every one below alpha).</param>
/// <param name="Effect">The smallest effect over the baselines: the latency shift in ms, or the ratio of rates (absent when a baseline had none: the ratio is unbounded).</param>
/// <param name="EffectLower">Lower bound of the latency shift's 95 % interval.</param>
/// <param name="EffectUpper">Upper bound of the latency shift's 95 % interval.</param>
/// <param name="Reason">The judgement in words.</param>
public sealed record MetricJudgement(
    string Metric, string Category, string State, bool Critical, string Basis, double Value, double? DayBefore, double? WeekBefore,
    double? PValue, double? Effect, double? EffectLower, double? EffectUpper, string Reason);

/// <summary>One application's judgement.</summary>
/// <param name="Name">The application.</param>
/// <param name="ApplicationId">Its number in the deployment.</param>
/// <param name="State">STABLE, MOSTLY_STABLE or UNSTABLE.</param>
/// <param name="Metric">The failing categories (TRANSACTION, ALERT, ISSUE).</param>
/// <param name="Basis"><c>baseline</c> or <c>absolute</c>.</param>
/// <param name="Note">What the reader must know (no baseline, one baseline only).</param>
/// <param name="Metrics">Every metric.</param>
public sealed record ApplicationJudgement(
    string Name, int ApplicationId, string State, IReadOnlyList<string> Metric, string Basis, string? Note, IReadOnlyList<MetricJudgement> Metrics);

/// <summary>The statistical judgement of a check: per application, and overall (the worst).</summary>
public sealed record ChangeJudgement(string State, IReadOnlyList<ApplicationJudgement> Applications);

/// <summary>
/// The statistical judgement, made before any model is asked. Each metric is compared with each baseline that has data
/// (the same window a day and a week earlier); it is WORSE only when it is significantly worse (one-sided, at
/// <see cref="ChangeTrackingOptions.Alpha"/>) AND by at least the tolerated size, against every such baseline, so that
/// one unusual baseline neither hides nor invents a regression. Latency uses the Mann-Whitney U test on samples and the
/// Hodges-Lehmann shift's lower confidence bound for size; the error ratio a two-proportion z-test; counts (requests,
/// error logs, issue occurrences) an exact Poisson rate test. An application with no baseline is judged on absolute
/// thresholds and says so.
/// </summary>
public sealed class ChangeJudge(ChangeTrackingOptions options)
{
    private const string Ok = "OK";
    private const string Worse = "WORSE";
    private const string Better = "BETTER";
    private const string NoData = "NO_DATA";

    /// <summary>Judges every application's snapshots.</summary>
    public ChangeJudgement Judge(IReadOnlyList<ApplicationSnapshots> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var apps = snapshots.Select(JudgeApplication).ToList();
        return new ChangeJudgement(HealthStates.OfRank(apps.Count == 0 ? 0 : apps.Max(a => HealthStates.Rank(a.State))), apps);
    }

    private ApplicationJudgement JudgeApplication(ApplicationSnapshots s)
    {
        var baselines = new[] { s.DayBefore, s.WeekBefore }.Where(b => b.HasData).ToList();
        var metrics = baselines.Count == 0 ? Absolute(s.Current) : Relative(s, baselines);
        var failing = metrics.Where(m => m.State == Worse).ToList();
        var state = failing.Any(m => m.Critical) ? HealthStates.Unstable : failing.Count > 0 ? HealthStates.MostlyStable : HealthStates.Stable;
        var categories = failing.Select(m => m.Category).Distinct().OrderBy(c => Array.IndexOf(Categories, c)).ToList();
        var note = baselines.Count switch
        {
            0 => "No baseline: nothing was recorded for this application a day or a week before, so it was judged on absolute thresholds.",
            1 => s.DayBefore.HasData ? "Only the day-before baseline has data." : "Only the week-before baseline has data.",
            _ => null,
        };
        return new ApplicationJudgement(s.Name, s.ApplicationId, state, categories, baselines.Count == 0 ? "absolute" : "baseline", note, metrics);
    }

    private static readonly string[] Categories = ["TRANSACTION", "ALERT", "ISSUE"];

    private bool IsCritical(string metric) => options.CriticalMetrics.Contains(metric, StringComparer.Ordinal);

    private List<MetricJudgement> Relative(ApplicationSnapshots s, List<HealthSnapshot> baselines)
    {
        var c = s.Current;
        double? Day(Func<HealthSnapshot, double> f) => s.DayBefore.HasData ? f(s.DayBefore) : null;
        double? Week(Func<HealthSnapshot, double> f) => s.WeekBefore.HasData ? f(s.WeekBefore) : null;
        var list = new List<MetricJudgement>();

        // Throughput: fewer requests than the baselines, significantly and by at least the tolerated drop.
        {
            var tests = baselines.Select(b => RateTests.PoissonRates(c.Requests, 1, b.Requests, 1)).ToList();
            var worse = baselines.All(b => b.Requests > 0) && tests.All(t => t.PLess < options.Alpha && t.Ratio <= 1 - options.ThroughputMaxDrop);
            var better = tests.All(t => t.PGreater < options.Alpha);
            list.Add(new MetricJudgement("throughput", "TRANSACTION", c.Requests == 0 && baselines.All(b => b.Requests == 0) ? NoData : worse ? Worse : better ? Better : Ok,
                IsCritical("throughput"), "baseline", c.RequestsPerMinute, Day(b => b.RequestsPerMinute), Week(b => b.RequestsPerMinute),
                tests.Max(t => worse ? t.PLess : t.PTwoSided), Bounded(tests.Min(t => t.Ratio)), null, null,
                worse ? F($"requests fell to {c.RequestsPerMinute:0.#}/min, at most {(1 - tests.Max(t => t.Ratio)) * 100:0}% below every baseline") : F($"{c.RequestsPerMinute:0.#} requests/min")));
        }

        // Error ratio: two-proportion z-test against each baseline with enough requests.
        {
            var usable = baselines.Where(b => b.Requests >= options.MinRequests).ToList();
            if (c.Requests < options.MinRequests || usable.Count == 0)
            {
                list.Add(new MetricJudgement("errors", "TRANSACTION", NoData, IsCritical("errors"), "baseline", c.ErrorRatio, Day(b => b.ErrorRatio), Week(b => b.ErrorRatio),
                    null, null, null, null, F($"fewer than {options.MinRequests} requests in the window or its baselines")));
            }
            else
            {
                var tests = usable.Select(b => (B: b, T: RateTests.Proportions(c.Errors, c.Requests, b.Errors, b.Requests))).ToList();
                var worse = tests.All(t => t.T.PGreater < options.Alpha
                    && c.ErrorRatio - t.B.ErrorRatio >= options.ErrorRatioMinIncrease
                    && c.ErrorRatio >= options.ErrorRatioMinFactor * t.B.ErrorRatio);
                var better = tests.All(t => t.T.PLess < options.Alpha);
                var worst = tests.Max(t => t.B.ErrorRatio);
                list.Add(new MetricJudgement("errors", "TRANSACTION", worse ? Worse : better ? Better : Ok, IsCritical("errors"), "baseline",
                    c.ErrorRatio, Day(b => b.ErrorRatio), Week(b => b.ErrorRatio), tests.Max(t => t.T.PGreater), Bounded(tests.Min(t => t.T.Ratio)), null, null,
                    worse && worst == 0
                        ? F($"error ratio {c.ErrorRatio:P1}, none before (p ≤ {tests.Max(t => t.T.PGreater):0.####})")
                        : worse
                        ? F($"error ratio {c.ErrorRatio:P1} against at most {worst:P1} before (p ≤ {tests.Max(t => t.T.PGreater):0.####})")
                        : F($"error ratio {c.ErrorRatio:P1} (before: at most {worst:P1})")));
            }
        }

        // Latency: Mann-Whitney on samples; the size is the Hodges-Lehmann shift's lower bound.
        {
            var usable = baselines.Where(b => b.LatencySample.Count >= options.MinRequests).ToList();
            if (c.LatencySample.Count < options.MinRequests || usable.Count == 0)
            {
                list.Add(new MetricJudgement("latency", "TRANSACTION", NoData, IsCritical("latency"), "baseline", c.P50Ms, Day(b => b.P50Ms), Week(b => b.P50Ms),
                    null, null, null, null, F($"fewer than {options.MinRequests} latency samples in the window or its baselines")));
            }
            else
            {
                var tests = usable.Select(b => (B: b, U: MannWhitney.Test(c.LatencySample, b.LatencySample), H: HodgesLehmann.Shift(c.LatencySample, b.LatencySample))).ToList();
                var worse = tests.All(t => t.U.PGreater < options.Alpha && t.H.Lower >= Math.Max(options.LatencyMinShiftMs, options.LatencyMinShiftRatio * t.B.P50Ms));
                var better = tests.All(t => t.U.PLess < options.Alpha);
                var smallest = tests.MinBy(t => t.H.Estimate);
                list.Add(new MetricJudgement("latency", "TRANSACTION", worse ? Worse : better ? Better : Ok, IsCritical("latency"), "baseline",
                    c.P50Ms, Day(b => b.P50Ms), Week(b => b.P50Ms), tests.Max(t => t.U.PGreater), smallest.H.Estimate, smallest.H.Lower, smallest.H.Upper,
                    worse
                        ? F($"slower by {smallest.H.Estimate:0.#} ms (95% CI {smallest.H.Lower:0.#}..{smallest.H.Upper:0.#} ms; p50 {c.P50Ms:0.#} ms, p95 {c.P95Ms:0.#} ms)")
                        : F($"p50 {c.P50Ms:0.#} ms, p95 {c.P95Ms:0.#} ms; shift {smallest.H.Estimate:0.#} ms (95% CI {smallest.H.Lower:0.#}..{smallest.H.Upper:0.#})")));
            }
        }

        list.Add(CountMetric("errorLogs", c.ErrorLogs, baselines.Select(b => b.ErrorLogs).ToList(), Day(b => b.ErrorLogs), Week(b => b.ErrorLogs), "ERROR/FATAL logs"));

        // Issues: grown occurrences against every baseline, or issues new since the deployment, regressed or spiking.
        {
            var count = CountMetric("issues", c.IssueOccurrences, baselines.Select(b => b.IssueOccurrences).ToList(), Day(b => b.IssueOccurrences), Week(b => b.IssueOccurrences), "issue occurrences");
            var flagged = c.TopIssues.Where(i => (i.New || i.Regressed || i.Spiking) && i.Count >= options.MinOccurrences).ToList();
            list.Add(flagged.Count == 0 ? count : count with
            {
                State = Worse,
                Reason = count.Reason + "; " + string.Join("; ", flagged.Select(i =>
                    F($"{(i.New ? "new" : i.Regressed ? "regressed" : "spiking")} issue {i.Id} ({i.Level}, {i.Count}×): {Short(i.Title)}"))),
            });
        }

        // Alerts: more fired than in every baseline window.
        {
            var worse = baselines.All(b => c.Alerts.Count > b.Alerts.Count);
            list.Add(new MetricJudgement("alerts", "ALERT", worse ? Worse : Ok, IsCritical("alerts"), "baseline", c.Alerts.Count,
                Day(b => b.Alerts.Count), Week(b => b.Alerts.Count), null, null, null, null,
                c.Alerts.Count == 0 ? "no alert fired" : F($"{c.Alerts.Count} alert(s) fired: {string.Join(", ", c.Alerts.Select(a => a.Rule).Distinct())}")));
        }

        return list;
    }

    // A ratio against a baseline of zero is unbounded: no JSON number can carry it, so the effect is left out (the
    // reason says "none before").
    private static double? Bounded(double ratio) => double.IsFinite(ratio) ? ratio : null;

    private MetricJudgement CountMetric(string metric, long count, List<long> baselineCounts, double? day, double? week, string what)
    {
        var tests = baselineCounts.Select(b => RateTests.PoissonRates(count, 1, b, 1)).ToList();
        var worse = count >= options.MinOccurrences && tests.All(t => t.PGreater < options.Alpha && t.Ratio >= options.CountMinFactor);
        var category = metric == "alerts" ? "ALERT" : "ISSUE";
        return new MetricJudgement(metric, category, worse ? Worse : Ok, IsCritical(metric), "baseline", count, day, week,
            tests.Max(t => t.PGreater), Bounded(tests.Min(t => t.Ratio)), null, null,
            worse && baselineCounts.Max() == 0 ? F($"{count} {what}, none before")
            : worse ? F($"{count} {what}, {tests.Min(t => t.Ratio):0.#}× or more the baselines' (at most {baselineCounts.Max()})") : F($"{count} {what} (before: at most {baselineCounts.Max()})"));
    }

    private List<MetricJudgement> Absolute(HealthSnapshot c)
    {
        const string basis = "absolute";
        var minutes = Math.Max((c.To - c.From).TotalMinutes, 1e-9);
        var errorLogsPerMinute = c.ErrorLogs / minutes;
        var enough = c.Requests >= options.MinRequests;
        var errorsWorse = enough && c.ErrorRatio > options.AbsoluteMaxErrorRatio;
        var latencyWorse = enough && c.P95Ms > options.AbsoluteMaxP95Ms;
        var logsWorse = errorLogsPerMinute > options.AbsoluteMaxErrorLogsPerMinute;
        return
        [
            new MetricJudgement("throughput", "TRANSACTION", c.Requests == 0 ? NoData : Ok, IsCritical("throughput"), basis, c.RequestsPerMinute, null, null, null, null, null, null,
                F($"{c.RequestsPerMinute:0.#} requests/min; no baseline to compare with")),
            new MetricJudgement("errors", "TRANSACTION", !enough ? NoData : errorsWorse ? Worse : Ok, IsCritical("errors"), basis, c.ErrorRatio, null, null, null, null, null, null,
                F($"error ratio {c.ErrorRatio:P1} against the absolute limit {options.AbsoluteMaxErrorRatio:P1}")),
            new MetricJudgement("latency", "TRANSACTION", !enough ? NoData : latencyWorse ? Worse : Ok, IsCritical("latency"), basis, c.P95Ms, null, null, null, null, null, null,
                F($"p95 {c.P95Ms:0.#} ms against the absolute limit {options.AbsoluteMaxP95Ms:0.#} ms")),
            new MetricJudgement("errorLogs", "ISSUE", logsWorse ? Worse : Ok, IsCritical("errorLogs"), basis, c.ErrorLogs, null, null, null, null, null, null,
                F($"{errorLogsPerMinute:0.##} ERROR/FATAL logs per minute against the absolute limit {options.AbsoluteMaxErrorLogsPerMinute:0.##}")),
            new MetricJudgement("issues", "ISSUE", Ok, IsCritical("issues"), basis, c.IssueOccurrences, null, null, null, null, null, null,
                F($"{c.TopIssues.Count} issue(s), all new with the application; judged through error logs")),
            new MetricJudgement("alerts", "ALERT", c.Alerts.Count > 0 ? Worse : Ok, IsCritical("alerts"), basis, c.Alerts.Count, null, null, null, null, null, null,
                c.Alerts.Count == 0 ? "no alert fired" : F($"{c.Alerts.Count} alert(s) fired")),
        ];
    }

    private static string Short(string title) => title.Length > 80 ? title[..77] + "..." : title;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
