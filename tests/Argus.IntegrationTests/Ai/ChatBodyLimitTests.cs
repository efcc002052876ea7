using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Ai;

/// <summary><c>Argus:Ai:MaxRequestBodyBytes</c> on both chat APIs, with and without Content-Length.</summary>
public sealed class ChatBodyLimitTests
{
    private const int Limit = 4096;

    private static byte[] Body(string path, int contentChars) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(path.StartsWith("v1", StringComparison.Ordinal)
        ? (object)new { model = "role:limit-test", messages = new[] { new { role = "user", content = new string('x', contentChars) } } }
        : new { messages = new[] { new { role = "user", content = new string('x', contentChars) } } }));

    private static HttpContent Content(byte[] body, bool chunked)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task Bodies_over_the_limit_get_413_with_or_without_content_length_and_smaller_ones_pass()
    {
        await using var fake = await FakeLlmUpstream.StartAsync();
        await using var server = await AiTestHelpers.StartAsync(fake, new Dictionary<string, string?> { ["Argus:Ai:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var client = server.ApiClient();
        await AiTestHelpers.CreateRoleAsync(client, AiTestHelpers.Role("limit-test", [("argus", "", null)]));

        foreach (var path in new[] { "api/roles/limit-test/chat", "v1/chat/completions" })
        {
            foreach (var chunked in new[] { false, true })
            {
                var what = $"{path} {(chunked ? "chunked" : "with Content-Length")}";
                using (var ok = await client.PostAsync(path, Content(Body(path, 100), chunked)))
                {
                    Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{what}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}");
                }

                using var tooLarge = await client.PostAsync(path, Content(Body(path, Limit * 4), chunked));
                var text = await tooLarge.Content.ReadAsStringAsync();
                Assert.True(tooLarge.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{what}: {(int)tooLarge.StatusCode} {text}");
                var json = JsonDocument.Parse(text).RootElement;
                if (path.StartsWith("v1", StringComparison.Ordinal))
                {
                    // OpenAI clients read OpenAI's error shape.
                    Assert.Equal("application/json", tooLarge.Content.Headers.ContentType?.MediaType);
                    Assert.Equal("request_too_large", json.GetProperty("error").GetProperty("code").GetString());
                    Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
                }
                else
                {
                    Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
                    Assert.Equal(413, json.GetProperty("status").GetInt32());
                    Assert.Contains("MaxRequestBodyBytes", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
                }
            }
        }

        // Broken JSON on the role API is still a 400 listing the problem.
        using var broken = await client.PostAsync("api/roles/limit-test/chat", new StringContent("{\"messages\": [", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
    }
}
