using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Argus.IntegrationTests.Ai;

/// <summary>The official OpenAI .NET SDK talks to Argus's <c>/v1/chat/completions</c> with an Argus API key.</summary>
public sealed class OpenAiCompatibleApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private ChatClient Sdk(string model) => new OpenAIClient(
        new ApiKeyCredential(ArgusTestServer.AdminKey),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.ApiUrl, "v1") }).GetChatClient(model);

    [Fact]
    public async Task Official_sdk_calls_a_role_without_streaming()
    {
        using var client = fixture.Server.ApiClient();
        fixture.Fake.Text = "The answer from the role.";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("sdk-plain", [("oai", "http-500", null), ("claude", "ok-sdk", null)], systemMessage: "Be terse."));

        ChatCompletion completion = await Sdk("role:sdk-plain").CompleteChatAsync([new UserChatMessage("hello")]);

        Assert.Equal("The answer from the role.", completion.Content[0].Text);
        Assert.Equal("role:sdk-plain", completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(13, completion.Usage.InputTokenCount);
        // The role's system message went to the vendor before the caller's message.
        var sent = fixture.Fake.Requests.Last(r => r.Body["model"]?.GetValue<string>() == "ok-sdk").Body;
        Assert.Contains("Be terse.", sent["system"]!.ToJsonString(), StringComparison.Ordinal);
        fixture.Fake.Text = null;
    }

    [Fact]
    public async Task Official_sdk_streams_a_role_and_fallback_happens_before_the_first_token()
    {
        using var client = fixture.Server.ApiClient();
        fixture.Fake.Text = "Streaming through Argus works fine.";
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("sdk-stream", [("oai", "slow-stream", 300), ("oai", "ok-stream", null)]));

        var text = new StringBuilder();
        string? model = null;
        await foreach (var update in Sdk("role:sdk-stream").CompleteChatStreamingAsync([new UserChatMessage("hello")]))
        {
            model ??= update.Model;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("Streaming through Argus works fine.", text.ToString());
        Assert.Equal("role:sdk-stream", model);
        fixture.Fake.Text = null;
    }

    [Fact]
    public async Task Models_lists_roles_and_unknown_models_get_an_openai_error()
    {
        var models = new OpenAIClient(new ApiKeyCredential(ArgusTestServer.AdminKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.ApiUrl, "v1") }).GetOpenAIModelClient();
        var list = (await models.GetModelsAsync()).Value;
        Assert.Contains(list, m => m.Id == "role:change-tracker");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Sdk("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, ex.Status);

        using var anonymous = fixture.Server.ApiClient(key: null);
        using var unauthorized = await anonymous.PostAsJsonAsync("v1/chat/completions", new { model = "role:change-tracker", messages = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Chat_completions_answers_on_the_api_port_and_otlp_keeps_its_own_v1_routes()
    {
        // /v1/chat/completions is an API route: 404 on the OTLP/HTTP port.
        using var otlp = fixture.Server.OtlpClient();
        using var wrongPort = await otlp.PostAsync("v1/chat/completions", new StringContent("""{"model":"role:change-tracker","messages":[]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, wrongPort.StatusCode);

        // OTLP's /v1/traces still works on its port, and is not served on the API port.
        using var traces = await fixture.Server.PostOtlpJsonAsync("traces", """{"resourceSpans":[]}""");
        Assert.Equal(HttpStatusCode.OK, traces.StatusCode);
        using var api = fixture.Server.ApiClient();
        using var tracesOnApi = await api.PostAsync("v1/traces", new StringContent("""{"resourceSpans":[]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, tracesOnApi.StatusCode);

        using var ok = await api.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"role:change-tracker","messages":[{"role":"user","content":"report"}],"variables":{"applications":"[]"}}""", Encoding.UTF8, "application/json"));
        var body = await ok.Content.ReadAsStringAsync();
        Assert.True(ok.StatusCode == HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        var content = JsonDocument.Parse(json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!).RootElement;
        Assert.Equal("STABLE", content.GetProperty("state").GetString());
        Assert.True(json.GetProperty("argus").GetProperty("built_in").GetBoolean());
    }
}
