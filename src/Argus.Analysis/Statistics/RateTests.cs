using MathNet.Numerics.Distributions;

namespace Argus.Analysis.Statistics;

/// <summary>The comparison of a count (or proportion) in a window with the same in a baseline.</summary>
/// <param name="Ratio">Window rate divided by baseline rate (infinity when the baseline is zero and the window is not; 1 when both are zero).</param>
/// <param name="PGreater">One-sided p-value for "the window's rate is higher".</param>
/// <param name="PLess">One-sided p-value for "the window's rate is lower".</param>
/// <param name="PTwoSided">Two-sided p-value.</param>
public sealed record RateComparison(double Ratio, double PGreater, double PLess, double PTwoSided);

/// <summary>Tests for counts: two Poisson rates (exact, conditional on the total) and two proportions (z-test).</summary>
public static class RateTests
{
    /// <summary>Totals up to this use the exact two-sided binomial sum.</summary>
    public const int ExactTwoSidedLimit = 20_000;

    /// <summary>
    /// Compares Poisson counts <paramref name="count"/> over <paramref name="exposure"/> with <paramref name="baselineCount"/>
    /// over <paramref name="baselineExposure"/>: given the total, the window's count is binomial with p = exposure share
    /// under the null hypothesis. The two-sided p-value is R's <c>poisson.test</c> (via <c>binom.test</c>): the sum of the
    /// outcomes no more likely than the observed one.
    /// </summary>
    public static RateComparison PoissonRates(long count, double exposure, long baselineCount, double baselineExposure)
    {
        if (count < 0 || baselineCount < 0 || exposure <= 0 || baselineExposure <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "Counts are non-negative and exposures positive.");
        }

        var ratio = baselineCount == 0 ? (count == 0 ? 1 : double.PositiveInfinity) : count / exposure / (baselineCount / baselineExposure);
        var total = count + baselineCount;
        if (total == 0)
        {
            return new RateComparison(ratio, 1, 1, 1);
        }

        if (total > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "Counts beyond 2^31 are not supported.");
        }

        var n = (int)total;
        var p = exposure / (exposure + baselineExposure);
        var k = (int)count;
        var pGreater = k == 0 ? 1 : 1 - Binomial.CDF(p, n, k - 1);
        var pLess = Binomial.CDF(p, n, k);
        // Summing every outcome's probability costs one term per event; past ExactTwoSidedLimit the doubled smaller tail
        // is used instead (the binomial is then symmetric enough for the two to agree to the third decimal).
        var pTwo = n <= ExactTwoSidedLimit ? TwoSidedBinomial(p, n, k) : Clamp(2 * Math.Min(pGreater, pLess));
        return new RateComparison(ratio, Clamp(pGreater), Clamp(pLess), pTwo);
    }

    /// <summary>
    /// The two-proportion z-test with the pooled variance (R's <c>prop.test(correct = FALSE)</c>): <paramref name="events"/>
    /// of <paramref name="trials"/> against <paramref name="baselineEvents"/> of <paramref name="baselineTrials"/>.
    /// </summary>
    public static RateComparison Proportions(long events, long trials, long baselineEvents, long baselineTrials)
    {
        if (trials <= 0 || baselineTrials <= 0 || events < 0 || baselineEvents < 0 || events > trials || baselineEvents > baselineTrials)
        {
            throw new ArgumentOutOfRangeException(nameof(events), "Each proportion needs 0 <= events <= trials and trials > 0.");
        }

        var p1 = events / (double)trials;
        var p0 = baselineEvents / (double)baselineTrials;
        var ratio = p0 == 0 ? (p1 == 0 ? 1 : double.PositiveInfinity) : p1 / p0;
        var pooled = (events + baselineEvents) / (double)(trials + baselineTrials);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / trials) + (1.0 / baselineTrials)));
        if (se == 0)
        {
            return new RateComparison(ratio, 1, 1, 1);
        }

        var z = (p1 - p0) / se;
        return new RateComparison(ratio, Clamp(1 - Normal.CDF(0, 1, z)), Clamp(Normal.CDF(0, 1, z)), Clamp(2 * (1 - Normal.CDF(0, 1, Math.Abs(z)))));
    }

    private static double TwoSidedBinomial(double p, int n, int k)
    {
        // R's binom.test: outcomes whose probability is at most the observed one's (with its relative tolerance 1 + 1e-7).
        var observed = Binomial.PMF(p, n, k) * (1 + 1e-7);
        double sum = 0;
        for (var i = 0; i <= n; i++)
        {
            var pi = Binomial.PMF(p, n, i);
            if (pi <= observed)
            {
                sum += pi;
            }
        }

        return Clamp(sum);
    }

    private static double Clamp(double p) => Math.Clamp(p, 0, 1);
}
