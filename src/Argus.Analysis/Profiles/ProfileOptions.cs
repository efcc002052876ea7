namespace Argus.Analysis.Profiles;

/// <summary>
/// Caps that keep a profile bounded whatever the size of the trace (a batch job can have tens of thousands of spans).
/// Totals and groups are always computed over every span; only the lists are cut.
/// </summary>
public sealed record ProfileOptions
{
    /// <summary>The defaults.</summary>
    public static ProfileOptions Default { get; } = new();

    /// <summary>Most steps kept in <see cref="TransactionProfile.Steps"/>. Default 500.</summary>
    public int MaxSteps { get; init; } = 500;

    /// <summary>Most database calls kept in <see cref="TransactionProfile.Sql"/> (and connection waits). Default 300.</summary>
    public int MaxSqlStatements { get; init; } = 300;

    /// <summary>Most statement groups kept in <see cref="TransactionProfile.SqlGroups"/>, most total time first. Default 100.</summary>
    public int MaxSqlGroups { get; init; } = 100;

    /// <summary>Most outgoing calls kept in <see cref="TransactionProfile.ExternalCalls"/>. Default 200.</summary>
    public int MaxExternalCalls { get; init; } = 200;

    /// <summary>Most addresses kept in <see cref="TransactionProfile.ExternalTargets"/>. Default 50.</summary>
    public int MaxExternalTargets { get; init; } = 50;

    /// <summary>Most exceptions kept in <see cref="TransactionProfile.Exceptions"/>. Default 50.</summary>
    public int MaxExceptions { get; init; } = 50;

    /// <summary>Longest statement (raw and normalised) kept, in characters; longer ones end with "…". Default 2,000.</summary>
    public int MaxStatementLength { get; init; } = 2_000;

    /// <summary>Longest exception message kept, in characters. Default 500.</summary>
    public int MaxMessageLength { get; init; } = 500;

    /// <summary>Most application frames kept per exception. Default 10.</summary>
    public int MaxFramesPerException { get; init; } = 10;

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Positive(problems, MaxSteps, nameof(MaxSteps));
        Positive(problems, MaxSqlStatements, nameof(MaxSqlStatements));
        Positive(problems, MaxSqlGroups, nameof(MaxSqlGroups));
        Positive(problems, MaxExternalCalls, nameof(MaxExternalCalls));
        Positive(problems, MaxExternalTargets, nameof(MaxExternalTargets));
        Positive(problems, MaxExceptions, nameof(MaxExceptions));
        Positive(problems, MaxFramesPerException, nameof(MaxFramesPerException));
        if (MaxStatementLength < 16)
        {
            problems.Add($"Profile:{nameof(MaxStatementLength)} must be at least 16 (was {MaxStatementLength}).");
        }

        if (MaxMessageLength < 16)
        {
            problems.Add($"Profile:{nameof(MaxMessageLength)} must be at least 16 (was {MaxMessageLength}).");
        }

        return problems;
    }

    private static void Positive(List<string> problems, int value, string name)
    {
        if (value <= 0)
        {
            problems.Add($"Profile:{name} must be greater than 0 (was {value}).");
        }
    }
}
