using System.Buffers;
using System.Security.Claims;
using System.Text.Json;
using Argus.AI.Gateway;
using Argus.Server.Api;
using Argus.Server.Listeners;
using Argus.Server.Tenancy;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>
/// An OpenAI-compatible face of the gateway on the API listener: <c>POST /v1/chat/completions</c> and
/// <c>GET /v1/models</c>, where <c>model</c> is <c>role:&lt;code&gt;</c>. The role's system message, chain, parameters and
/// format apply; the request's own sampling parameters are ignored (the role owns them). Any OpenAI client library works,
/// with an Argus API key as its bearer token.
/// </summary>
/// <remarks>
/// The wire JSON is written by hand with <see cref="Utf8JsonWriter"/>: the format is small and fixed, and this path is the
/// gateway's hot path (see the benchmark). OTLP's <c>/v1/traces</c> etc. live on the OTLP listener; routes carry their
/// listener, so the shared <c>/v1</c> prefix does not clash.
/// </remarks>
internal static class OpenAiCompatibleApi
{
    private const string RolePrefix = "role:";

    public static IEndpointRouteBuilder MapOpenAiCompatibleApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").OnListener(ListenerKind.Api).RequireAuthorization(ArgusPolicies.Authenticated).WithOwnBodyLimit();
        v1.MapPost("/chat/completions", ChatCompletionsAsync);
        v1.MapGet("/models", ModelsAsync);
        return app;
    }

    private static async Task ModelsAsync(HttpContext context, ClaimsPrincipal user, RoleStore store, TimeProvider time, CancellationToken ct)
    {
        var roles = await store.ListAsync(user.Tenant(), ct);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var role in roles)
            {
                w.WriteStartObject();
                w.WriteString("id", RolePrefix + role.Version.Definition.Code);
                w.WriteString("object", "model");
                w.WriteNumber("created", role.Version.CreatedAt.ToUnixTimeSeconds());
                w.WriteString("owned_by", "argus");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }

    private static async Task ChatCompletionsAsync(
        HttpContext context, ClaimsPrincipal user, RoleStore store, MaskingSettingsStore masking, RoleGateway gateway, IOptions<AiOptions> options, TimeProvider time, CancellationToken ct)
    {
        string model;
        bool stream, includeUsage;
        List<ChatMessageDto> messages;
        Dictionary<string, string>? variables;
        var limit = options.Value.MaxRequestBodyBytes;
        if (!RequestBodyLimit.Apply(context, limit))
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "invalid_request_error", "request_too_large", RequestBodyLimit.Message(limit), ct);
            return;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, ct);
            var root = document.RootElement;
            if (Shape(root) is { } shapeError)
            {
                await ErrorAsync(context, 400, "invalid_request_error", "invalid_type", shapeError, ct);
                return;
            }

            model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
            messages = ReadMessages(root);
            variables = ReadVariables(root);
        }
        catch (JsonException ex)
        {
            await ErrorAsync(context, 400, "invalid_request_error", "invalid_json", $"The body is not valid JSON: {ex.Message}", ct);
            return;
        }
        catch (BadHttpRequestException ex) when (RequestBodyLimit.IsTooLarge(ex))
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "invalid_request_error", "request_too_large", RequestBodyLimit.Message(limit), ct);
            return;
        }

        if (!model.StartsWith(RolePrefix, StringComparison.Ordinal) || model.Length == RolePrefix.Length)
        {
            await ErrorAsync(context, 404, "invalid_request_error", "model_not_found", $"The model must be 'role:<code>' (GET /v1/models lists them); got '{model}'.", ct);
            return;
        }

        var code = model[RolePrefix.Length..];
        string? label = null;
        int? version = null;
        // role:<code>@<label or version> picks a version, as the role API's label/version do.
        var at = code.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            var selector = code[(at + 1)..];
            code = code[..at];
            if (int.TryParse(selector, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                version = v;
            }
            else
            {
                label = selector;
            }
        }

        var (request, error) = await RoleCalls.PrepareAsync(user, code, label, version, messages, variables, store, masking, options.Value, ct);
        if (request is null)
        {
            await ErrorAsync(context, error!, ct);
            return;
        }

        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (!stream)
        {
            GatewayAnswer answer;
            try
            {
                answer = await gateway.CompleteAsync(request, ct);
            }
            catch (RoleCallException ex)
            {
                await ErrorAsync(context, RoleCallError.From(ex), ct);
                return;
            }

            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("id", "chatcmpl-" + answer.CallId);
                w.WriteString("object", "chat.completion");
                w.WriteNumber("created", created);
                w.WriteString("model", model);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", answer.Text);
                w.WriteEndObject();
                w.WriteString("finish_reason", FinishReason(answer.FinishReason));
                w.WriteEndObject();
                w.WriteEndArray();
                WriteUsage(w, answer);
                WriteArgus(w, request, answer);
                w.WriteEndObject();
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
            return;
        }

        var enumerator = gateway.StreamAsync(request, ct).GetAsyncEnumerator(ct);
        try
        {
            bool has;
            try
            {
                has = await enumerator.MoveNextAsync();
            }
            catch (RoleCallException ex)
            {
                // Nothing was sent yet: an ordinary error answer, and fallback already had its chance.
                await ErrorAsync(context, RoleCallError.From(ex), ct);
                return;
            }

            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            var id = "chatcmpl-" + Guid.CreateVersion7().ToString("N");
            var first = true;
            try
            {
                while (has)
                {
                    var chunk = enumerator.Current;
                    if (chunk.Final is { } final)
                    {
                        await WriteChunkAsync(response, id, created, model, null, first, FinishReason(final.FinishReason), null, null, ct);
                        if (includeUsage)
                        {
                            await WriteChunkAsync(response, id, created, model, null, false, null, final, request, ct);
                        }
                    }
                    else
                    {
                        await WriteChunkAsync(response, id, created, model, chunk.Delta, first, null, null, null, ct);
                        first = false;
                    }

                    has = await enumerator.MoveNextAsync();
                }

                await response.WriteAsync("data: [DONE]\n\n", ct);
                await response.Body.FlushAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The answer had started: OpenAI streams report a late failure as an error object in the stream.
                await response.WriteAsync("data: {\"error\":{\"message\":\"The provider failed after the answer had started; see the call log.\",\"type\":\"server_error\",\"code\":\"stream_broken\"}}\n\n", ct);
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private static async Task WriteChunkAsync(
        HttpResponse response, string id, long created, string model, string? delta, bool first, string? finish, GatewayAnswer? usage, GatewayRequest? request, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            if (usage is null)
            {
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("delta");
                if (first)
                {
                    w.WriteString("role", "assistant");
                }

                if (delta is not null)
                {
                    w.WriteString("content", delta);
                }

                w.WriteEndObject();
                if (finish is null)
                {
                    w.WriteNull("finish_reason");
                }
                else
                {
                    w.WriteString("finish_reason", finish);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (usage is not null)
            {
                WriteUsage(w, usage);
                WriteArgus(w, request!, usage);
            }

            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        await response.Body.FlushAsync(ct);
    }

    private static void WriteUsage(Utf8JsonWriter w, GatewayAnswer answer)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", answer.InputTokens);
        w.WriteNumber("completion_tokens", answer.OutputTokens);
        w.WriteNumber("total_tokens", answer.InputTokens + answer.OutputTokens);
        w.WriteEndObject();
    }

    // An extension object: OpenAI clients ignore unknown fields, Argus-aware ones learn which link served.
    private static void WriteArgus(Utf8JsonWriter w, GatewayRequest request, GatewayAnswer answer)
    {
        w.WriteStartObject("argus");
        w.WriteString("call_id", answer.CallId);
        w.WriteString("role", request.RoleCode);
        w.WriteNumber("role_version", request.RoleVersion);
        w.WriteString("provider", answer.Provider);
        w.WriteString("served_model", answer.Model);
        w.WriteNumber("link", answer.Link);
        w.WriteBoolean("built_in", answer.BuiltIn);
        w.WriteEndObject();
    }

    private static string FinishReason(string? reason) => reason switch
    {
        "length" => "length",
        "content_filter" => "content_filter",
        _ => "stop",
    };

    // Every request parameter OpenAI documents for chat completions, accepted (most are passed to the role's model or
    // overridden by the role), and Argus's "variables" for the role's template. Others are refused as OpenAI does.
    private static readonly HashSet<string> DocumentedParameters = new(StringComparer.Ordinal)
    {
        "messages", "model", "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
        "max_completion_tokens", "max_tokens", "metadata", "modalities", "n", "parallel_tool_calls", "prediction",
        "presence_penalty", "prompt_cache_key", "reasoning_effort", "response_format", "safety_identifier", "seed",
        "service_tier", "stop", "store", "stream", "stream_options", "temperature", "tool_choice", "tools", "top_logprobs",
        "top_p", "user", "verbosity", "web_search_options", "variables",
    };

    /// <summary>What OpenAI answers for a body or message of the wrong JSON type, or null when the shape is right.</summary>
    private static string? Shape(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "We could not parse the JSON body of your request: it must be a JSON object.";
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!DocumentedParameters.Contains(property.Name))
            {
                // OpenAI's own answer to a parameter it does not know.
                return $"Unrecognized request argument supplied: {property.Name}";
            }
        }

        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array)
            {
                return $"Invalid type for 'messages': expected an array, but got {Kind(messages)} instead.";
            }

            var i = 0;
            foreach (var m in messages.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object)
                {
                    return $"Invalid type for 'messages[{i}]': expected an object, but got {Kind(m)} instead.";
                }

                if (m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array && c.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.Object))
                {
                    return $"Invalid type for 'messages[{i}].content': expected a string or an array of objects.";
                }

                i++;
            }
        }

        return null;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };

    private static List<ChatMessageDto> ReadMessages(JsonElement root)
    {
        var result = new List<ChatMessageDto>();
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var m in messages.EnumerateArray())
        {
            var role = m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            string? content = null;
            if (m.TryGetProperty("content", out var c))
            {
                // Content is a string or a list of parts; text parts are joined, other parts are not supported.
                content = c.ValueKind switch
                {
                    JsonValueKind.String => c.GetString(),
                    JsonValueKind.Array => string.Concat(c.EnumerateArray()
                        .Where(p => p.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "text"
                            && p.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String)
                        .Select(p => p.GetProperty("text").GetString())),
                    _ => null,
                };
            }

            result.Add(new ChatMessageDto(role, content));
        }

        return result;
    }

    // Variables travel in an extra body field "variables" (or "metadata"), which OpenAI SDKs can send as additional properties.
    private static Dictionary<string, string>? ReadVariables(JsonElement root)
    {
        foreach (var name in new[] { "variables", "metadata" })
        {
            if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object)
            {
                return v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
            }
        }

        return null;
    }

    private static Task ErrorAsync(HttpContext context, RoleCallError error, CancellationToken ct)
    {
        error.SetRetryAfter(context);
        var detail = error.Errors is { Count: > 0 } ? error.Detail + " " + string.Join(" ", error.Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))) : error.Detail;
        var (type, code) = error.Status switch
        {
            400 => ("invalid_request_error", "invalid_request"),
            403 => ("permission_error", "forbidden"),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("rate_limit_error", "rate_limited"),
            _ => ("server_error", "upstream_failed"),
        };
        return ErrorAsync(context, error.Status, type, code, detail, ct);
    }

    /// <summary>Writes an error in OpenAI's shape (<c>{"error": {"message", "type", "param", "code"}}</c>).</summary>
    internal static async Task ErrorAsync(HttpContext context, int status, string type, string code, string message, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteNull("param");
            w.WriteString("code", code);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }
}
