using System.Globalization;

namespace Argus.Web.Components.Charts;

/// <summary>How a change is measured: relative to the earlier value (counts, durations) or in percentage points (rates).</summary>
public enum ChangeMeasure
{
    Relative,
    Points,
}

/// <summary>
/// A figure's change against an earlier window, as the home shows it: an arrow, the change in percent (or percentage
/// points for a rate) and a tone, <c>worse</c> (red), <c>better</c>, <c>same</c> or <c>none</c> (no earlier data, or a
/// figure where neither direction is bad, such as the request count).
/// </summary>
internal sealed record ChangeFigure(string Arrow, string Text, string Tone)
{
    /// <summary>Changes smaller than this (0.5 % or 0.05 points) show as unchanged.</summary>
    private const double Negligible = 0.5;

    /// <param name="higherIsWorse">True for errors and latency, false where a rise is good, null where neither is.</param>
    public static ChangeFigure Of(double? current, double? previous, bool? higherIsWorse, ChangeMeasure measure)
    {
        if (current is not { } now || previous is not { } before)
        {
            return new ChangeFigure("", "no data", "none");
        }

        double change;
        string text;
        if (measure == ChangeMeasure.Points)
        {
            change = (now - before) * 100;
            text = Signed(change, "0.0") + " pt";
            if (Math.Abs(change) < Negligible / 10)
            {
                return new ChangeFigure("=", "0 pt", "same");
            }
        }
        else if (before == 0)
        {
            // From nothing to something has no percentage.
            return now == 0 ? new ChangeFigure("=", "0 %", "same") : new ChangeFigure("▲", "from 0", ToneOf(up: true, higherIsWorse));
        }
        else
        {
            change = (now - before) / before * 100;
            text = Signed(change, Math.Abs(change) >= 10 ? "0" : "0.0") + " %";
            if (Math.Abs(change) < Negligible)
            {
                return new ChangeFigure("=", "0 %", "same");
            }
        }

        return new ChangeFigure(change > 0 ? "▲" : "▼", text, ToneOf(change > 0, higherIsWorse));
    }

    private static string ToneOf(bool up, bool? higherIsWorse) => higherIsWorse switch
    {
        null => "none",
        true => up ? "worse" : "better",
        false => up ? "better" : "worse",
    };

    // A true minus sign for falls, a plus for rises.
    private static string Signed(double value, string format) =>
        (value > 0 ? "+" : value < 0 ? "−" : "") + Math.Abs(value).ToString(format, CultureInfo.InvariantCulture);
}
