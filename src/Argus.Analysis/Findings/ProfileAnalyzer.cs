using Argus.Analysis.Profiles;

namespace Argus.Analysis.Findings;

/// <summary>
/// Finds what made a transaction slow or fail, from its <see cref="TransactionProfile"/>, against the thresholds of
/// <see cref="AnalyzerOptions"/>. Deterministic and stateless.
/// </summary>
/// <remarks>
/// Findings come most important first: critical before warning, then by the time they account for (an exception in a
/// failed transaction counts as the whole response time). When nothing passes a threshold the only finding is a
/// <see cref="NoSignificantProblemFinding"/>. Groups (<see cref="TransactionProfile.SqlGroups"/>,
/// <see cref="TransactionProfile.ExternalTargets"/>) cover every span, so findings stay right when the profile's lists
/// were truncated.
/// </remarks>
public static class ProfileAnalyzer
{
    /// <summary>Analyses a profile.</summary>
    /// <param name="profile">The transaction.</param>
    /// <param name="options">Thresholds; <see cref="AnalyzerOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static IReadOnlyList<Finding> Analyze(TransactionProfile profile, AnalyzerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= AnalyzerOptions.Default;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var found = new List<(Finding Finding, double ImpactMs)>();
        var context = new Context(profile, options);

        foreach (var g in profile.SqlGroups)
        {
            var share = context.Share(g.MaxMs);
            if (context.Passes(g.MaxMs, share, options.DominantSqlSharePercent, options.DominantSqlMs))
            {
                var rows = context.SqlAt(g.SlowestStepIndex)?.RowsReturned;
                found.Add((new DominantSqlFinding(
                    context.Severity(share), share, g.SlowestStepIndex, g.MaxMs, g.NormalizedText, g.Tables, g.Crud, g.DbSystem, g.DbName,
                    rows, g.Count), g.MaxMs));
            }
        }

        var repeatedCalls = 0;
        foreach (var g in profile.SqlGroups)
        {
            if (g.Count >= options.RepeatedSqlCount)
            {
                repeatedCalls += g.Count;
                found.Add((new RepeatedSqlFinding(
                    context.Severity(g.SharePercent), g.SharePercent, g.FirstStepIndex, g.Count, g.TotalMs, g.MaxMs, g.NormalizedText,
                    g.Tables, g.Crud, g.DbSystem, g.DbName), g.TotalMs));
            }
        }

        var totals = profile.Totals;
        if (totals.SqlCount >= options.ExcessiveSqlCount && repeatedCalls * 2 < totals.SqlCount)
        {
            found.Add((new ExcessiveSqlFinding(
                context.Severity(totals.SqlSharePercent), totals.SqlSharePercent, totals.SqlCount, totals.SqlTotalMs,
                totals.SqlDistinctCount), totals.SqlTotalMs));
        }

        foreach (var g in profile.SqlGroups)
        {
            if (g.MaxRowsReturned is { } rows && rows >= options.ExcessiveRows)
            {
                var step = context.SqlAt(g.MaxRowsStepIndex);
                var ms = step?.DurationMs ?? 0;
                found.Add((new ExcessiveRowsFinding(
                    FindingSeverity.Warning, step?.SharePercent ?? 0, g.MaxRowsStepIndex, rows, g.NormalizedText, g.Tables, g.Crud,
                    g.DbName), ms));
            }
        }

        if (totals.ConnectionWaitCount > 0)
        {
            var share = context.Share(totals.ConnectionWaitTotalMs);
            if (context.Passes(totals.ConnectionWaitTotalMs, share, options.ConnectionWaitSharePercent, options.ConnectionWaitMs))
            {
                var longest = profile.ConnectionWaits.OrderByDescending(w => w.DurationMs).ThenBy(w => w.StepIndex).FirstOrDefault();
                found.Add((new ConnectionWaitFinding(
                    context.Severity(share), share, longest?.StepIndex ?? 0, totals.ConnectionWaitCount, totals.ConnectionWaitTotalMs,
                    longest?.DurationMs ?? 0, longest?.Name ?? "connection wait", longest?.PoolName), totals.ConnectionWaitTotalMs));
            }
        }

        foreach (var t in profile.ExternalTargets)
        {
            if (context.Passes(t.TotalMs, t.SharePercent, options.SlowExternalSharePercent, options.SlowExternalMs))
            {
                found.Add((new SlowExternalFinding(
                    context.Severity(t.SharePercent), t.SharePercent, t.Address, t.Count, t.TotalMs, t.MaxMs, t.SlowestStepIndex,
                    t.SlowestMethod, t.SlowestUrl, t.StatusCodes, t.ErrorCount), t.TotalMs));
            }
        }

        foreach (var group in profile.Exceptions.GroupBy(e => (e.Type, e.ThrownAt)))
        {
            var first = group.First();
            var step = context.StepAt(first.StepIndex);
            var severity = profile.IsError ? FindingSeverity.Critical : FindingSeverity.Warning;
            found.Add((new ExceptionFinding(
                severity, step?.SharePercent ?? 0, first.StepIndex, first.Service, first.Type, first.Message, first.ThrownAt,
                [.. first.InAppFrames.Take(5)], first.Causes, group.Count()),
                profile.IsError ? profile.DurationMs : step?.DurationMs ?? 0));
        }

        if (found.Count == 0)
        {
            return [context.NothingSignificant()];
        }

        // Stable sort: equal findings keep the order above (SQL, connection, external, exception).
        return
        [
            .. found
                .Select((f, i) => (f.Finding, f.ImpactMs, Order: i))
                .OrderByDescending(f => f.Finding.Severity)
                .ThenByDescending(f => f.ImpactMs)
                .ThenBy(f => f.Order)
                .Take(options.MaxFindings)
                .Select(f => f.Finding),
        ];
    }

    private sealed class Context(TransactionProfile profile, AnalyzerOptions options)
    {
        private Dictionary<int, SqlStatementProfile>? _sql;
        private Dictionary<int, ProfileStep>? _steps;

        public double Share(double ms) =>
            profile.DurationMs > 0 ? Math.Round(ms / profile.DurationMs * 100, 1, MidpointRounding.AwayFromZero) : 0;

        public bool Passes(double ms, double share, double sharePercent, double absoluteMs) =>
            ms >= options.MinSignificantMs && (share >= sharePercent || ms >= absoluteMs);

        public FindingSeverity Severity(double share) =>
            share >= options.CriticalSharePercent ? FindingSeverity.Critical : FindingSeverity.Warning;

        public SqlStatementProfile? SqlAt(int stepIndex) =>
            (_sql ??= profile.Sql.ToDictionary(s => s.StepIndex)).GetValueOrDefault(stepIndex);

        public ProfileStep? StepAt(int stepIndex) =>
            (_steps ??= profile.Steps.ToDictionary(s => s.Index)).GetValueOrDefault(stepIndex);

        public NoSignificantProblemFinding NothingSignificant()
        {
            ProfileStep? largest = null;
            foreach (var step in profile.Steps)
            {
                if (step.Depth > 0 && (largest is null || step.DurationMs > largest.DurationMs))
                {
                    largest = step;
                }
            }

            return new NoSignificantProblemFinding(
                FindingSeverity.Info, largest?.SharePercent ?? 0, profile.DurationMs, largest?.Index ?? 0, largest?.Name, largest?.Type,
                largest?.DurationMs ?? 0);
        }
    }
}
