using MathNet.Numerics.Distributions;

namespace Argus.Analysis.Statistics;

/// <summary>A location shift with its confidence interval.</summary>
/// <param name="Estimate">The Hodges-Lehmann estimate: the median of all differences x - y.</param>
/// <param name="Lower">Lower bound of the interval.</param>
/// <param name="Upper">Upper bound of the interval.</param>
/// <param name="Confidence">The interval's confidence level (e.g. 0.95).</param>
public sealed record ShiftEstimate(double Estimate, double Lower, double Upper, double Confidence);

/// <summary>
/// The Hodges-Lehmann estimate of the shift between two samples and its distribution-free confidence interval, the
/// one that goes with the Mann-Whitney test: order statistics of the pairwise differences, the rank taken from the
/// normal approximation of U (Hollander and Wolfe, Nonparametric Statistical Methods, section 4.3).
/// </summary>
public static class HodgesLehmann
{
    /// <summary>The most pairwise differences formed; larger samples are thinned to evenly spaced order statistics.</summary>
    public const int MaxPairs = 4_000_000;

    /// <summary>The shift of <paramref name="x"/> relative to <paramref name="y"/>.</summary>
    public static ShiftEstimate Shift(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count == 0 || y.Count == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), "The confidence level lies strictly between 0 and 1.");
        }

        var a = Thin(x);
        var b = Thin(y);
        var differences = new double[a.Length * (long)b.Length];
        var k = 0;
        foreach (var xi in a)
        {
            foreach (var yj in b)
            {
                differences[k++] = xi - yj;
            }
        }

        Array.Sort(differences);
        var count = differences.Length;
        var median = count % 2 == 1 ? differences[count / 2] : (differences[(count / 2) - 1] + differences[count / 2]) / 2;

        // The interval is [D(c), D(N + 1 - c)] in 1-based order statistics, with c from the U quantile.
        double n1 = a.Length, n2 = b.Length;
        var z = Normal.InvCDF(0, 1, 1 - ((1 - confidence) / 2));
        var c = (int)Math.Floor((n1 * n2 / 2) - (z * Math.Sqrt(n1 * n2 * (n1 + n2 + 1) / 12)));
        c = Math.Clamp(c, 1, (count + 1) / 2);
        return new ShiftEstimate(median, differences[c - 1], differences[count - c], confidence);
    }

    /// <summary>At most √<see cref="MaxPairs"/> values of a sample: evenly spaced order statistics, which keep its shape.</summary>
    private static double[] Thin(IReadOnlyList<double> sample)
    {
        var max = (int)Math.Sqrt(MaxPairs);
        var sorted = sample.ToArray();
        if (sorted.Length <= max)
        {
            return sorted;
        }

        Array.Sort(sorted);
        var thinned = new double[max];
        for (var i = 0; i < max; i++)
        {
            thinned[i] = sorted[(int)((i + 0.5) * sorted.Length / max)];
        }

        return thinned;
    }
}
