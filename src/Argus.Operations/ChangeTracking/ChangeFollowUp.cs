using System.Globalization;
using System.Xml.Linq;
using Argus.Core;
using Argus.Core.ChangeTracking;

namespace Argus.Operations.ChangeTracking;

/// <summary>The data that shows one metric judged WORSE: the metric over time against both baselines, and what moved most.</summary>
/// <param name="Application">The application.</param>
/// <param name="ApplicationId">Its number in the deployment.</param>
/// <param name="Metric">throughput, errors, latency, errorLogs, issues or alerts.</param>
/// <param name="Unit">What the values count (requests per step, error ratio, p50 ms, records per step, alerts per step).</param>
/// <param name="StepSeconds">The length of one step.</param>
/// <param name="Series">The window, the day before and the week before, in that order, each with one value per step (null: no data in the step).</param>
/// <param name="MoverKind"><c>endpoint</c> (server span names), <c>issue</c> or <c>alert</c>.</param>
/// <param name="Movers">The endpoints, issues or alert rules that moved most, the most worsened first.</param>
/// <param name="Chart">The chart's address (SVG), relative to the server unless <see cref="ChangeTrackingOptions.PublicUrl"/> is set.</param>
public sealed record FollowUp(
    string Application, int ApplicationId, string Metric, string Unit, double StepSeconds, IReadOnlyList<FollowUpSeries> Series,
    string MoverKind, IReadOnlyList<FollowUpMover> Movers, string? Chart = null);

/// <summary>One series of a follow-up.</summary>
/// <param name="Name"><c>window</c>, <c>dayBefore</c> or <c>weekBefore</c>.</param>
/// <param name="From">The start of its first step.</param>
/// <param name="Values">One value per step.</param>
public sealed record FollowUpSeries(string Name, DateTimeOffset From, IReadOnlyList<double?> Values);

/// <summary>An endpoint, issue or alert rule that moved.</summary>
/// <param name="Name">The span name, issue title (with its id) or alert rule.</param>
/// <param name="Value">Its value in the window (in the follow-up's unit for endpoints, occurrences for issues, firings for alerts).</param>
/// <param name="Baseline">The same in the baseline (the day before, or the week before when the day before has no data).</param>
/// <param name="Change">How much it worsened (positive: worse; for throughput, the drop in requests).</param>
public sealed record FollowUpMover(string Name, double Value, double? Baseline, double Change);

/// <summary>Runs the follow-up queries for every metric a judgement found WORSE.</summary>
public sealed class ChangeFollowUpReader(IServiceWindowReader windows)
{
    private const int ErrorSeverity = 17;
    private const int WarnSeverity = 13;
    private const int EndpointLimit = 500;

    /// <summary>The follow-ups of every WORSE metric of every application, in the judgement's order.</summary>
    public async Task<IReadOnlyList<FollowUp>> ReadAsync(
        string tenantId, IReadOnlyList<ApplicationSnapshots> snapshots, ChangeJudgement judgement, ChangeTrackingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(judgement);
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<FollowUp>();
        foreach (var app in judgement.Applications)
        {
            var worse = app.Metrics.Where(m => m.State == "WORSE").ToList();
            var s = snapshots.FirstOrDefault(x => x.ApplicationId == app.ApplicationId);
            if (worse.Count == 0 || s is null)
            {
                continue;
            }

            var windowsOf = new[] { ("window", s.Current), ("dayBefore", s.DayBefore), ("weekBefore", s.WeekBefore) };
            var step = (s.Current.To - s.Current.From) / options.FollowUpSteps;
            var baseline = s.DayBefore.HasData ? s.DayBefore : s.WeekBefore;

            // Each query runs at most once per application, however many metrics need it.
            IReadOnlyList<ServiceStep>[]? spans = null;
            (IReadOnlyList<EndpointWindowStats> Now, IReadOnlyList<EndpointWindowStats> Before)? endpoints = null;
            async Task<IReadOnlyList<ServiceStep>[]> Spans() => spans ??= await Task.WhenAll(windowsOf.Select(w =>
                windows.GetServiceSeriesAsync(tenantId, s.Name, Range(w.Item2), step, cancellationToken)));
            async Task<(IReadOnlyList<EndpointWindowStats>, IReadOnlyList<EndpointWindowStats>)> Endpoints() => endpoints ??= (
                await windows.GetEndpointStatsAsync(tenantId, s.Name, Range(s.Current), EndpointLimit, cancellationToken),
                baseline.HasData ? await windows.GetEndpointStatsAsync(tenantId, s.Name, Range(baseline), EndpointLimit, cancellationToken) : []);

            foreach (var metric in worse)
            {
                var (unit, series, kind, movers) = metric.Metric switch
                {
                    "throughput" => ("requests per step", SpanSeries(await Spans(), options, p => p.Requests),
                        "endpoint", EndpointMovers(await Endpoints(), e => e.Requests, drop: true, options)),
                    "errors" => ("error ratio", SpanSeries(await Spans(), options, p => p.Requests == 0 ? null : p.Errors / (double)p.Requests),
                        "endpoint", EndpointMovers(await Endpoints(), e => e.Requests == 0 ? 0 : e.Errors / (double)e.Requests, drop: false, options)),
                    "latency" => ("p50 ms", SpanSeries(await Spans(), options, p => p.Requests == 0 ? null : p.P50Ms),
                        "endpoint", EndpointMovers(await Endpoints(), e => e.P50Ms, drop: false, options)),
                    "errorLogs" => ("ERROR/FATAL logs per step", await LogSeriesAsync(tenantId, s.Name, windowsOf, step, ErrorSeverity, options, cancellationToken),
                        "issue", IssueMovers(s.Current, i => i.Level is "ERROR" or "FATAL", options)),
                    "issues" => ("WARN and above logs per step", await LogSeriesAsync(tenantId, s.Name, windowsOf, step, WarnSeverity, options, cancellationToken),
                        "issue", IssueMovers(s.Current, _ => true, options)),
                    _ => ("alerts per step", AlertSeries(windowsOf, step, options), "alert", AlertMovers(s.Current, baseline, options)),
                };
                list.Add(new FollowUp(s.Name, s.ApplicationId, metric.Metric, unit, step.TotalSeconds,
                    [.. windowsOf.Select((w, i) => new FollowUpSeries(w.Item1, w.Item2.From, series[i]))], kind, movers));
            }
        }

        return list;
    }

