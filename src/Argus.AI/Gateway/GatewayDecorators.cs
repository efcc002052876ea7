using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Argus.AI.Providers;
using Argus.Core.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Argus.AI.Gateway;

/// <summary>
/// First in the pipeline: when any link of the chain masks, masks what goes to the providers and unmasks what comes
/// back, through the <see cref="IChatMasker"/> hook. Everything after it (the call log included) sees masked text only;
/// the caller's request stays on the call for links that do not mask (<see cref="GatewayCall.ClearMessages"/>).
/// </summary>
internal sealed class MaskingChatClient(IChatClient inner, IChatMasker masker, GatewayCall call) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (scope, masked) = Mask(messages);
        var response = await base.GetResponseAsync(masked, options, cancellationToken);
        response.Messages = [.. response.Messages.Select(m => new ChatMessage(m.Role, scope.UnmaskAnswer(m.Text)) { MessageId = m.MessageId })];
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (scope, masked) = Mask(messages);
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(masked, options, cancellationToken))
        {
            last = update;
            var text = update.Text;
            if (text.Length == 0)
            {
                yield return update;
                continue;
            }

            var clear = scope.UnmaskStreamDelta(text);
            yield return new ChatResponseUpdate(update.Role, clear) { ResponseId = update.ResponseId, ModelId = update.ModelId, FinishReason = update.FinishReason };
        }

        var rest = scope.FlushStream();
        if (rest.Length > 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, rest) { ResponseId = last?.ResponseId };
        }
    }

    private (IChatMaskingScope Scope, IList<ChatMessage> Masked) Mask(IEnumerable<ChatMessage> messages)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var scope = masker.BeginCall(call.Request);
        IList<ChatMessage> masked;
        try
        {
            masked = scope.MaskRequest(list);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            // Fail closed: a text the tenant's patterns could not finish scanning is not sent at all.
            throw new MaskingFailedException(
                "A masking pattern of the tenant took longer than its timeout on this request, so nothing was sent. Simplify the pattern or raise Argus:Masking:PatternTimeoutMs.");
        }

        call.ClearMessages = list;
        call.Masking = scope;
        call.Masked = scope.Masked;
        return (scope, masked);
    }
}

/// <summary>Refuses calls over the role's rate limit before any provider is asked.</summary>
internal sealed class RateLimitingChatClient(IChatClient inner, RoleRateLimiter limiter, GatewayCall call, ILogger logger) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Acquire();
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Before the stream starts, so the caller gets a 429 rather than a broken stream.
        Acquire();
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private void Acquire()
    {
        var r = call.Request;
        try
        {
            limiter.Acquire(r.TenantId, r.RoleCode, r.Role.RateLimit, r.ClientId);
        }
        catch (RoleRateLimitedException ex)
        {
            GatewayLog.RateLimited(logger, r.RoleCode, ex.Message, r.ClientId, ex.RetryAfter.TotalMilliseconds);
            throw;
        }
    }
}

