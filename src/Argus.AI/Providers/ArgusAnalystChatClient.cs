using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.AI.Roles;
using Microsoft.Extensions.AI;

namespace Argus.AI.Providers;

/// <summary>
/// The built-in analyst (provider <c>argus</c>): no network, no model. It answers the built-in roles deterministically
/// from the structured input the use cases pass as variables, in the role's required format, so that Argus works out
/// of the box and a chain still answers when every LLM is down. Its answers say that they come from it.
/// </summary>
internal sealed class ArgusAnalystChatClient(IEnumerable<IBuiltInRoleAnalyst>? analysts = null) : IChatClient
{
    private readonly Dictionary<string, IBuiltInRoleAnalyst> _analysts =
        (analysts ?? []).ToDictionary(a => a.RoleCode, StringComparer.Ordinal);

    /// <summary>The model id the analyst reports.</summary>
    public const string ModelId = "argus-analyst-1";

    /// <summary>ChatOptions.AdditionalProperties key: the role code.</summary>
    public const string RoleKey = "argus.role";

    /// <summary>ChatOptions.AdditionalProperties key: the call's variables (IReadOnlyDictionary&lt;string, string&gt;).</summary>
    public const string VariablesKey = "argus.variables";

    private const string Label = "[Argus built-in analyst, no LLM]";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var role = options?.AdditionalProperties?.TryGetValue(RoleKey, out var r) == true ? r as string : null;
        var variables = options?.AdditionalProperties?.TryGetValue(VariablesKey, out var v) == true && v is IReadOnlyDictionary<string, string> d
            ? d
            : new Dictionary<string, string>();
        var lastUser = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";

        string text;
        if (role is not null && _analysts.TryGetValue(role, out var analyst))
        {
            text = analyst.Answer(variables, list, options?.ResponseFormat);
        }
        else if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            text = (ExampleOf(schema, 0) ?? new JsonObject()).ToJsonString();
        }
        else
        {
            text = role switch
            {
                BuiltInRoles.OnCallAssistant => $"{Label} I cannot reason about free text without an LLM. What I know: {Summarise(variables)}. Your question was: {lastUser}",
                _ => $"{Label} No LLM answered this role. Input received: {Summarise(variables)}; last message: {lastUser}",
            };
        }

        var input = list.Sum(m => (long)(m.Text?.Length ?? 0)) / 4;
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = text.Length / 4, TotalTokenCount = input + (text.Length / 4) },
            AdditionalProperties = new AdditionalPropertiesDictionary { ["argus.builtIn"] = true },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static string Summarise(IReadOnlyDictionary<string, string> variables) =>
        variables.Count == 0 ? "no structured input" : string.Join("; ", variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} = {v.Value}"));

    /// <summary>The smallest instance of a schema: what the analyst answers for a schema it has no logic for.</summary>
    internal static JsonNode? ExampleOf(JsonElement schema, int depth)
    {
        if (depth > 16 || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return JsonNode.Parse(constant.GetRawText());
        }

        if (schema.TryGetProperty("enum", out var en) && en.ValueKind == JsonValueKind.Array && en.GetArrayLength() > 0)
        {
            return JsonNode.Parse(en[0].GetRawText());
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array && anyOf.GetArrayLength() > 0)
        {
            return ExampleOf(anyOf[0], depth + 1);
        }

        var type = schema.TryGetProperty("type", out var t)
            ? t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") ?? "null" : t.GetString()
            : "object";
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in properties.EnumerateObject())
                    {
                        obj[p.Name] = ExampleOf(p.Value, depth + 1);
                    }
                }

                return obj;
            case "array":
                var array = new JsonArray();
                var min = schema.TryGetProperty("minItems", out var mi) && mi.TryGetInt32(out var m) ? m : 0;
                for (var i = 0; i < Math.Min(min, 8) && schema.TryGetProperty("items", out var items); i++)
                {
                    array.Add(ExampleOf(items, depth + 1));
                }

                return array;
            case "string":
                var length = schema.TryGetProperty("minLength", out var ml) && ml.TryGetInt32(out var l) ? l : 0;
                return JsonValue.Create(length == 0 ? Label : new string('-', length));
            case "number":
            case "integer":
                return JsonValue.Create(schema.TryGetProperty("minimum", out var minimum) && minimum.TryGetDouble(out var n) ? Math.Ceiling(n) : 0);
            case "boolean":
                return JsonValue.Create(false);
            default:
                return null;
        }
    }
}