    private static TimeRange Range(HealthSnapshot s) => new(s.From, s.To);

    private static double?[][] SpanSeries(IReadOnlyList<ServiceStep>[] steps, ChangeTrackingOptions options, Func<ServiceStep, double?> value) =>
        [.. steps.Select(points =>
        {
            var values = new double?[options.FollowUpSteps];
            var empty = value(new ServiceStep(0, 0, 0, 0));
            Array.Fill(values, empty);
            foreach (var p in points.Where(p => p.Index >= 0 && p.Index < values.Length))
            {
                values[p.Index] = value(p);
            }

            return values;
        })];

    private async Task<double?[][]> LogSeriesAsync(
        string tenantId, string service, (string, HealthSnapshot)[] windowsOf, TimeSpan step, int severity, ChangeTrackingOptions options, CancellationToken cancellationToken)
    {
        var result = new double?[windowsOf.Length][];
        for (var w = 0; w < windowsOf.Length; w++)
        {
            var values = new double?[options.FollowUpSteps];
            Array.Fill(values, 0);
            foreach (var (index, count) in await windows.GetLogSeriesAsync(tenantId, service, Range(windowsOf[w].Item2), step, severity, cancellationToken))
            {
                if (index >= 0 && index < values.Length)
                {
                    values[index] = count;
                }
            }

            result[w] = values;
        }

        return result;
    }

    private static double?[][] AlertSeries((string, HealthSnapshot)[] windowsOf, TimeSpan step, ChangeTrackingOptions options) =>
        [.. windowsOf.Select(w =>
        {
            var values = new double?[options.FollowUpSteps];
            Array.Fill(values, 0);
            foreach (var a in w.Item2.Alerts)
            {
                var index = (int)((a.StartsAt - w.Item2.From) / step);
                if (index >= 0 && index < values.Length)
                {
                    values[index]++;
                }
            }

            return values;
        })];

    private static List<FollowUpMover> EndpointMovers(
        (IReadOnlyList<EndpointWindowStats> Now, IReadOnlyList<EndpointWindowStats> Before) endpoints, Func<EndpointWindowStats, double> value, bool drop, ChangeTrackingOptions options)
    {
        var before = endpoints.Before.ToDictionary(e => e.Name, StringComparer.Ordinal);
        return [.. endpoints.Now.Select(e => e.Name).Union(before.Keys, StringComparer.Ordinal)
            .Select(name =>
            {
                var now = endpoints.Now.FirstOrDefault(e => e.Name == name);
                var then = before.GetValueOrDefault(name);
                var v = now is null ? 0 : value(now);
                double? b = then is null ? null : value(then);
                return new FollowUpMover(name, v, b, drop ? (b ?? 0) - v : v - (b ?? 0));
            })
            .OrderByDescending(m => m.Change).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(options.FollowUpTopMovers)];
    }

    private static List<FollowUpMover> IssueMovers(HealthSnapshot current, Func<SnapshotIssue, bool> which, ChangeTrackingOptions options) =>
        [.. current.TopIssues.Where(which)
            .Select(i => new FollowUpMover($"{i.Title} ({i.Id})", i.Count, i.BaselineCount, i.Count - i.BaselineCount))
            .OrderByDescending(m => m.Change).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(options.FollowUpTopMovers)];

