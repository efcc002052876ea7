using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Ai;

/// <summary>
/// An in-process LLM vendor on 127.0.0.1:0 that speaks the OpenAI Chat Completions (<c>POST /v1/chat/completions</c>)
/// and Anthropic Messages (<c>POST /v1/messages</c>) wire formats, JSON and SSE. The model name scripts the behaviour:
/// <list type="bullet">
/// <item><c>ok*</c>: answers <see cref="Text"/> (or "Hello from &lt;model&gt;").</item>
/// <item><c>json-ok</c>: a valid application health report; <c>json-bad</c>: JSON breaking the schema, always;
/// <c>json-bad-once</c>: breaks it, then answers well when asked to repair.</item>
/// <item><c>slow</c>: answers after 30 s; <c>slow-stream</c>: first chunk after 30 s.</item>
/// <item><c>http-NNN</c>: fails with that status; <c>refuse</c>: a refusal; <c>filter</c>: the content filter stops it.</item>
/// <item><c>stream-break</c>: streams one chunk, then drops the connection.</item>
/// <item><c>redirect</c>: answers 307 to the same path under <see cref="RedirectTo"/>.</item>
/// </list>
/// </summary>
public sealed class FakeLlmUpstream : IAsyncDisposable
{
    public const string ValidReport = """{"applications":[{"name":"shop","applicationId":1,"state":"STABLE","metric":[],"comment":"fine"}],"state":"STABLE","comment":"all good"}""";
    public const string InvalidReport = """{"applications":[{"name":"shop","applicationId":"one","state":"GREAT"}],"state":"STABLE"}""";

    private readonly WebApplication _app;

    private FakeLlmUpstream(WebApplication app) => _app = app;

    /// <summary>The text <c>ok*</c> models answer; null: "Hello from &lt;model&gt;".</summary>
    public string? Text { get; set; }

    /// <summary>When set, computes the answer from the request body (as the vendor received it); wins over <see cref="Text"/>.</summary>
    public Func<JsonObject, string>? Respond { get; set; }

    /// <summary>Every request body received, in order, with its path and auth header.</summary>
    public ConcurrentQueue<(string Path, string Auth, JsonObject Body)> Requests { get; } = new();

