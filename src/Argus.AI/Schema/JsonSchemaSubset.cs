using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Argus.AI.Schema;

/// <summary>
/// Checks schemas, and instances against them, for the JSON Schema subset that structured-output providers accept:
/// <c>type</c> (one or a list), <c>properties</c>, <c>required</c>, <c>additionalProperties</c> (boolean or schema),
/// <c>enum</c>, <c>const</c>, <c>items</c>, <c>anyOf</c>, <c>$ref</c> to <c>#/$defs/...</c>, string bounds
/// (<c>minLength</c>, <c>maxLength</c>, <c>pattern</c>), number bounds (<c>minimum</c>, <c>maximum</c>,
/// <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>) and array bounds (<c>minItems</c>, <c>maxItems</c>).
/// </summary>
/// <remarks>
/// Written here because the maintained .NET validators on our package mirror do not restore (JsonSchema.Net lacks its
/// JsonPointer.Net dependency). The subset is what OpenAI's strict mode and Anthropic's tool schemas accept, so a schema
/// this class rejects would be rejected by a provider too. Annotation keywords (title, description, format, default,
/// examples) are accepted and ignored.
/// </remarks>
public static class JsonSchemaSubset
{
    private static readonly HashSet<string> Types = ["object", "array", "string", "number", "integer", "boolean", "null"];

    private static readonly HashSet<string> Known =
    [
        "type", "properties", "required", "additionalProperties", "enum", "const", "items", "anyOf", "$ref", "$defs", "definitions",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
        "title", "description", "format", "default", "examples", "$schema", "$id", "$comment", "nullable",
    ];

    /// <summary>Problems with the schema itself; empty when it is usable. With <paramref name="strict"/>, OpenAI's strict-mode rules apply too.</summary>
    public static IReadOnlyList<string> CheckSchema(JsonElement schema, bool strict)
    {
        var problems = new List<string>();
        CheckNode(schema, schema, "#", strict, problems, depth: 0);
        return problems;
    }

