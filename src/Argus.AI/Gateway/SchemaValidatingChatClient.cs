using System.Runtime.CompilerServices;
using System.Text.Json;
using Argus.AI.Schema;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Argus.AI.Gateway;

/// <summary>
/// Checks a link's answer against the role's JSON Schema. An answer that breaks it is sent back once with the
/// validation errors (a repair attempt); a second failure throws <see cref="SchemaValidationException"/>, which the
/// fallback treats as a reason to try the next link. A refusal throws <see cref="ProviderRefusalException"/>.
/// </summary>
/// <remarks>
/// Streaming: a schema answer is only useful whole, so the link is called without streaming and the validated answer
/// is returned as one update. That keeps fallback possible until the answer is known to be valid.
/// </remarks>
internal sealed class SchemaValidatingChatClient(IChatClient inner, JsonElement schema, string schemaName, string role, int link, ILogger logger)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var response = await base.GetResponseAsync(list, options, cancellationToken);
        ThrowIfRefused(response);
        var errors = Check(response);
        if (errors.Count == 0)
        {
            return response;
        }

        GatewayLog.Repairing(logger, role, link, string.Join("; ", errors.Take(5)));
        List<ChatMessage> repair =
        [
            .. list,
            new ChatMessage(ChatRole.Assistant, response.Text),
            new ChatMessage(ChatRole.User,
                $"Your answer does not match the JSON schema '{schemaName}':\n- {string.Join("\n- ", errors.Take(20))}\nAnswer again with only the corrected JSON object."),
        ];
        var second = await base.GetResponseAsync(repair, options, cancellationToken);
        ThrowIfRefused(second);
        errors = Check(second);
        if (errors.Count > 0)
        {
            throw new SchemaValidationException(errors);
        }

        // The call log counts what both attempts cost.
        second.Usage = Add(response.Usage, second.Usage);
        return second;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    private static void ThrowIfRefused(ChatResponse response)
    {
        if (Refusals.Of(response) is { } reason)
        {
            throw new ProviderRefusalException(reason);
        }
    }

    private List<string> Check(ChatResponse response)
    {
        var text = StripFence(response.Text);
        try
        {
            using var document = JsonDocument.Parse(text);
            var errors = JsonSchemaSubset.Validate(schema, document.RootElement);
            if (errors.Count == 0 && text.Length != response.Text.Length)
            {
                // Keep the bare JSON: callers parse the answer.
                response.Messages = [new ChatMessage(ChatRole.Assistant, text) { MessageId = response.Messages.LastOrDefault()?.MessageId }];
            }

            return [.. errors];
        }
        catch (JsonException ex)
        {
            return [$"the answer is not JSON ({ex.Message})"];
        }
    }

    /// <summary>Models often wrap JSON in a Markdown code fence even when told not to.</summary>
    internal static string StripFence(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = t.IndexOf('\n', StringComparison.Ordinal);
            var end = t.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine > 0 && end > firstLine)
            {
                return t[(firstLine + 1)..end].Trim();
            }
        }

        return t;
    }

    private static UsageDetails? Add(UsageDetails? a, UsageDetails? b)
    {
        if (a is null || b is null)
        {
            return b ?? a;
        }

        var sum = new UsageDetails { InputTokenCount = a.InputTokenCount, OutputTokenCount = a.OutputTokenCount, TotalTokenCount = a.TotalTokenCount };
        sum.Add(b);
        return sum;
    }
}
