using System.Globalization;
using System.Text;

namespace Argus.Web.Components.Charts;

/// <summary>
/// Where a sparkline's points go: x spread evenly over the width, y from 0 (bottom) to the largest value (top), so
/// two sparklines of the same kind compare by shape, and a flat zero series lies on the bottom line. A missing value
/// (null: no requests in that step) breaks the line into segments.
/// </summary>
internal static class SparklineGeometry
{
    /// <summary>The polyline point lists (<c>x,y x,y …</c>), one a run of values without a gap.</summary>
    public static IReadOnlyList<string> Segments(IReadOnlyList<double?> values, double width, double height, double pad = 1.5)
    {
        ArgumentNullException.ThrowIfNull(values);
        var max = values.Max(v => v ?? 0);
        var segments = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } v)
            {
                Flush();
                continue;
            }

            var x = values.Count == 1 ? width / 2 : i * width / (values.Count - 1);
            var y = height - pad - (max <= 0 ? 0 : Math.Max(0, v) / max * (height - 2 * pad));
            current.Append(current.Length == 0 ? "" : " ").Append(Number(x)).Append(',').Append(Number(y));
        }

        Flush();
        return segments;

        void Flush()
        {
            if (current.Length > 0)
            {
                segments.Add(current.ToString());
                current.Clear();
            }
        }
    }

    /// <summary>Bars for counts: (x, y, width, height) of each step's bar, the largest as high as the chart.</summary>
    public static IReadOnlyList<(string X, string Y, string Width, string Height)> Bars(IReadOnlyList<double?> values, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(values);
        var counts = values.Select(v => Math.Max(0, v ?? 0)).ToList();
        var max = counts.Count == 0 ? 0 : counts.Max();
        var slot = counts.Count == 0 ? 0 : width / counts.Count;
        var bars = new List<(string, string, string, string)>(counts.Count);
        for (var i = 0; i < counts.Count; i++)
        {
            // A step with occurrences gets at least one pixel, so a single record next to a large step stays visible.
            var h = max == 0 || counts[i] == 0 ? 0 : Math.Max(1, counts[i] * height / max);
            bars.Add((Number(i * slot), Number(height - h), Number(Math.Max(1, slot - 1)), Number(h)));
        }

        return bars;
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
