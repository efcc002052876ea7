using System.Text.RegularExpressions;

namespace Argus.AI.Masking;

/// <summary>
/// What to mask for one tenant or one role: the detectors switched on, and the tenant's own regular expressions and
/// words. The effective options of a call are the tenant's options restricted by the role's (<see cref="Restrict"/>).
/// </summary>
public sealed record MaskingOptions
{
    /// <summary>The default time one custom pattern may spend on one text.</summary>
    public static readonly TimeSpan DefaultPatternTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Every kind except <see cref="SensitiveKind.SqlIdentifier"/>, which a role must ask for.</summary>
    public static MaskingOptions Default { get; } = new();

    /// <summary>Every kind, including SQL identifiers.</summary>
    public static MaskingOptions All { get; } = new() { EnabledKinds = Enum.GetValues<SensitiveKind>() };

    /// <summary>The detectors switched on. Default: all except <see cref="SensitiveKind.SqlIdentifier"/>.</summary>
    public IReadOnlyList<SensitiveKind> EnabledKinds { get; init; } =
        [.. Enum.GetValues<SensitiveKind>().Where(k => k != SensitiveKind.SqlIdentifier)];

    /// <summary>Tenant regular expressions; every match is masked as <see cref="SensitiveKind.Custom"/>. They run with
    /// <see cref="RegexOptions.NonBacktracking"/>, so look-arounds and back-references are not available.</summary>
    public IReadOnlyList<string> CustomPatterns { get; init; } = [];

    /// <summary>Tenant words (project code names, customer names); matched case-insensitively on word boundaries.</summary>
    public IReadOnlyList<string> CustomWords { get; init; } = [];

    /// <summary>Labelled tenant patterns: like <see cref="CustomPatterns"/>, but counted under their label.</summary>
    public IReadOnlyList<MaskingPattern> Patterns { get; init; } = [];

    /// <summary>Labelled tenant word lists: like <see cref="CustomWords"/>, but counted under their label.</summary>
    public IReadOnlyList<MaskingWordList> WordLists { get; init; } = [];

    /// <summary>How long one custom pattern may search one text; a pattern that takes longer fails the call rather than
    /// send the text unmasked. Default 1 s.</summary>
    public TimeSpan PatternTimeout { get; init; } = DefaultPatternTimeout;

    /// <summary>Whether <paramref name="kind"/> is switched on.</summary>
    public bool IsEnabled(SensitiveKind kind) => EnabledKinds.Contains(kind);

    /// <summary>
    /// These (tenant) options restricted by a role's: a kind is on only when both switch it on; patterns and words of
    /// both apply (<see cref="SensitiveKind.Custom"/> must still be on in both).
    /// </summary>
    public MaskingOptions Restrict(MaskingOptions role) => this with
    {
        EnabledKinds = [.. EnabledKinds.Intersect(role.EnabledKinds)],
        CustomPatterns = [.. CustomPatterns.Union(role.CustomPatterns)],
        CustomWords = [.. CustomWords.Union(role.CustomWords)],
        Patterns = [.. Patterns.Union(role.Patterns)],
        WordLists = [.. WordLists.Union(role.WordLists)],
    };

    /// <summary>Checks the custom patterns and words, throwing an actionable <see cref="ArgumentException"/> that lists every problem.</summary>
    public void Validate()
    {
        var problems = Check();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems.SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"))));
        }
    }

    /// <summary>
    /// Every problem of the custom patterns, word lists and labels, keyed by field (<c>patterns[2].pattern</c>,
    /// <c>wordLists[0].words[3]</c>, <c>customPatterns[1]</c>, ...); empty when the options are usable.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Check()
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            if (!problems.TryGetValue(key, out var list))
            {
                problems[key] = list = [];
            }

            list.Add(message);
        }

        for (var i = 0; i < CustomPatterns.Count; i++)
        {
            if (PatternProblem(CustomPatterns[i]) is { } problem)
            {
                Add($"customPatterns[{i}]", problem);
            }
        }

        for (var i = 0; i < CustomWords.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(CustomWords[i]))
            {
                Add($"customWords[{i}]", "the word is empty; remove it.");
            }
        }

        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Patterns.Count; i++)
        {
            var p = Patterns[i];
            LabelProblems($"patterns[{i}].label", p?.Label, labels, Add);
            if (PatternProblem(p?.Pattern) is { } problem)
            {
                Add($"patterns[{i}].pattern", problem);
            }
        }

        for (var i = 0; i < WordLists.Count; i++)
        {
            var list = WordLists[i];
            LabelProblems($"wordLists[{i}].label", list?.Label, labels, Add);
            if (list?.Words is not { Count: > 0 } words)
            {
                Add($"wordLists[{i}].words", "a word list needs at least one word.");
                continue;
            }

            for (var w = 0; w < words.Count; w++)
            {
                if (string.IsNullOrWhiteSpace(words[w]))
                {
                    Add($"wordLists[{i}].words[{w}]", "the word is empty; remove it.");
                }
            }
        }

        if (PatternTimeout <= TimeSpan.Zero || PatternTimeout > TimeSpan.FromSeconds(10))
        {
            Add("patternTimeout", "the pattern timeout must be more than 0 and at most 10 seconds.");
        }

        return problems.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>A label: what the call log counts a custom match under. Lower-case letters, digits, '-' and '_'.</summary>
    public static bool IsValidLabel(string? label) =>
        label is { Length: > 0 and <= 40 } && char.IsAsciiLetterLower(label[0]) && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    private static void LabelProblems(string key, string? label, HashSet<string> seen, Action<string, string> add)
    {
        if (!IsValidLabel(label))
        {
            add(key, "'label' is required: 1 to 40 lower-case letters, digits, '-' or '_', starting with a letter.");
        }
        else if (SensitiveKindNames.TryParse(label, out _))
        {
            add(key, $"'{label}' is the name of a built-in kind; choose another label.");
        }
        else if (!seen.Add(label!))
        {
            add(key, $"the label '{label}' is used twice; labels are unique across patterns and word lists.");
        }
    }

    private static string? PatternProblem(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return "the pattern is empty; give a regular expression or remove it.";
        }

        try
        {
            var regex = new Regex(pattern, CustomPatternOptions);
            // A pattern that matches the empty string would match everywhere and mask nothing useful.
            return regex.IsMatch("") ? $"'{pattern}' matches the empty string; it must match at least one character." : null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // The pattern itself is tenant configuration, not a secret; echoing it helps the operator fix it.
            return $"'{pattern}' is not usable: {e.Message} Patterns run with RegexOptions.NonBacktracking (no look-arounds or back-references).";
        }
    }

    internal const RegexOptions CustomPatternOptions =
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Multiline;
}

/// <summary>A tenant's regular expression; matches are masked as <see cref="SensitiveKind.Custom"/> and counted under <paramref name="Label"/>.</summary>
/// <param name="Label">What the call log counts matches under (e.g. <c>employee-id</c>).</param>
/// <param name="Pattern">A .NET regular expression (NonBacktracking subset).</param>
public sealed record MaskingPattern(string Label, string Pattern);

/// <summary>A tenant's word list (e.g. internal project names), matched case-insensitively on word boundaries.</summary>
/// <param name="Label">What the call log counts matches under (e.g. <c>project</c>).</param>
/// <param name="Words">The words.</param>
public sealed record MaskingWordList(string Label, IReadOnlyList<string> Words)
{
    /// <inheritdoc />
    public bool Equals(MaskingWordList? other) => other is not null && Label == other.Label && Words.SequenceEqual(other.Words);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Label, Words.Count);
}
