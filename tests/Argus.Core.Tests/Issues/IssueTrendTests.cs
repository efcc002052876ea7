using Argus.Core.Issues;

namespace Argus.Core.Tests.Issues;

/// <summary>New, regressed and spiking, as the issue list and the console flag them.</summary>
public sealed class IssueTrendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    // The window is the hour from T0; its baseline the hour before.
    private static readonly TimeRange Window = new(T0, T0.AddHours(1));
    private static readonly TimeRange Baseline = new(T0.AddHours(-1), T0);

    private static IssueCounts Counts(long count, long baseline, DateTimeOffset? first = null) =>
        new(1, count, baseline, 17, ["api"], [], null, first ?? T0.AddMinutes(10), T0.AddMinutes(50));

    private static IssueIdentity Known(DateTimeOffset firstSeen) => new(1, "exception", "boom", "E", 17, firstSeen, T0.AddMinutes(50));

    [Fact]
    public void First_seen_in_the_window_is_new_and_neither_regressed_nor_compared()
    {
        var trend = IssueTrend.Of(Counts(3, 0), Known(T0.AddMinutes(10)), Baseline, Window.From, 1.0);
        Assert.True(trend.New);
        Assert.False(trend.Regressed);
        Assert.Equal(T0.AddMinutes(10), trend.FirstSeen);
    }

    [Fact]
    public void Known_from_before_quiet_in_the_baseline_and_back_now_is_regressed()
    {
        var trend = IssueTrend.Of(Counts(2, 0), Known(T0.AddDays(-3)), Baseline, Window.From, 1.0);
        Assert.False(trend.New);
        Assert.True(trend.Regressed);

        // Still occurring in the baseline: not a regression, just ongoing.
        Assert.False(IssueTrend.Of(Counts(2, 1), Known(T0.AddDays(-3)), Baseline, Window.From, 1.0).Regressed);

        // First seen during the baseline (not before it) and quiet there by these counts: not a regression either.
        Assert.False(IssueTrend.Of(Counts(2, 0), Known(T0.AddMinutes(-30)), Baseline, Window.From, 1.0).Regressed);
    }

    [Theory]
    [InlineData(30, 5, true)]    // six times the baseline, far outside its noise
    [InlineData(9, 0, false)]    // below the minimum count, however quiet before
    [InlineData(10, 0, true)]    // at the minimum, from nothing
    [InlineData(30, 20, false)]  // less than twice the baseline
    [InlineData(12, 6, false)]   // twice the baseline, but (12 - 6) / sqrt(7) ≈ 2.3 deviations above it
    public void A_window_spikes_when_large_twice_the_baseline_and_three_deviations_above_it(long count, long baseline, bool spiking) =>
        Assert.Equal(spiking, IssueTrend.Of(Counts(count, baseline), Known(T0.AddDays(-3)), Baseline, Window.From, 1.0).Spiking);

    [Fact]
    public void The_last_step_spikes_against_the_baselines_rate_per_step_even_when_the_window_does_not()
    {
        // 12 steps of 5 minutes; a baseline of 24 an hour is 2 a step. 1 a step, then 16 in the last step.
        var steps = Enumerable.Range(0, 12).Select(i => new IssueCountPoint(T0.AddMinutes(5 * i), i == 11 ? 16 : 1)).ToList();
        var window = new IssueCounts(1, steps.Sum(p => p.Count), 24, 17, ["api"], [], null, T0, T0.AddMinutes(59));
        Assert.False(IssueTrend.Of(window, Known(T0.AddDays(-3)), Baseline, Window.From, 1.0).Spiking); // 27 against 24
        Assert.True(IssueTrend.SpikesAtEnd(steps, 24 / 12.0));

        // The same burst one step earlier, with a quiet last step: not spiking now.
        var earlier = steps.Select((p, i) => p with { Count = i == 10 ? 16 : 1 }).ToList();
        Assert.False(IssueTrend.SpikesAtEnd(earlier, 24 / 12.0));
        Assert.False(IssueTrend.SpikesAtEnd([], 2));
    }

    [Fact]
    public void Steps_fill_every_step_of_the_range_from_the_epoch_aligned_one_at_or_before_its_start()
    {
        var range = new TimeRange(T0.AddMinutes(2), T0.AddMinutes(17));
        var points = new[] { new IssueCountPoint(T0.AddMinutes(5), 3), new IssueCountPoint(T0.AddMinutes(15), 4) };

        var steps = IssueTrend.Steps(points, range, TimeSpan.FromMinutes(5));

        Assert.Equal([T0, T0.AddMinutes(5), T0.AddMinutes(10), T0.AddMinutes(15)], steps.Select(p => p.Time));
        Assert.Equal([0L, 3, 0, 4], steps.Select(p => p.Count));
    }

    [Fact]
    public void A_step_for_a_number_of_steps_is_whole_seconds_and_never_zero()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), IssueTrend.StepFor(TimeSpan.FromHours(1), 30));
        Assert.Equal(TimeSpan.FromSeconds(3), IssueTrend.StepFor(TimeSpan.FromSeconds(61), 24));
        Assert.Equal(TimeSpan.FromSeconds(1), IssueTrend.StepFor(TimeSpan.FromMilliseconds(10), 30));
    }
}
