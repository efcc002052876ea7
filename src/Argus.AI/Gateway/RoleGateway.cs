using System.Runtime.CompilerServices;
using System.Text.Json;
using Argus.AI.Providers;
using Argus.AI.Roles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using MeaiChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;

namespace Argus.AI.Gateway;

/// <summary>
/// Calls roles. Each call gets its own pipeline of <see cref="IChatClient"/> decorators, built from the role version
/// that serves it, so a saved change applies to the next call without a restart:
/// masking ► call log + telemetry ► rate limit ► chain (each link: schema validation ► provider). Masking is decided
/// per link by the role's <see cref="RoleMasking"/>: links that do not mask get the request as the caller sent it.
/// Building it costs a few small objects; the provider clients and rate-limit state are long-lived.
/// </summary>
public sealed class RoleGateway(
    ProviderRegistry providers,
    RoleRateLimiter limiter,
    ILlmCallSink sink,
    TimeProvider time,
    ILogger<RoleGateway> logger,
    IChatMasker? masker = null)
{
    /// <summary>Calls the role and returns its whole answer.</summary>
    /// <exception cref="RoleCallException">Input errors (400), rate limits (429), or every link failing (502).</exception>
    public async Task<GatewayAnswer> CompleteAsync(GatewayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (call, messages, pipeline) = Prepare(request, stream: false);
        var response = await pipeline.GetResponseAsync(messages, null, cancellationToken);
        return Answer(call, response.Text, response.Usage, response.FinishReason);
    }

    /// <summary>Calls the role and streams its answer; the last chunk carries the metadata.</summary>
    /// <exception cref="RoleCallException">Thrown before the first chunk for input errors and rate limits, or when every link failed before the first token.</exception>
    public async IAsyncEnumerable<GatewayChunk> StreamAsync(GatewayRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (call, messages, pipeline) = Prepare(request, stream: true);
        var text = new System.Text.StringBuilder();
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in pipeline.GetStreamingResponseAsync(messages, null, cancellationToken))
        {
            finish = update.FinishReason ?? finish;
            foreach (var content in update.Contents)
            {
                if (content is UsageContent u)
                {
                    usage ??= new UsageDetails();
                    usage.Add(u.Details);
                }
            }

            var delta = update.Text;
            if (delta.Length > 0)
            {
                text.Append(delta);
                yield return new GatewayChunk(delta, null);
            }
        }

        yield return new GatewayChunk("", Answer(call, text.ToString(), usage, finish));
    }

    private (GatewayCall Call, List<MeaiChatMessage> Messages, IChatClient Pipeline) Prepare(GatewayRequest request, bool stream)
    {
        var role = request.Role;
        var system = RoleTemplate.Render(role, request.Variables, out var missing);
        if (missing.Count > 0)
        {
            throw new RoleInputException(
                "The role's system message needs variables the call did not pass.",
                new Dictionary<string, string[]> { ["variables"] = [.. missing.Select(m => $"'{m}' is required by role '{role.Code}' and has no default.")] });
        }

        var call = new GatewayCall
        {
            Id = "call_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            Request = request,
            Stream = stream,
            StartTimestamp = time.GetTimestamp(),
            StartTime = time.GetUtcNow(),
        };
        List<MeaiChatMessage> messages = [new MeaiChatMessage(ChatRole.System, system), .. request.Messages];
        var links = new List<GatewayLink>(role.Chain.Count);
        for (var i = 0; i < role.Chain.Count; i++)
        {
            links.Add(Link(i, role.Chain[i], request));
        }

        // Masking is decided per link (by default external links mask, the built-in analyst does not); the step runs
        // when any link masks, and links that do not get the caller's request from the call state.
        var pipeline = new ChatClientBuilder(new FallbackChatClient(call, links, providers, time, logger))
            .UseArgusMasking(links.Any(l => l.Masked) ? masker : null, call)
            .UseArgusCallLog(call, sink, providers, time, logger)
            .UseArgusRateLimit(limiter, call, logger)
            .Build();
        return (call, messages, pipeline);
    }

    private GatewayLink Link(int index, ChainLink link, GatewayRequest request)
    {
        var role = request.Role;
        var p = role.Parameters.Merge(link.Parameters);
        var options = new ChatOptions
        {
            ModelId = link.Model,
            Temperature = p.Temperature,
            TopP = p.TopP,
            TopK = p.TopK,
            MaxOutputTokens = p.MaxOutputTokens,
            Seed = p.Seed,
            StopSequences = p.StopSequences is null ? null : [.. p.StopSequences],
            FrequencyPenalty = p.FrequencyPenalty,
            PresencePenalty = p.PresencePenalty,
        };
        var builtIn = link.Provider == ProviderOptions.BuiltInName;
        if (builtIn)
        {
            options.AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [ArgusAnalystChatClient.RoleKey] = request.RoleCode,
                [ArgusAnalystChatClient.VariablesKey] = request.Variables,
            };
        }

        string? extra = null;
        var client = providers.GetClient(link.Provider, link.Model, request.TenantId);
        var format = role.ResponseFormat;
        if (format.IsJsonSchema && format.Schema is { } schema)
        {
            var name = format.Name ?? "response";
            if (providers.IsOpenAi(link.Provider, request.TenantId) && providers.SupportsJsonSchema(link.Provider, request.TenantId))
            {
                // The OpenAI SDK's own format keeps the schema exactly as written and carries the strict flag.
                var raw = schema.GetRawText();
                options.RawRepresentationFactory = _ => new ChatCompletionOptions
                {
                    ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(name, BinaryData.FromString(raw), format.Description, format.Strict),
                };
            }
            else if (builtIn || providers.SupportsJsonSchema(link.Provider, request.TenantId))
            {
                options.ResponseFormat = MeaiChatResponseFormat.ForJsonSchema(schema, name, format.Description);
            }
            else
            {
                extra = $"Answer with only a JSON object, no prose and no code fence, that matches this JSON Schema (named '{name}'):\n{schema.GetRawText()}";
            }

            client = new ChatClientBuilder(client).UseArgusSchemaValidation(schema, name, request.RoleCode, index, logger).Build();
        }

        var timeout = link.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : providers.DefaultTimeout(link.Provider, request.TenantId);
        var masked = (role.Masking ?? RoleMasking.Auto).MasksLink(link.Provider);
        return new GatewayLink(index, link.Provider, link.Model, client, options, extra, timeout, masked);
    }

    private GatewayAnswer Answer(GatewayCall call, string text, UsageDetails? usage, ChatFinishReason? finish)
    {
        JsonElement? json = null;
        if (call.Request.Role.ResponseFormat.IsJsonSchema)
        {
            try
            {
                using var document = JsonDocument.Parse(SchemaValidatingChatClient.StripFence(text));
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        return new GatewayAnswer
        {
            CallId = call.Id,
            Text = text,
            Json = json,
            Provider = call.Provider ?? "",
            Model = call.Model ?? "",
            Link = call.ServedLink,
            BuiltIn = call.BuiltIn,
            InputTokens = usage?.InputTokenCount ?? 0,
            OutputTokens = usage?.OutputTokenCount ?? 0,
            LatencyMs = time.GetElapsedTime(call.StartTimestamp).TotalMilliseconds,
            Attempts = call.Attempts,
            FinishReason = finish?.Value,
        };
    }
}
