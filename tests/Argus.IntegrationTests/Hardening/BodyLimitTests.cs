using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>
/// Every route family has a body limit, counted while the body is read: a body over it gets 413 problem+json naming the
/// setting, whether it declares its length or comes chunked, and the server does not buffer it.
/// </summary>
public sealed class BodyLimitTests
{
    private const int ApiLimit = 4096;
    private const int IntegrationLimit = 8192;
    private const int OtlpLimit = 16384;
    private const string GitHubSecret = "github-webhook-secret-for-tests";

    private static readonly Dictionary<string, string?> Limits = new()
    {
        ["Argus:Api:MaxRequestBodyBytes"] = ApiLimit.ToString(CultureInfo.InvariantCulture),
        ["Argus:Api:MaxIntegrationBodyBytes"] = IntegrationLimit.ToString(CultureInfo.InvariantCulture),
        ["Argus:Ingest:MaxRequestBodyBytes"] = OtlpLimit.ToString(CultureInfo.InvariantCulture),
        ["Argus:ChangeTracking:GitHubSecret"] = GitHubSecret,
    };

    public static TheoryData<string, string, int, string> Routes => new()
    {
        { "POST", "api/mask/preview", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "PUT", "api/masking/settings", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/alert-rules", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/channels", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/providers", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/roles", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/deployments", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/keys", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "PUT", "api/incidents/settings", ApiLimit, "Argus:Api:MaxRequestBodyBytes" },
        { "POST", "api/integrations/alertmanager", IntegrationLimit, "Argus:Api:MaxIntegrationBodyBytes" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_body_over_the_route_limit_gets_413_naming_the_setting_with_or_without_content_length(string method, string path, int limit, string setting)
    {
        await using var server = await ArgusTestServer.StartAsync(settings: Limits);
        using var client = server.ApiClient();
        foreach (var chunked in new[] { false, true })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(limit * 4, chunked) };
            using var response = await client.SendAsync(request);
            await AssertTooLargeAsync(response, setting, $"{method} {path} {(chunked ? "chunked" : "with Content-Length")}");

            // Under the limit, the route reads the body and answers about its content, never 413.
            using var small = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(limit / 4, chunked) };
            using var smallResponse = await client.SendAsync(small);
            Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, smallResponse.StatusCode);
        }

        // The server is still up and answering.
        await server.GetJsonAsync("api/services");
    }

    [Fact]
    public async Task A_fixed_route_limit_below_the_api_limit_applies_chunked_or_not()
    {
        // Deployments take at most 64 KiB whatever Argus:Api:MaxRequestBodyBytes (default 1 MiB) says.
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        foreach (var chunked in new[] { false, true })
        {
            using var response = await client.PostAsync("api/deployments", Json(128 * 1024, chunked));
            await AssertTooLargeAsync(response, "a fixed limit of this endpoint", $"api/deployments {(chunked ? "chunked" : "with Content-Length")}");
        }
    }

    [Fact]
    public async Task Otlp_http_refuses_a_chunked_body_over_its_limit()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: Limits);
        using var otlp = server.OtlpClient();
        var spans = Enumerable.Range(0, 200).Select(_ => OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, new string('x', 200), 2, DateTimeOffset.UtcNow, 1));
        var content = new ChunkedContent(Encoding.UTF8.GetBytes(OtlpJson.Traces("big", spans)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await otlp.PostAsync("v1/traces", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_anonymous_github_webhook_refuses_unsigned_requests_before_reading_and_bounds_signed_ones()
    {
        await using var server = await ArgusTestServer.StartAsync(settings: Limits);
        using var anonymous = new HttpClient { BaseAddress = server.ApiUrl };

        // No signature: 401 at once, whatever the size.
        using (var unsigned = await anonymous.PostAsync("api/webhooks/github", Json(IntegrationLimit * 4, chunked: true)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        foreach (var chunked in new[] { false, true })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/github") { Content = Json(IntegrationLimit * 4, chunked) };
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
            request.Headers.Add("X-GitHub-Event", "deployment_status");
            using var response = await anonymous.SendAsync(request);
            await AssertTooLargeAsync(response, "Argus:Api:MaxIntegrationBodyBytes", $"github webhook {(chunked ? "chunked" : "with Content-Length")}");
        }
    }

    /// <summary>A JSON object of about <paramref name="bytes"/> bytes.</summary>
    private static HttpContent Json(int bytes, bool chunked)
    {
        var body = Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', Math.Max(0, bytes - 11)) + "\"}");
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response, string setting, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(413, json.GetProperty("status").GetInt32());
        Assert.Contains(setting, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
