using System.Text.Json;
using System.Text.Json.Nodes;

namespace Argus.AI.Masking;

/// <summary>Rewrites every string (values and property names) of a JSON tree; used for masking and unmasking alike.</summary>
internal static class JsonStrings
{
    public static JsonNode? Rewrite(JsonNode? node, Func<string, string> rewrite)
    {
        switch (node)
        {
            case JsonObject obj:
                var properties = obj.ToList();
                var renamed = false;
                var rewritten = new List<KeyValuePair<string, JsonNode?>>(properties.Count);
                foreach (var (key, value) in properties)
                {
                    var newValue = Rewrite(value, rewrite);
                    if (!ReferenceEquals(newValue, value))
                    {
                        obj[key] = newValue;
                    }

                    var newKey = rewrite(key);
                    renamed |= !string.Equals(newKey, key, StringComparison.Ordinal);
                    rewritten.Add(new(newKey, newValue));
                }

                if (renamed)
                {
                    // Re-add in the original order; a key that would collide with another keeps its old name.
                    obj.Clear();
                    for (var i = 0; i < rewritten.Count; i++)
                    {
                        var (newKey, value) = rewritten[i];
                        obj[obj.ContainsKey(newKey) ? properties[i].Key : newKey] = value;
                    }
                }

                return obj;

            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var newItem = Rewrite(item, rewrite);
                    if (!ReferenceEquals(newItem, item))
                    {
                        array[i] = newItem;
                    }
                }

                return array;

            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var newText = rewrite(text);
                return ReferenceEquals(newText, text) || string.Equals(newText, text, StringComparison.Ordinal)
                    ? value
                    : JsonValue.Create(newText);

            default:
                return node;
        }
    }

    /// <summary>Rewrites the strings of a tool-call argument or result value of any of the shapes Microsoft.Extensions.AI uses.</summary>
    public static object? RewriteValue(object? value, Func<string, string> rewrite) => value switch
    {
        null => null,
        string s => rewrite(s),
        JsonElement e => RewriteElement(e, rewrite),
        JsonNode n => Rewrite(n.DeepClone(), rewrite),
        bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
        // Anything else (a POCO a tool returned) is serialised the way the provider client would, then rewritten.
        _ => Rewrite(JsonSerializer.SerializeToNode(value, value.GetType(), Microsoft.Extensions.AI.AIJsonUtilities.DefaultOptions), rewrite),
    };

    private static JsonElement RewriteElement(JsonElement element, Func<string, string> rewrite)
    {
        if (element.ValueKind is not (JsonValueKind.String or JsonValueKind.Object or JsonValueKind.Array))
        {
            return element;
        }

        var node = Rewrite(JsonNode.Parse(element.GetRawText()), rewrite);
        using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }
}
