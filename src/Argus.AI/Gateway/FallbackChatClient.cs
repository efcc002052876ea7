using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Anthropic.Exceptions;
using Argus.AI.Providers;
using Argus.Core.Outbound;
using Argus.Core.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Argus.AI.Gateway;

/// <summary>One link of a call's chain, ready to call.</summary>
/// <param name="Index">Its position in the chain.</param>
/// <param name="Provider">The provider name.</param>
/// <param name="Model">The model.</param>
/// <param name="Client">The link's client (provider client with its decorators).</param>
/// <param name="Options">The link's options (model, parameters, response format).</param>
/// <param name="ExtraSystemMessage">An instruction added for this link only (the schema, for providers that cannot enforce it).</param>
/// <param name="Timeout">How long the link may take (to the first token when streaming).</param>
/// <param name="Masked">Whether the link gets the masked request; when false it gets the request as the caller sent it.</param>
internal sealed record GatewayLink(int Index, string Provider, string Model, IChatClient Client, ChatOptions Options, string? ExtraSystemMessage, TimeSpan Timeout, bool Masked = true);

/// <summary>
/// The chain: tries each link in order and moves on when a link fails with a connection failure, its timeout,
/// HTTP 408/409/429/5xx, a refusal or content filter, an answer that breaks the schema after one repair, or an
/// authentication or bad-request error (logged as a configuration error). When streaming, it moves on only until the
/// first update reaches the caller: after that, the caller has seen text from this link and a switch would splice two answers.
/// </summary>
/// <remarks>Implements <see cref="IChatClient"/> directly rather than <see cref="DelegatingChatClient"/>: it has several inner clients.</remarks>
internal sealed class FallbackChatClient(GatewayCall call, IReadOnlyList<GatewayLink> links, ProviderRegistry providers, TimeProvider time, ILogger logger) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        foreach (var link in links)
        {
            var started = time.GetTimestamp();
            using var activity = GatewayTelemetry.StartLink(link);
            using var timeout = new CancellationTokenSource(link.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var response = await link.Client.GetResponseAsync(MessagesFor(link, list), link.Options, linked.Token);
                if (Refusals.Of(response) is { } reason)
                {
                    throw new ProviderRefusalException(reason);
                }

                Served(link, started, activity, response.Usage);
                return response;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Failed(link, started, activity, ex, timeout.IsCancellationRequested);
            }
        }

        throw Exhausted();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        foreach (var link in links)
        {
            var started = time.GetTimestamp();
            var activity = GatewayTelemetry.StartLink(link);
            var timeout = new CancellationTokenSource(link.Timeout, time);
            var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var start = await StartAsync(link, list, timeout, started, activity, linked.Token, cancellationToken);
            if (start is null)
            {
                activity?.Dispose();
                linked.Dispose();
                timeout.Dispose();
                continue;
            }

            // Committed: the first update is about to reach the caller. The link's timeout covered the wait for it;
            // disposing the timer keeps it from cutting the rest of a long answer.
            timeout.Dispose();
            var (enumerator, buffered) = start.Value;
            UsageDetails? usage = null;
            try
            {
                foreach (var update in buffered)
                {
                    usage = Usage(update, usage);
                    yield return update;
                }

                while (true)
                {
                    ChatResponseUpdate next;
                    try
                    {
                        if (!await enumerator.MoveNextAsync())
                        {
                            break;
                        }

                        next = enumerator.Current;
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        var error = providers.Redact(ex.Message);
                        GatewayLog.StreamBroken(logger, call.Request.RoleCode, link.Index, error);
                        call.AddAttempt(new LlmCallAttempt(link.Provider, link.Model, "stream_broken", error, Elapsed(started)));
                        activity?.SetStatus(ActivityStatusCode.Error, "stream_broken");
                        throw;
                    }

                    usage = Usage(next, usage);
                    yield return next;
                }

                Served(link, started, activity, usage);
            }
            finally
            {
                await enumerator.DisposeAsync();
                activity?.Dispose();
                linked.Dispose();
            }

            yield break;
        }

        throw Exhausted();
    }

    /// <summary>Starts a link's stream and reads up to its first update with content; null when the link failed before that.</summary>
    private async Task<(IAsyncEnumerator<ChatResponseUpdate>, List<ChatResponseUpdate>)?> StartAsync(
        GatewayLink link, IReadOnlyList<ChatMessage> list, CancellationTokenSource timeout, long started, Activity? activity, CancellationToken token, CancellationToken callerToken)
    {
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        var buffered = new List<ChatResponseUpdate>();
        try
        {
            enumerator = link.Client.GetStreamingResponseAsync(MessagesFor(link, list), link.Options, token).GetAsyncEnumerator(token);
            while (await enumerator.MoveNextAsync())
            {
                var update = enumerator.Current;
                if (Refusals.Of(update) is { } reason)
                {
                    throw new ProviderRefusalException(reason);
                }

                buffered.Add(update);
                if (update.Contents.Any(c => c is TextContent { Text.Length: > 0 }))
                {
                    return (enumerator, buffered);
                }
            }

            // An answer without text (only metadata): still an answer, served whole.
            return (enumerator, buffered);
        }
        catch (Exception ex) when (!callerToken.IsCancellationRequested)
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync();
            }

            Failed(link, started, activity, ex, timeout.IsCancellationRequested);
            return null;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
        // The link clients belong to the provider registry.
    }

    private IReadOnlyList<ChatMessage> MessagesFor(GatewayLink link, IReadOnlyList<ChatMessage> messages)
    {
        // A link that does not mask (the built-in analyst, by default) gets the caller's request, not the tokens.
        if (!link.Masked && call.ClearMessages is { } clear)
        {
            messages = clear;
        }

        if (link.ExtraSystemMessage is null)
        {
            return messages;
        }

        // After the leading system messages, so that providers that keep only one system prompt see it merged.
        var i = 0;
        while (i < messages.Count && messages[i].Role == ChatRole.System)
        {
            i++;
        }

        return [.. messages.Take(i), new ChatMessage(ChatRole.System, link.ExtraSystemMessage), .. messages.Skip(i)];
    }

    private static UsageDetails? Usage(ChatResponseUpdate update, UsageDetails? usage)
    {
        foreach (var content in update.Contents)
        {
            if (content is UsageContent u)
            {
                usage ??= new UsageDetails();
                usage.Add(u.Details);
            }
        }

        return usage;
    }

    private void Served(GatewayLink link, long started, Activity? activity, UsageDetails? usage)
    {
        call.ServedLink = link.Index;
        call.Provider = link.Provider;
        call.Model = link.Model;
        call.BuiltIn = link.Provider == ProviderOptions.BuiltInName;
        call.AddAttempt(new LlmCallAttempt(link.Provider, link.Model, "ok", null, Elapsed(started)));
        GatewayTelemetry.EndLink(activity, usage, null);
    }

    private void Failed(GatewayLink link, long started, Activity? activity, Exception ex, bool timedOut)
    {
        var (outcome, configuration) = Classify(ex, timedOut);
        // A refusal says only why (no host detail an SDK wraps around it); nothing was contacted.
        var reason = timedOut ? $"no answer within {link.Timeout.TotalMilliseconds} ms" : OutboundRefusedException.Find(ex)?.Message ?? Trim(ex.Message);
        var error = providers.Redact(reason);
        call.AddAttempt(new LlmCallAttempt(link.Provider, link.Model, outcome, error, Elapsed(started)));
        GatewayTelemetry.EndLink(activity, null, outcome);
        if (configuration)
        {
            GatewayLog.LinkConfigurationError(logger, call.Request.RoleCode, link.Index, link.Provider, link.Model, outcome, error);
        }
        else
        {
            GatewayLog.LinkFailed(logger, call.Request.RoleCode, link.Index, link.Provider, link.Model, outcome, error);
        }
    }

    private ChainFailedException Exhausted()
    {
        GatewayLog.ChainExhausted(logger, call.Request.RoleCode, links.Count);
        return new ChainFailedException(call.Attempts);
    }

    private double Elapsed(long started) => time.GetElapsedTime(started).TotalMilliseconds;

    private static string Trim(string message) => message.Length <= 500 ? message : message[..500] + "…";

    /// <summary>Why a link failed, and whether it is the operator's to fix (key, URL, model).</summary>
    internal static (string Outcome, bool Configuration) Classify(Exception ex, bool timedOut)
    {
        if (timedOut)
        {
            return ("timeout", false);
        }

        if (OutboundRefusedException.Find(ex) is not null)
        {
            return ("refused_by_policy", true);
        }

        return ex switch
        {
            ProviderRefusalException => ("refusal", false),
            SchemaValidationException => ("schema_invalid", false),
            ClientResultException { Status: > 0 } c => Status(c.Status),
            ClientResultException c when c.InnerException is HttpRequestException => ("connection", false),
            AnthropicApiException a => Status((int)a.StatusCode),
            AnthropicIOException => ("connection", false),
            HttpRequestException { StatusCode: { } s } => Status((int)s),
            HttpRequestException or IOException or SocketException => ("connection", false),
            OperationCanceledException => ("timeout", false),
            _ when ex.InnerException is { } inner && inner != ex => Classify(inner, false),
            _ => ("error", false),
        };
    }

    private static (string, bool) Status(int status) => status switch
    {
        (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden => ($"http_{status}_auth", true),
        (int)HttpStatusCode.BadRequest or (int)HttpStatusCode.NotFound or (int)HttpStatusCode.UnprocessableEntity => ($"http_{status}_bad_request", true),
        _ => ($"http_{status}", false),
    };
}
