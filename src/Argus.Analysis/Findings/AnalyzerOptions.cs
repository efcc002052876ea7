namespace Argus.Analysis.Findings;

/// <summary>
/// Thresholds of <see cref="ProfileAnalyzer"/>. A time-based finding needs at least <see cref="MinSignificantMs"/> and
/// then either its share of the response time or its absolute time over the threshold of its kind.
/// </summary>
public sealed record AnalyzerOptions
{
    /// <summary>The defaults.</summary>
    public static AnalyzerOptions Default { get; } = new();

    /// <summary>Below this many milliseconds nothing is reported as slow, whatever its share (a 4 ms query in a 6 ms
    /// request is not a problem). Default 100.</summary>
    public double MinSignificantMs { get; init; } = 100;

    /// <summary>A single statement is dominant at this share of the response time. Default 30 %.</summary>
    public double DominantSqlSharePercent { get; init; } = 30;

    /// <summary>... or at this duration. Default 1,000 ms.</summary>
    public double DominantSqlMs { get; init; } = 1_000;

    /// <summary>A statement repeated this many times is reported (N+1). Default 10.</summary>
    public int RepeatedSqlCount { get; init; } = 10;

    /// <summary>This many database calls in one transaction are excessive (unless one repeated statement explains
    /// most of them, which is reported as a repeat instead). Default 100.</summary>
    public int ExcessiveSqlCount { get; init; } = 100;

    /// <summary>One call returning this many rows is excessive. Default 10,000.</summary>
    public long ExcessiveRows { get; init; } = 10_000;

    /// <summary>Connection waits are reported at this share of the response time. Default 10 %.</summary>
    public double ConnectionWaitSharePercent { get; init; } = 10;

    /// <summary>... or at this total. Default 500 ms.</summary>
    public double ConnectionWaitMs { get; init; } = 500;

    /// <summary>Calls to one address are slow at this share of the response time. Default 30 %.</summary>
    public double SlowExternalSharePercent { get; init; } = 30;

    /// <summary>... or at this total. Default 1,000 ms.</summary>
    public double SlowExternalMs { get; init; } = 1_000;

    /// <summary>A finding accounting for this share of the response time is critical. Default 50 %.</summary>
    public double CriticalSharePercent { get; init; } = 50;

    /// <summary>Most findings returned, most important first. Default 10.</summary>
    public int MaxFindings { get; init; } = 10;

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        NotNegative(problems, MinSignificantMs, nameof(MinSignificantMs));
        NotNegative(problems, DominantSqlMs, nameof(DominantSqlMs));
        NotNegative(problems, ConnectionWaitMs, nameof(ConnectionWaitMs));
        NotNegative(problems, SlowExternalMs, nameof(SlowExternalMs));
        Percent(problems, DominantSqlSharePercent, nameof(DominantSqlSharePercent));
        Percent(problems, ConnectionWaitSharePercent, nameof(ConnectionWaitSharePercent));
        Percent(problems, SlowExternalSharePercent, nameof(SlowExternalSharePercent));
        Percent(problems, CriticalSharePercent, nameof(CriticalSharePercent));
        if (RepeatedSqlCount < 2)
        {
            problems.Add($"Analyzer:{nameof(RepeatedSqlCount)} must be at least 2 (was {RepeatedSqlCount}).");
        }

        if (ExcessiveSqlCount < 1)
        {
            problems.Add($"Analyzer:{nameof(ExcessiveSqlCount)} must be at least 1 (was {ExcessiveSqlCount}).");
        }

        if (ExcessiveRows < 1)
        {
            problems.Add($"Analyzer:{nameof(ExcessiveRows)} must be at least 1 (was {ExcessiveRows}).");
        }

        if (MaxFindings < 1)
        {
            problems.Add($"Analyzer:{nameof(MaxFindings)} must be at least 1 (was {MaxFindings}).");
        }

        return problems;
    }

    private static void NotNegative(List<string> problems, double value, string name)
    {
        if (!(value >= 0))
        {
            problems.Add($"Analyzer:{name} must be 0 or more (was {value}).");
        }
    }

    private static void Percent(List<string> problems, double value, string name)
    {
        if (!(value is > 0 and <= 100))
        {
            problems.Add($"Analyzer:{name} must be more than 0 and at most 100 (was {value}).");
        }
    }
}
