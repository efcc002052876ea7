using Argus.Analysis.Statistics;

namespace Argus.Analysis.Tests.Statistics;

/// <summary>The window-comparison statistics against published values (SciPy and R documentation examples) and hand calculations.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void Mann_whitney_matches_the_scipy_documentation_example()
    {
        // scipy.stats.mannwhitneyu docs: males vs females, method="asymptotic" -> statistic=17.0, pvalue=0.11134688653314041.
        double[] males = [19, 22, 16, 29, 24];
        double[] females = [20, 11, 17, 12];
        var result = MannWhitney.Test(males, females);
        Assert.Equal(17.0, result.U);
        Assert.Equal(0.11134688653314041, result.PTwoSided, 1e-12);
        Assert.True(result.PGreater < result.PLess);
    }

    [Fact]
    public void Mann_whitney_uses_mid_ranks_and_the_tie_correction()
    {
        // x = 1,2,2,3 and y = 2,3,3,4: mid-ranks 1, 3, 3, 6 give U = 3; ties of 3 and 3 values give
        // sigma = sqrt(16/12 * (9 - 48/56)) = 3.2950; R's wilcox.test(x, y, exact = FALSE) reports W = 3, p = 0.172.
        double[] x = [1, 2, 2, 3];
        double[] y = [2, 3, 3, 4];
        var result = MannWhitney.Test(x, y);
        Assert.Equal(3.0, result.U);
        Assert.Equal(0.1720337089, result.PTwoSided, 1e-9);
        Assert.Equal(0.9524598066, result.PGreater, 1e-9); // 1 - Phi((3 - 8 - 0.5) / 3.2950)
        Assert.Equal(-5 / 3.295017884191656, result.Z, 1e-9);
    }

    [Fact]
    public void Mann_whitney_of_identical_values_finds_nothing()
    {
        var result = MannWhitney.Test([5, 5, 5], [5, 5]);
        Assert.Equal(1, result.PTwoSided);
        Assert.Equal(1, result.PGreater);
    }

    [Fact]
    public void Mann_whitney_detects_a_shift_in_large_samples_and_not_its_absence()
    {
        var baseline = Enumerable.Range(0, 1000).Select(i => 100 + (i % 50)).Select(v => (double)v).ToArray();
        var slower = baseline.Select(v => v + 20).ToArray();
        Assert.True(MannWhitney.Test(slower, baseline).PGreater < 1e-6);
        Assert.True(MannWhitney.Test(baseline.Reverse().ToArray(), baseline).PTwoSided > 0.99);
    }

    [Fact]
    public void Hodges_lehmann_is_the_median_of_pairwise_differences()
    {
        // Differences of (1, 2, 3) and (0) are 1, 2, 3: the estimate is 2.
        var small = HodgesLehmann.Shift([1, 2, 3], [0]);
        Assert.Equal(2, small.Estimate);

        // An exact shift of 5 is estimated as 5 and covered by the interval.
        var y = Enumerable.Range(0, 200).Select(i => (double)(i * 7 % 101)).ToArray();
        var x = y.Select(v => v + 5).ToArray();
        var shift = HodgesLehmann.Shift(x, y);
        Assert.Equal(5, shift.Estimate);
        Assert.True(shift.Lower <= 5 && shift.Upper >= 5, $"[{shift.Lower}, {shift.Upper}]");
        Assert.True(shift.Lower > -10 && shift.Upper < 20);
    }

    [Fact]
    public void Hodges_lehmann_interval_follows_the_u_quantile()
    {
        // n1 = n2 = 10: c = floor(50 - 1.959964 * sqrt(100 * 21 / 12)) = floor(24.07) = 24, so the 95 % interval is
        // [D(24), D(77)] of the 100 sorted differences. With x = 10..19 and y = 0..9 the differences are 1..19 with
        // multiplicities 1,2,...,10,...,2,1; D(24) = 7 and D(77) = 13 (cumulative counts 21 up to 6, 28 up to 7).
        var x = Enumerable.Range(10, 10).Select(i => (double)i).ToArray();
        var y = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var shift = HodgesLehmann.Shift(x, y);
        Assert.Equal(10, shift.Estimate);
        Assert.Equal(7, shift.Lower);
        Assert.Equal(13, shift.Upper);
    }

    [Fact]
    public void Poisson_rates_match_the_r_documentation_example()
    {
        // R ?poisson.test: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) -> p-value = 0.07967, rate ratio 1.971488.
        var result = RateTests.PoissonRates(11, 800, 6 + 8 + 7, 1083 + 1050 + 878);
        Assert.Equal(1.971488, result.Ratio, 1e-6);
        Assert.Equal(0.07967, result.PTwoSided, 1e-5);
        // One-sided: P(X >= 11) for X ~ Binomial(32, 800/3811) = 0.0560087 (summed by hand with exact binomial terms).
        Assert.Equal(0.0560087, result.PGreater, 1e-6);
    }

    [Fact]
    public void Poisson_rates_of_nothing_are_equal_and_large_totals_use_the_tails()
    {
        Assert.Equal(1, RateTests.PoissonRates(0, 10, 0, 10).PTwoSided);
        var big = RateTests.PoissonRates(50_000, 1, 50_000, 1);
        Assert.Equal(1, big.Ratio);
        Assert.True(big.PTwoSided > 0.9);
        Assert.True(RateTests.PoissonRates(60_000, 1, 50_000, 1).PGreater < 1e-10);
    }

    [Fact]
    public void Proportions_match_the_pooled_z_test()
    {
        // 30 of 200 against 15 of 200: pooled p = 0.1125, se = sqrt(0.1125 * 0.8875 * 0.01) = 0.031598, z = 0.075 / se = 2.37356;
        // one-sided p = 1 - Phi(2.37356) = 0.0088087; R's prop.test(c(30, 15), c(200, 200), correct = FALSE) gives
        // X-squared = 5.6338 = z^2 and p-value = 0.01762 (two-sided).
        var result = RateTests.Proportions(30, 200, 15, 200);
        Assert.Equal(2, result.Ratio, 1e-12);
        Assert.Equal(0.01762, result.PTwoSided, 1e-5);
        Assert.Equal(0.0088087, result.PGreater, 1e-6);
    }
}
