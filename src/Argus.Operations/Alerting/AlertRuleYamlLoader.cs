using System.Text.Json;
using Argus.AI.Roles;
using YamlDotNet.Core;

namespace Argus.Operations.Alerting;

/// <summary>A rule read from a YAML file, or why it could not be read.</summary>
/// <param name="Path">The file.</param>
/// <param name="Tenant">The tenant the file asks for (<c>tenant:</c>), or null for the default tenant.</param>
/// <param name="Rule">The rule, when the file parsed.</param>
/// <param name="Error">Why it did not.</param>
public sealed record YamlAlertRule(string Path, string? Tenant, AlertRule? Rule, string? Error);

/// <summary>
/// Loads <c>alert-rules/*.yaml</c> for GitOps: one rule per file, the same fields as the API's JSON (camelCase, durations
/// as <c>hh:mm:ss</c>) plus an optional <c>tenant</c>.
/// </summary>
public static class AlertRuleYamlLoader
{
    /// <summary>Reads every <c>*.yaml</c> and <c>*.yml</c> file of <paramref name="folder"/>, in name order.</summary>
    public static IReadOnlyList<YamlAlertRule> LoadFolder(string folder) =>
        !Directory.Exists(folder)
            ? []
            :
            [
                .. Directory.EnumerateFiles(folder)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Select(f => Parse(f, File.ReadAllText(f))),
            ];

    /// <summary>Parses one YAML document into a rule (not yet validated).</summary>
    public static YamlAlertRule Parse(string path, string yaml)
    {
        try
        {
            if (RoleYamlLoader.ReadMapping(yaml) is not { } json)
            {
                return new YamlAlertRule(path, null, null, "the file must hold one YAML mapping (an alert rule).");
            }

            var tenant = json["tenant"]?.GetValue<string>();
            json.Remove("tenant");
            var rule = json.Deserialize(OperationsJsonContext.Default.AlertRule);
            return new YamlAlertRule(path, tenant, rule, rule is null ? "the file is empty." : null);
        }
        catch (Exception ex) when (ex is YamlException or JsonException or InvalidOperationException or FormatException)
        {
            return new YamlAlertRule(path, null, null, ex.Message);
        }
    }
}
