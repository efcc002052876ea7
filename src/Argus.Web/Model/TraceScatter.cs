using System.Globalization;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Web.Model;

/// <summary>One trace as a dot: its place in the plot (in the SVG's user units) and what it links to.</summary>
internal sealed record ScatterDot(double X, double Y, bool IsError, TraceSummary Trace);

/// <summary>A labelled tick on an axis, at <see cref="At"/> user units along it.</summary>
internal readonly record struct ScatterTick(double At, string Label, string Anchor = "end");

/// <summary>
/// The duration-over-time scatter above the trace search: x is a trace's start within the searched range, y its
/// duration, on a log axis when the durations span more than <see cref="LogRatio"/> times (one slow outlier would
/// otherwise flatten every other dot onto the floor). Drawn by the page as SVG, in a fixed user-unit box.
/// </summary>
/// <param name="Dots">The traces, errors last (drawn on top).</param>
/// <param name="XTicks">Start times along the range.</param>
/// <param name="YTicks">Durations up the plot.</param>
/// <param name="IsLog">True when the duration axis is logarithmic.</param>
internal sealed record TraceScatter(IReadOnlyList<ScatterDot> Dots, IReadOnlyList<ScatterTick> XTicks, IReadOnlyList<ScatterTick> YTicks, bool IsLog)
{
    /// <summary>The plot's size in SVG user units; the page scales the SVG to its width.</summary>
    public const double Width = 1000, Height = 180;

    /// <summary>The left and bottom margins hold the axis labels.</summary>
    public const double Left = 64, Bottom = 22, Top = 8, Right = 12;

    /// <summary>Durations spanning more than this factor are drawn on a log axis.</summary>
    public const double LogRatio = 20;

    public static double PlotBottom => Height - Bottom;

    public static TraceScatter Build(IReadOnlyList<TraceSummary> traces, TimeRange range)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var durations = traces.Select(t => Math.Max(t.DurationMs, 0)).ToList();
        var positive = durations.Where(d => d > 0).ToList();
        var min = positive.Count == 0 ? 1 : positive.Min();
        var max = durations.Count == 0 ? 1 : Math.Max(durations.Max(), min);
        var isLog = max / min > LogRatio;
        Func<double, double> y;
        List<double> values;
        if (isLog)
        {
            // Whole decades around the data, so the ticks are 1, 10, 100 ... ms.
            var lo = Math.Floor(Math.Log10(min));
            var hi = Math.Max(lo + 1, Math.Ceiling(Math.Log10(max)));
            y = ms => Scale(Math.Log10(Math.Max(ms, Math.Pow(10, lo))), lo, hi);
            values = [.. Enumerable.Range(0, (int)(hi - lo) + 1).Select(i => Math.Pow(10, lo + i))];
        }
        else
        {
            var step = NiceStep(max / 4);
            var top = Math.Max(step, Math.Ceiling(max / step) * step);
            y = ms => Scale(ms, 0, top);
            values = [.. Enumerable.Range(0, (int)Math.Round(top / step) + 1).Select(i => i * step)];
        }

        var from = range.From.ToUnixTimeMilliseconds();
        var span = Math.Max(1, range.To.ToUnixTimeMilliseconds() - from);
        double X(DateTimeOffset time) => Left + ((Width - Left - Right) * Math.Clamp((time.ToUnixTimeMilliseconds() - from) / (double)span, 0, 1));
        var dots = traces.Select(t => new ScatterDot(Round(X(t.Start)), Round(y(t.DurationMs)), t.ErrorCount > 0, t))
            // Errors last, so that a red dot is never hidden under a blue one.
            .OrderBy(d => d.IsError).ToList();
        var format = range.Duration >= TimeSpan.FromDays(2) ? "MM-dd HH:mm" : range.Duration > TimeSpan.FromMinutes(10) ? "HH:mm" : "HH:mm:ss";
        var xTicks = Enumerable.Range(0, 5)
            .Select(i => range.From + (range.Duration * i / 4))
            // The first label starts at the axis' start and the last ends at its end, so neither is cut off.
            .Select((t, i) => new ScatterTick(Round(X(t)), t.UtcDateTime.ToString(format, CultureInfo.InvariantCulture), i == 0 ? "start" : i == 4 ? "end" : "middle"))
            .ToList();
        var yTicks = values.Select(v => new ScatterTick(Round(y(v)), Label(v))).ToList();
        return new TraceScatter(dots, xTicks, yTicks, isLog);
    }

    // Tick values are round (1, 2 or 5 times a power of ten), so they are written without Format.Ms's fixed decimals.
    internal static string Label(double ms) => ms switch
    {
        0 => "0",
        >= 1000 => (ms / 1000).ToString("0.###", CultureInfo.InvariantCulture) + " s",
        _ => ms.ToString("0.###", CultureInfo.InvariantCulture) + " ms",
    };

    // Value to the y coordinate: the bottom of the plot at lo, its top at hi (SVG's y grows downwards).
    private static double Scale(double value, double lo, double hi) =>
        PlotBottom - ((PlotBottom - Top) * Math.Clamp((value - lo) / (hi - lo), 0, 1));

    // 1, 2 or 5 times a power of ten, at least the raw step.
    private static double NiceStep(double raw)
    {
        if (raw <= 0 || !double.IsFinite(raw))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }

    private static double Round(double value) => Math.Round(value, 1);
}