    /// <summary>The headers of every request, with the model asked for.</summary>
    public ConcurrentQueue<(string Model, IReadOnlyDictionary<string, string> Headers)> RequestHeaders { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>Where the <c>redirect</c> model sends the caller (307, same path).</summary>
    public Uri? RedirectTo { get; set; }

    /// <summary>The base URL for an <c>openai</c> provider.</summary>
    public string OpenAiBaseUrl => new Uri(Url, "v1").ToString();

    /// <summary>The base URL for an <c>anthropic</c> provider.</summary>
    public string AnthropicBaseUrl => Url.ToString().TrimEnd('/');

    public static async Task<FakeLlmUpstream> StartAsync()
    {
        // Its own configuration only: the test folder holds Argus's appsettings.json, whose Kestrel endpoints it must not take.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeLlmUpstream(app);
        app.MapPost("/v1/chat/completions", fake.OpenAiAsync);
        app.MapPost("/v1/messages", fake.AnthropicAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        fake.Url = new Uri(addresses.First());
        return fake;
    }

    public int CountFor(string model) => Requests.Count(r => r.Body["model"]?.GetValue<string>() == model);

    private async Task<(JsonObject Body, string Model, bool Stream, bool Repair)> ReadAsync(HttpContext context)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        var auth = context.Request.Headers.Authorization.ToString() + context.Request.Headers["x-api-key"].ToString();
        Requests.Enqueue((context.Request.Path, auth, body));
        var model = body["model"]?.GetValue<string>() ?? "";
        RequestHeaders.Enqueue((model, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        var stream = body["stream"]?.GetValue<bool>() == true;
        var repair = body.ToJsonString().Contains("does not match the JSON schema", StringComparison.Ordinal);
        return (body, model, stream, repair);
    }

    private string AnswerFor(string model, bool repair, JsonObject body) => model switch
    {
        "json-ok" => ValidReport,
        "json-bad" => InvalidReport,
        "json-bad-once" => repair ? ValidReport : InvalidReport,
        _ => Respond?.Invoke(body) ?? Text ?? $"Hello from {model}",
    };

    private static async Task<bool> FailAsync(HttpContext context, string model, bool anthropic)
    {
        if (model.StartsWith("http-", StringComparison.Ordinal) && int.TryParse(model[5..], out var status))
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(anthropic
                ? "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"scripted " + status + "\"}}"
                : "{\"error\":{\"message\":\"scripted " + status + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
            return true;
        }

        if (model.StartsWith("slow", StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private async Task OpenAiAsync(HttpContext context)
    {
        var (requestBody, model, stream, repair) = await ReadAsync(context);
        if (model == "redirect" && RedirectTo is not null)
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = new Uri(RedirectTo, context.Request.Path.Value!.TrimStart('/')).ToString();
            return;
        }

        if (await FailAsync(context, model, anthropic: false))
        {
            return;
        }

        var text = AnswerFor(model, repair, requestBody);
        var refusal = model == "refuse" ? "I'm sorry, I can't help with that." : null;
        var finish = model == "filter" ? "content_filter" : "stop";
        if (model == "filter")
        {
            text = "";
        }

        if (!stream)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = refusal is null ? text : null, ["refusal"] = refusal };
            var response = new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish, ["logprobs"] = null }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 7, ["total_tokens"] = 18 },
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToJsonString());
            return;
        }

        context.Response.ContentType = "text/event-stream";
        async Task Send(JsonObject delta, string? finishReason, bool usage = false)
        {
            var chunk = new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_700_000_000,
                ["model"] = model,
                ["choices"] = usage ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
            };
            if (usage)
            {
                chunk["usage"] = new JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 7, ["total_tokens"] = 18 };
            }

            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await context.Response.Body.FlushAsync();
        }

        await Send(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null);
        if (refusal is not null)
        {
            await Send(new JsonObject { ["refusal"] = refusal }, null);
            await Send(new JsonObject(), "stop");
        }
        else if (model == "filter")
        {
            await Send(new JsonObject(), "content_filter");
        }
        else
        {
            var pieces = Split(text);
            for (var i = 0; i < pieces.Count; i++)
            {
                await Send(new JsonObject { ["content"] = pieces[i] }, null);
                if (model == "stream-break")
                {
                    // Give the client time to read the first piece: a reset discards what it has not read yet.
                    await Task.Delay(500);
                    context.Abort();
                    return;
                }
            }

            await Send(new JsonObject(), "stop");
        }

        await Send(new JsonObject(), null, usage: true);
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private async Task AnthropicAsync(HttpContext context)
    {
        var (requestBody, model, stream, repair) = await ReadAsync(context);
        if (await FailAsync(context, model, anthropic: true))
        {
            return;
        }

        var text = AnswerFor(model, repair, requestBody);
        var stop = model is "refuse" or "filter" ? "refusal" : "end_turn";
        if (stop == "refusal")
        {
            text = "";
        }

        if (!stream)
        {
            var response = new JsonObject
            {
                ["id"] = "msg_fake",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = text.Length == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
                ["stop_reason"] = stop,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 13, ["output_tokens"] = 5 },
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToJsonString());
            return;
        }

        context.Response.ContentType = "text/event-stream";
        async Task Send(string name, JsonObject data)
        {
            await context.Response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await Send("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(),
                ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = new JsonObject { ["input_tokens"] = 13, ["output_tokens"] = 1 },
            },
        });
        if (text.Length > 0)
        {
            await Send("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
            foreach (var piece in Split(text))
            {
                await Send("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = piece } });
                if (model == "stream-break")
                {
                    // Give the client time to read the first piece: a reset discards what it has not read yet.
                    await Task.Delay(500);
                    context.Abort();
                    return;
                }
            }

            await Send("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        }

        await Send("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stop, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 5 },
        });
        await Send("message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static List<string> Split(string text)
    {
        var pieces = new List<string>();
        for (var i = 0; i < text.Length; i += 8)
        {
            pieces.Add(text.Substring(i, Math.Min(8, text.Length - i)));
        }

        return pieces.Count == 0 ? [""] : pieces;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