    private static List<FollowUpMover> AlertMovers(HealthSnapshot current, HealthSnapshot baseline, ChangeTrackingOptions options) =>
        [.. current.Alerts.GroupBy(a => a.Rule, StringComparer.Ordinal)
            .Select(g => (Rule: g.Key, Count: g.Count(), Before: baseline.Alerts.Count(a => a.Rule == g.Key)))
            .Select(r => new FollowUpMover(r.Rule, r.Count, r.Before, r.Count - r.Before))
            .OrderByDescending(m => m.Change).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(options.FollowUpTopMovers)];
}

/// <summary>
/// Draws a follow-up as SVG: one polyline per series (the window and its two baselines, aligned by offset), axes
/// labelled with the minimum and maximum, and a legend. Built with <see cref="XElement"/>, so text is escaped and the
/// document is well-formed.
/// </summary>
public static class FollowUpChart
{
    private const double Width = 640, Height = 320, Left = 64, Right = 16, Top = 36, Bottom = 48;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly Dictionary<string, (string Color, string Label, string? Dash)> Styles = new(StringComparer.Ordinal)
    {
        ["window"] = ("#d62728", "window", null),
        ["dayBefore"] = ("#1f77b4", "a day before", "6 3"),
        ["weekBefore"] = ("#7f7f7f", "a week before", "2 3"),
    };

    /// <summary>The SVG document of a follow-up.</summary>
    public static string Render(FollowUp followUp)
    {
        ArgumentNullException.ThrowIfNull(followUp);
        var values = followUp.Series.SelectMany(s => s.Values).OfType<double>().ToList();
        var min = values.Count == 0 ? 0 : Math.Min(0, values.Min());
        var max = values.Count == 0 ? 1 : values.Max();
        if (max <= min)
        {
            max = min + 1;
        }

        var steps = Math.Max(1, followUp.Series.Max(s => s.Values.Count) - 1);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(int i) => Left + (plotW * i / steps);
        double Y(double v) => Top + plotH - (plotH * (v - min) / (max - min));

        var root = new XElement(Svg + "svg",
            new XAttribute("width", N(Width)), new XAttribute("height", N(Height)), new XAttribute("viewBox", $"0 0 {N(Width)} {N(Height)}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", "11"),
            new XElement(Svg + "title", $"{followUp.Application}: {followUp.Metric} ({followUp.Unit})"),
            new XElement(Svg + "rect", new XAttribute("width", N(Width)), new XAttribute("height", N(Height)), new XAttribute("fill", "#ffffff")),
            Text(Left, 20, $"{followUp.Application} — {followUp.Metric} ({followUp.Unit})", "start", "13"),
            Line(Left, Top, Left, Top + plotH),
            Line(Left, Top + plotH, Left + plotW, Top + plotH),
            Text(Left - 6, Y(max) + 4, Label(max), "end"),
            Text(Left - 6, Y(min) + 4, Label(min), "end"),
            Text(Left, Top + plotH + 16, $"-{Duration(followUp.StepSeconds * (steps + 1))}", "start"),
            Text(Left + plotW, Top + plotH + 16, "check", "end"));

        var legendX = Left;
        foreach (var series in followUp.Series)
        {
            var (color, label, dash) = Styles.GetValueOrDefault(series.Name, ("#000000", series.Name, null));
            var points = string.Join(' ', series.Values.Select((v, i) => v is { } d ? $"{N(X(i))},{N(Y(d))}" : null).OfType<string>());
            var line = new XElement(Svg + "polyline", new XAttribute("points", points), new XAttribute("fill", "none"),
                new XAttribute("stroke", color), new XAttribute("stroke-width", series.Name == "window" ? "2" : "1.5"), new XAttribute("data-series", series.Name));
            if (dash is not null)
            {
                line.Add(new XAttribute("stroke-dasharray", dash));
            }

            root.Add(line);
            root.Add(new XElement(Svg + "rect", new XAttribute("x", N(legendX)), new XAttribute("y", N(Height - 16)), new XAttribute("width", "12"),
                new XAttribute("height", "4"), new XAttribute("fill", color)));
            root.Add(Text(legendX + 16, Height - 11, $"{label} (from {series.From.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)", "start"));
            legendX += 190;
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root.ToString(SaveOptions.DisableFormatting);
    }

    private static XElement Line(double x1, double y1, double x2, double y2) =>
        new(Svg + "line", new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)), new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)), new XAttribute("stroke", "#333333"));

    private static XElement Text(double x, double y, string text, string anchor, string? size = null)
    {
        var element = new XElement(Svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("text-anchor", anchor), text);
        if (size is not null)
        {
            element.Add(new XAttribute("font-size", size));
        }

        return element;
    }

    private static string Label(double value) => Math.Abs(value) is > 0 and < 1
        ? value.ToString("0.###", CultureInfo.InvariantCulture)
        : value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => seconds >= 3600 && seconds % 3600 == 0
        ? (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h"
        : Math.Round(seconds / 60, 1).ToString(CultureInfo.InvariantCulture) + "m";

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
