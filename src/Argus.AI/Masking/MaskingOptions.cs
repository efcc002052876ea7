using System.Text.RegularExpressions;

namespace Argus.AI.Masking;

/// <summary>
/// What to mask for one tenant or one role: the detectors switched on, and the tenant's own regular expressions and
/// words. The effective options of a call are the tenant's options restricted by the role's (<see cref="Restrict"/>).
/// </summary>
public sealed record MaskingOptions
{
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

    /// <summary>Whether <paramref name="kind"/> is switched on.</summary>
    public bool IsEnabled(SensitiveKind kind) => EnabledKinds.Contains(kind);

    /// <summary>
    /// These (tenant) options restricted by a role's: a kind is on only when both switch it on; patterns and words of
    /// both apply (<see cref="SensitiveKind.Custom"/> must still be on in both).
    /// </summary>
    public MaskingOptions Restrict(MaskingOptions role) => new()
    {
        EnabledKinds = [.. EnabledKinds.Intersect(role.EnabledKinds)],
        CustomPatterns = [.. CustomPatterns.Union(role.CustomPatterns)],
        CustomWords = [.. CustomWords.Union(role.CustomWords)],
    };

    /// <summary>Checks the custom patterns and words, throwing an actionable <see cref="ArgumentException"/>.</summary>
    public void Validate()
    {
        for (var i = 0; i < CustomPatterns.Count; i++)
        {
            var pattern = CustomPatterns[i];
            if (string.IsNullOrEmpty(pattern))
            {
                throw new ArgumentException($"Masking custom pattern #{i} is empty; remove it or give a regular expression.");
            }

            try
            {
                _ = new Regex(pattern, CustomPatternOptions);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                // The pattern itself is tenant configuration, not a secret; echoing it helps the operator fix it.
                throw new ArgumentException(
                    $"Masking custom pattern #{i} '{pattern}' is not usable: {e.Message} Patterns run with RegexOptions.NonBacktracking (no look-arounds or back-references).",
                    e);
            }
        }

        for (var i = 0; i < CustomWords.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(CustomWords[i]))
            {
                throw new ArgumentException($"Masking custom word #{i} is empty; remove it.");
            }
        }
    }

    internal const RegexOptions CustomPatternOptions =
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Multiline;
}
