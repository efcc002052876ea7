using Microsoft.Extensions.AI;

namespace Argus.AI.Gateway;

/// <summary>Recognises a provider's refusal or content filter in an answer, whatever SDK produced it.</summary>
internal static class Refusals
{
    /// <summary>The refusal's reason, or null when the response is an answer.</summary>
    public static string? Of(ChatResponse response)
    {
        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            return "the provider's content filter stopped the answer";
        }

        foreach (var message in response.Messages)
        {
            if (Of(message.Contents, message.RawRepresentation) is { } reason)
            {
                return reason;
            }
        }

        return Raw(response.RawRepresentation);
    }

    /// <summary>The refusal's reason in a streamed update, or null.</summary>
    public static string? Of(ChatResponseUpdate update) =>
        update.FinishReason == ChatFinishReason.ContentFilter
            ? "the provider's content filter stopped the answer"
            : Of(update.Contents, update.RawRepresentation);

    private static string? Of(IList<AIContent> contents, object? raw)
    {
        foreach (var content in contents)
        {
            if (content is ErrorContent error)
            {
                return "the provider refused: " + error.Message;
            }
        }

        return Raw(raw);
    }

    // OpenAI's refusal field; the adapter does not surface it as content in every version.
    private static string? Raw(object? raw) => raw switch
    {
        OpenAI.Chat.ChatCompletion { Refusal: { Length: > 0 } r } => "the provider refused: " + r,
        OpenAI.Chat.StreamingChatCompletionUpdate { RefusalUpdate: { Length: > 0 } r } => "the provider refused: " + r,
        _ => null,
    };
}
