using Microsoft.Extensions.AI;

namespace Argus.AI.Masking;

/// <summary>Unmasking of Microsoft.Extensions.AI answer content (messages, streamed updates, tool calls).</summary>
public static class MaskingChatExtensions
{
    /// <summary>
    /// Restores tokens in <paramref name="contents"/> in place: text and reasoning text, tool-call arguments and tool
    /// results. With <paramref name="textStream"/> (a streamed answer), text goes through it instead, so a token split
    /// across updates is restored; flush it at the end of the stream.
    /// </summary>
    public static UnmaskCounts UnmaskContents(this MaskingSession session, IList<AIContent> contents, StreamingUnmasker? textStream = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(contents);
        var total = default(UnmaskCounts);
        string Unmask(string s)
        {
            var result = session.Unmask(s, out var c);
            total += c;
            return result;
        }

        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text when textStream is not null:
                    var before = textStream.Counts;
                    contents[i] = new TextContent(textStream.Push(text.Text)) { AdditionalProperties = text.AdditionalProperties };
                    total += new UnmaskCounts(textStream.Counts.Restored - before.Restored, textStream.Counts.Mangled - before.Mangled);
                    break;
                case TextContent text:
                    contents[i] = new TextContent(Unmask(text.Text)) { AdditionalProperties = text.AdditionalProperties };
                    break;
                case TextReasoningContent reasoning:
                    contents[i] = new TextReasoningContent(Unmask(reasoning.Text)) { ProtectedData = reasoning.ProtectedData };
                    break;
                case FunctionCallContent call:
                    contents[i] = new FunctionCallContent(call.CallId, call.Name, UnmaskArguments(call.Arguments, Unmask));
                    break;
                case FunctionResultContent result:
                    contents[i] = new FunctionResultContent(result.CallId, JsonStrings.RewriteValue(result.Result, Unmask));
                    break;
            }
        }

        return total;
    }

    /// <summary>Restores tokens in every message of <paramref name="response"/>, in place.</summary>
    public static UnmaskCounts Unmask(this MaskingSession session, ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var total = default(UnmaskCounts);
        foreach (var message in response.Messages)
        {
            total += session.UnmaskContents(message.Contents);
        }

        return total;
    }

    /// <summary>
    /// Restores tokens in tool-call arguments (strings, and every string inside <see cref="System.Text.Json.JsonElement"/>
    /// or <see cref="System.Text.Json.Nodes.JsonNode"/> values). Keys are parameter names and stay as they are.
    /// </summary>
    public static IDictionary<string, object?>? UnmaskArguments(this MaskingSession session, IDictionary<string, object?>? arguments)
    {
        ArgumentNullException.ThrowIfNull(session);
        return UnmaskArguments(arguments, session.Unmask);
    }

    private static Dictionary<string, object?>? UnmaskArguments(IDictionary<string, object?>? arguments, Func<string, string> unmask)
    {
        if (arguments is null)
        {
            return null;
        }

        var result = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            result[key] = JsonStrings.RewriteValue(value, unmask);
        }

        return result;
    }
}
