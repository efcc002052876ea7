using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Argus.AI.Roles;

/// <summary>A role read from a YAML file, or why it could not be read.</summary>
/// <param name="Path">The file.</param>
/// <param name="Tenant">The tenant the file asks for (<c>tenant:</c>), or null for every tenant.</param>
/// <param name="Role">The role, when the file parsed.</param>
/// <param name="Error">Why it did not.</param>
public sealed record YamlRole(string Path, string? Tenant, RoleDefinition? Role, string? Error);

/// <summary>
/// Loads <c>roles/*.yaml</c> for GitOps. A file has the same fields as the API's JSON (camelCase), plus an optional
/// <c>tenant</c>. YAML is turned into JSON first so that both sources share one deserializer and one validator.
/// </summary>
public static class RoleYamlLoader
{
    /// <summary>Reads every <c>*.yaml</c> and <c>*.yml</c> file of <paramref name="folder"/>, in name order.</summary>
    public static IReadOnlyList<YamlRole> LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return
        [
            .. Directory.EnumerateFiles(folder, "*.y*ml")
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => Parse(f, File.ReadAllText(f))),
        ];
    }

    /// <summary>Parses one YAML document into a role.</summary>
    public static YamlRole Parse(string path, string yaml)
    {
        try
        {
            if (ReadMapping(yaml) is not { } json)
            {
                return new YamlRole(path, null, null, "the file must hold one YAML mapping (a role).");
            }

            var tenant = json["tenant"]?.GetValue<string>();
            json.Remove("tenant");
            var role = json.Deserialize(AiJsonContext.Default.RoleDefinition);
            return role is null ? new YamlRole(path, tenant, null, "the file is empty.") : new YamlRole(path, tenant, role.Normalized(), null);
        }
        catch (Exception ex) when (ex is YamlException or JsonException or InvalidOperationException or FormatException)
        {
            return new YamlRole(path, null, null, ex.Message);
        }
    }

    /// <summary>
    /// Reads a YAML document holding one mapping as JSON (plain scalars typed as in YAML's core schema), so that YAML
    /// files share the API's JSON deserializer and validator; null when the document is not one mapping.
    /// </summary>
    /// <exception cref="YamlException">The text is not YAML.</exception>
    public static JsonObject? ReadMapping(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 1 ? ToJson(stream.Documents[0].RootNode) as JsonObject : null;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    // Only plain (unquoted) scalars are numbers, booleans or null, as in YAML's core schema; quoted ones stay strings.
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (value is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }
}
