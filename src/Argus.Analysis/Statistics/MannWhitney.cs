using MathNet.Numerics.Distributions;

namespace Argus.Analysis.Statistics;

/// <summary>The result of a Mann-Whitney U test of sample <c>x</c> against sample <c>y</c>.</summary>
/// <param name="U">U of <c>x</c>: the number of pairs (x, y) with x &gt; y, ties counting one half.</param>
/// <param name="Z">The standardised U, tie-corrected, without continuity correction.</param>
/// <param name="PGreater">One-sided p-value for "x tends to be larger than y" (continuity-corrected).</param>
/// <param name="PLess">One-sided p-value for "x tends to be smaller than y" (continuity-corrected).</param>
/// <param name="PTwoSided">Two-sided p-value (continuity-corrected), as SciPy's <c>mannwhitneyu(method="asymptotic")</c>.</param>
/// <param name="N1">Size of <c>x</c>.</param>
/// <param name="N2">Size of <c>y</c>.</param>
public sealed record MannWhitneyResult(double U, double Z, double PGreater, double PLess, double PTwoSided, int N1, int N2);

/// <summary>
/// The Mann-Whitney U (Wilcoxon rank-sum) test with the normal approximation, mid-ranks for ties, the tie correction of
/// the variance and a continuity correction of one half. Meant for the sample sizes telemetry gives (tens to thousands),
/// where the normal approximation is accurate; no exact small-sample distribution.
/// </summary>
public static class MannWhitney
{
    /// <summary>Tests <paramref name="x"/> against <paramref name="y"/>. Both must be non-empty.</summary>
    public static MannWhitneyResult Test(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count == 0 || y.Count == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        int n1 = x.Count, n2 = y.Count, n = n1 + n2;
        var all = new (double Value, bool FromX)[n];
        for (var i = 0; i < n1; i++)
        {
            all[i] = (x[i], true);
        }

        for (var j = 0; j < n2; j++)
        {
            all[n1 + j] = (y[j], false);
        }

        Array.Sort(all, static (a, b) => a.Value.CompareTo(b.Value));

        // Mid-ranks: a run of equal values shares the mean of the ranks it spans; the runs also give the tie term.
        double rankSumX = 0, tieTerm = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && all[end + 1].Value.Equals(all[start].Value))
            {
                end++;
            }

            var rank = (start + end + 2) / 2.0;
            for (var k = start; k <= end; k++)
            {
                if (all[k].FromX)
                {
                    rankSumX += rank;
                }
            }

            double t = end - start + 1;
            tieTerm += (t * t * t) - t;
            start = end + 1;
        }

        var u1 = rankSumX - (n1 * (n1 + 1) / 2.0);
        var mean = n1 * (double)n2 / 2.0;
        var variance = n1 * (double)n2 / 12.0 * ((n + 1) - (tieTerm / (n * (double)(n - 1))));
        if (variance <= 0 || n < 2)
        {
            // Every value equal: nothing to tell the samples apart.
            return new MannWhitneyResult(u1, 0, 1, 1, 1, n1, n2);
        }

        var sigma = Math.Sqrt(variance);
        var u2 = (n1 * (double)n2) - u1;
        var pGreater = 1 - Normal.CDF(0, 1, (u1 - mean - 0.5) / sigma);
        var pLess = Normal.CDF(0, 1, (u1 - mean + 0.5) / sigma);
        var pTwo = Math.Min(1, 2 * (1 - Normal.CDF(0, 1, (Math.Max(u1, u2) - mean - 0.5) / sigma)));
        return new MannWhitneyResult(u1, (u1 - mean) / sigma, Math.Min(1, pGreater), Math.Min(1, pLess), pTwo, n1, n2);
    }
}