/// <summary>
/// Writes the call log record and the call's span and metrics: who, which role version, every link tried, the link
/// that served, the request as sent (masked), the answer (masked, or restored when the tenant chose so), the values
/// masked by kind and the tokens the model mangled, latency total and to the first token, tokens and cost.
/// </summary>
internal sealed class CallLoggingChatClient(
    IChatClient inner, GatewayCall call, ILlmCallSink sink, ProviderRegistry providers, TimeProvider time, ILogger logger) : DelegatingChatClient(inner)
{
    private string? _requestJson;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        Before(list);
        using var activity = GatewayTelemetry.StartCall(call);
        ChatResponse? response = null;
        Exception? failure = null;
        try
        {
            response = await base.GetResponseAsync(list, options, cancellationToken);
            return response;
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            After(activity, response?.Text, response?.Usage, failure, cancellationToken);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        Before(list);
        using var activity = GatewayTelemetry.StartCall(call);
        var answer = new StringBuilder();
        UsageDetails? usage = null;
        Exception? failure = null;
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        try
        {
            try
            {
                enumerator = base.GetStreamingResponseAsync(list, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            }
            catch (Exception ex)
            {
                failure = ex;
                throw;
            }

            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                    throw;
                }

                var update = enumerator.Current;
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            call.FirstTokenMs ??= time.GetElapsedTime(call.StartTimestamp).TotalMilliseconds;
                            answer.Append(text.Text);
                            break;
                        case UsageContent u:
                            usage ??= new UsageDetails();
                            usage.Add(u.Details);
                            break;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync();
            }

            After(activity, answer.ToString(), usage, failure, cancellationToken);
        }
    }

    private void Before(IReadOnlyList<ChatMessage> messages)
    {
        _requestJson = SerializeMessages(messages);
        if (logger.IsEnabled(LogLevel.Trace))
        {
            GatewayLog.Request(logger, call.Request.RoleCode, call.Id, _requestJson);
        }
    }

    private void After(System.Diagnostics.Activity? activity, string? answer, UsageDetails? usage, Exception? failure, CancellationToken cancellationToken)
    {
        var latency = time.GetElapsedTime(call.StartTimestamp);
        var status = failure switch
        {
            null => "ok",
            RoleRateLimitedException => "rate_limited",
            OperationCanceledException when cancellationToken.IsCancellationRequested => "cancelled",
            _ => "error",
        };
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        if (answer is not null && logger.IsEnabled(LogLevel.Trace))
        {
            GatewayLog.Answer(logger, call.Request.RoleCode, call.Id, answer);
        }

        if (failure is null && call.Provider is not null)
        {
            GatewayLog.Served(logger, call.Request.RoleCode, call.Request.RoleVersion, call.Provider, call.Model ?? "", call.ServedLink, latency.TotalMilliseconds, call.Request.TenantId);
        }

        GatewayTelemetry.EndCall(activity, call, status, input, output, latency.TotalSeconds);
        var mangled = 0;
        if (failure is null && answer is not null && call.Masking is { } scope)
        {
            // The answer here is as the provider returned it (masked); restoring it again only to count what the model
            // mangled, and to store it restored when the tenant chose so.
            var restored = scope.UnmaskAnswer(answer, out mangled);
            if (call.Request.Masking?.StoreRestoredAnswer == true)
            {
                answer = restored;
            }
        }

        var record = new LlmCallRecord
        {
            Id = call.Id,
            TenantId = call.Request.TenantId,
            Time = call.StartTime,
            ApiKeyId = call.Request.ClientId,
            User = call.Request.User,
            RoleCode = call.Request.RoleCode,
            RoleVersion = call.Request.RoleVersion,
            Status = status,
            Error = failure is null ? null : providers.Redact(failure.Message),
            Provider = call.Provider,
            Model = call.Model,
            ServedLink = call.ServedLink,
            Attempts = call.Attempts,
            ParametersJson = JsonSerializer.Serialize(call.Request.Role.Parameters, Roles.AiJsonContext.Default.RoleParameters),
            RequestJson = _requestJson,
            Answer = failure is null ? answer : null,
            Stream = call.Stream,
            LatencyMs = latency.TotalMilliseconds,
            FirstTokenMs = call.Stream ? call.FirstTokenMs : latency.TotalMilliseconds,
            InputTokens = input,
            OutputTokens = output,
            Cost = call.Provider is null ? null : providers.EstimateCost(call.Provider, call.Model ?? "", input, output, call.Request.TenantId),
            Masked = call.Masked,
            MangledTokens = mangled,
        };
        sink.TryWrite(record);
    }

    private static string SerializeMessages(IReadOnlyList<ChatMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var m in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", m.Role.Value);
                writer.WriteString("content", m.Text);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>The <c>Use*</c> builder methods of the gateway's decorators.</summary>
internal static class GatewayChatClientBuilderExtensions
{
    /// <summary>Masks requests and unmasks answers through <paramref name="masker"/> (skipped when null).</summary>
    public static ChatClientBuilder UseArgusMasking(this ChatClientBuilder builder, IChatMasker? masker, GatewayCall call) =>
        masker is null ? builder : builder.Use(inner => new MaskingChatClient(inner, masker, call));

    /// <summary>Writes the call log, spans and metrics.</summary>
    public static ChatClientBuilder UseArgusCallLog(this ChatClientBuilder builder, GatewayCall call, ILlmCallSink sink, ProviderRegistry providers, TimeProvider time, ILogger logger) =>
        builder.Use(inner => new CallLoggingChatClient(inner, call, sink, providers, time, logger));

    /// <summary>Applies the role's rate limits.</summary>
    public static ChatClientBuilder UseArgusRateLimit(this ChatClientBuilder builder, RoleRateLimiter limiter, GatewayCall call, ILogger logger) =>
        builder.Use(inner => new RateLimitingChatClient(inner, limiter, call, logger));

    /// <summary>Validates answers against a JSON Schema, with one repair attempt.</summary>
    public static ChatClientBuilder UseArgusSchemaValidation(this ChatClientBuilder builder, JsonElement schema, string schemaName, string role, int link, ILogger logger) =>
        builder.Use(inner => new SchemaValidatingChatClient(inner, schema, schemaName, role, link, logger));
}
