using System.Text;
using System.Text.RegularExpressions;

namespace Argus.AI.Roles;

/// <summary>The <c>{{variable}}</c> template of a role's system message.</summary>
public static partial class RoleTemplate
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")]
    private static partial Regex VariablePattern();

    /// <summary>The variable names a template uses, in order of first use.</summary>
    public static IReadOnlyList<string> VariablesOf(string template) =>
        [.. VariablePattern().Matches(template ?? "").Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Replaces every <c>{{name}}</c> with the call's value, or the declared default. Returns the names that have
    /// neither, so the caller can answer 400 listing all of them.
    /// </summary>
    public static string Render(RoleDefinition role, IReadOnlyDictionary<string, string> values, out IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(role);
        var absent = new List<string>();
        var declared = role.Variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var result = VariablePattern().Replace(role.SystemMessage, m =>
        {
            var name = m.Groups[1].Value;
            if (values.TryGetValue(name, out var value))
            {
                return value;
            }

            if (declared.TryGetValue(name, out var variable) && variable.Default is not null)
            {
                return variable.Default;
            }

            if (!absent.Contains(name))
            {
                absent.Add(name);
            }

            return m.Value;
        });
        missing = absent;
        return result;
    }
}