    /// <summary>Where <paramref name="instance"/> breaks <paramref name="schema"/>, as JSON-pointer-like paths with reasons; empty when it matches.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        ValidateNode(schema, schema, instance, "$", errors, depth: 0);
        return errors;
    }

    private static void CheckNode(JsonElement root, JsonElement node, string path, bool strict, List<string> problems, int depth)
    {
        if (depth > 32)
        {
            problems.Add($"{path}: the schema nests more than 32 levels.");
            return;
        }

        if (node.ValueKind == JsonValueKind.True || node.ValueKind == JsonValueKind.False)
        {
            return;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: a schema must be a JSON object.");
            return;
        }

        foreach (var property in node.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
            {
                problems.Add($"{path}: the keyword '{property.Name}' is not supported.");
            }
        }

        var types = new List<string>();
        if (node.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                types.Add(type.GetString()!);
            }
            else if (type.ValueKind == JsonValueKind.Array && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String))
            {
                types.AddRange(type.EnumerateArray().Select(t => t.GetString()!));
            }
            else
            {
                problems.Add($"{path}/type: must be a type name or a list of them.");
            }

            foreach (var t in types.Where(t => !Types.Contains(t)))
            {
                problems.Add($"{path}/type: '{t}' is not a JSON Schema type (object, array, string, number, integer, boolean, null).");
            }
        }
        else if (!node.TryGetProperty("anyOf", out _) && !node.TryGetProperty("$ref", out _) && !node.TryGetProperty("enum", out _) && !node.TryGetProperty("const", out _) && strict)
        {
            problems.Add($"{path}: strict schemas need a 'type' (or anyOf, enum, const, $ref).");
        }

        if (node.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}/properties: must be an object of schemas.");
            }
            else
            {
                foreach (var p in properties.EnumerateObject())
                {
                    CheckNode(root, p.Value, $"{path}/properties/{p.Name}", strict, problems, depth + 1);
                }
            }
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (node.TryGetProperty("required", out var req))
        {
            if (req.ValueKind != JsonValueKind.Array || req.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            {
                problems.Add($"{path}/required: must be a list of property names.");
            }
            else
            {
                foreach (var r in req.EnumerateArray())
                {
                    var name = r.GetString()!;
                    required.Add(name);
                    if (properties.ValueKind == JsonValueKind.Object && !properties.TryGetProperty(name, out _))
                    {
                        problems.Add($"{path}/required: '{name}' is required but not among the properties.");
                    }
                }
            }
        }

        if (node.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            CheckNode(root, additional, $"{path}/additionalProperties", strict, problems, depth + 1);
        }

        if (strict && types.Contains("object"))
        {
            // OpenAI's strict mode: every object closes its property list and requires every property.
            if (!node.TryGetProperty("additionalProperties", out var ap) || ap.ValueKind != JsonValueKind.False)
            {
                problems.Add($"{path}: strict schemas need \"additionalProperties\": false on every object.");
            }

            if (properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in properties.EnumerateObject().Where(p => !required.Contains(p.Name)))
                {
                    problems.Add($"{path}/required: strict schemas must require every property; '{p.Name}' is not required.");
                }
            }
        }

        if (node.TryGetProperty("items", out var items))
        {
            CheckNode(root, items, $"{path}/items", strict, problems, depth + 1);
        }

        if (node.TryGetProperty("anyOf", out var anyOf))
        {
            if (anyOf.ValueKind != JsonValueKind.Array || anyOf.GetArrayLength() == 0)
            {
                problems.Add($"{path}/anyOf: must be a non-empty list of schemas.");
            }
            else
            {
                var i = 0;
                foreach (var s in anyOf.EnumerateArray())
                {
                    CheckNode(root, s, $"{path}/anyOf/{i++}", strict, problems, depth + 1);
                }
            }
        }

        if (node.TryGetProperty("enum", out var en) && (en.ValueKind != JsonValueKind.Array || en.GetArrayLength() == 0))
        {
            problems.Add($"{path}/enum: must be a non-empty list.");
        }

        foreach (var defs in new[] { "$defs", "definitions" })
        {
            if (node.TryGetProperty(defs, out var d))
            {
                if (d.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{path}/{defs}: must be an object of schemas.");
                }
                else
                {
                    foreach (var p in d.EnumerateObject())
                    {
                        CheckNode(root, p.Value, $"{path}/{defs}/{p.Name}", strict, problems, depth + 1);
                    }
                }
            }
        }

        if (node.TryGetProperty("$ref", out var reference) && (reference.ValueKind != JsonValueKind.String || Resolve(root, reference.GetString()!) is null))
        {
            problems.Add($"{path}/$ref: must point into this schema's $defs (e.g. '#/$defs/name').");
        }

        foreach (var bound in new[] { "minLength", "maxLength", "minItems", "maxItems" })
        {
            if (node.TryGetProperty(bound, out var b) && (b.ValueKind != JsonValueKind.Number || !b.TryGetInt32(out var n) || n < 0))
            {
                problems.Add($"{path}/{bound}: must be a non-negative whole number.");
            }
        }

        foreach (var bound in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" })
        {
            if (node.TryGetProperty(bound, out var b) && b.ValueKind != JsonValueKind.Number)
            {
                problems.Add($"{path}/{bound}: must be a number.");
            }
        }

        if (node.TryGetProperty("pattern", out var pattern))
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{path}/pattern: must be a regular expression string.");
            }
            else
            {
                try
                {
                    _ = new Regex(pattern.GetString()!, RegexOptions.None, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException ex)
                {
                    problems.Add($"{path}/pattern: not a valid regular expression ({ex.Message}).");
                }
            }
        }
    }

    private static JsonElement? Resolve(JsonElement root, string reference)
    {
        foreach (var prefix in new[] { "#/$defs/", "#/definitions/" })
        {
            if (reference.StartsWith(prefix, StringComparison.Ordinal)
                && root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty(prefix[2..^1], out var defs)
                && defs.ValueKind == JsonValueKind.Object
                && defs.TryGetProperty(reference[prefix.Length..], out var target))
            {
                return target;
            }
        }

        return reference == "#" ? root : null;
    }

    private static void ValidateNode(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors, int depth)
    {
        if (depth > 64 || schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here.");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String && Resolve(root, reference.GetString()!) is { } target)
        {
            ValidateNode(root, target, value, path, errors, depth + 1);
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            var matched = anyOf.EnumerateArray().Any(s =>
            {
                var sub = new List<string>();
                ValidateNode(root, s, value, path, sub, depth + 1);
                return sub.Count == 0;
            });
            if (!matched)
            {
                errors.Add($"{path}: matches none of the anyOf alternatives.");
            }
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
            if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
            {
                allowed.Add("null");
            }

            if (!allowed.Any(t => IsType(value, t)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", allowed)}, got {Describe(value)}.");
                return;
            }
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{path}: must be {constant.GetRawText()}.");
        }

        if (schema.TryGetProperty("enum", out var en) && en.ValueKind == JsonValueKind.Array && !en.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
        {
            errors.Add($"{path}: {Describe(value)} is not one of {string.Join(", ", en.EnumerateArray().Select(e => e.GetRawText()))}.");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                ValidateObject(root, schema, value, path, errors, depth);
                break;
            case JsonValueKind.Array:
                var count = value.GetArrayLength();
                if (schema.TryGetProperty("minItems", out var minItems) && minItems.TryGetInt32(out var min) && count < min)
                {
                    errors.Add($"{path}: has {count} items, fewer than {min}.");
                }

                if (schema.TryGetProperty("maxItems", out var maxItems) && maxItems.TryGetInt32(out var max) && count > max)
                {
                    errors.Add($"{path}: has {count} items, more than {max}.");
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        ValidateNode(root, items, item, $"{path}[{i++}]", errors, depth + 1);
                    }
                }

                break;
            case JsonValueKind.String:
                var s = value.GetString()!;
                if (schema.TryGetProperty("minLength", out var minLength) && minLength.TryGetInt32(out var minL) && s.Length < minL)
                {
                    errors.Add($"{path}: is shorter than {minL} characters.");
                }

                if (schema.TryGetProperty("maxLength", out var maxLength) && maxLength.TryGetInt32(out var maxL) && s.Length > maxL)
                {
                    errors.Add($"{path}: is longer than {maxL} characters.");
                }

                if (schema.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String)
                {
                    try
                    {
                        if (!Regex.IsMatch(s, pattern.GetString()!, RegexOptions.None, TimeSpan.FromMilliseconds(100)))
                        {
                            errors.Add($"{path}: does not match the pattern {pattern.GetString()}.");
                        }
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        errors.Add($"{path}: the pattern took too long to match.");
                    }
                }

                break;
            case JsonValueKind.Number:
                var n = value.GetDouble();
                CheckBound(schema, "minimum", path, errors, b => n >= b, "less than");
                CheckBound(schema, "maximum", path, errors, b => n <= b, "more than");
                CheckBound(schema, "exclusiveMinimum", path, errors, b => n > b, "at most");
                CheckBound(schema, "exclusiveMaximum", path, errors, b => n < b, "at least");
                break;
        }
    }

    private static void ValidateObject(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors, int depth)
    {
        schema.TryGetProperty("properties", out var properties);
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in required.EnumerateArray())
            {
                if (r.ValueKind == JsonValueKind.String && !value.TryGetProperty(r.GetString()!, out _))
                {
                    errors.Add($"{path}: the required property '{r.GetString()}' is missing.");
                }
            }
        }

        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var p in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(p.Name, out var ps))
            {
                ValidateNode(root, ps, p.Value, $"{path}.{p.Name}", errors, depth + 1);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{path}: the property '{p.Name}' is not allowed.");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                ValidateNode(root, additional, p.Value, $"{path}.{p.Name}", errors, depth + 1);
            }
        }
    }

    private static void CheckBound(JsonElement schema, string keyword, string path, List<string> errors, Func<double, bool> ok, string words)
    {
        if (schema.TryGetProperty(keyword, out var b) && b.ValueKind == JsonValueKind.Number && !ok(b.GetDouble()))
        {
            errors.Add($"{path}: is {words} {b.GetDouble().ToString(CultureInfo.InvariantCulture)} ({keyword}).");
        }
    }

    private static bool IsType(JsonElement value, string? type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
