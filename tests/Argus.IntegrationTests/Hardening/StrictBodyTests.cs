using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>
/// Every JSON route of Argus's own API reads its body strictly, through the real server: an unknown field is a 400 keyed
/// by its path naming the nearest valid one, a value of the wrong kind names what the field accepts and never a .NET
/// type, a body that is not JSON is 415, and a reference to a service never seen is accepted with a warning.
/// </summary>
public sealed class StrictBodyTests
{
    private const string Role = """{"code":"strict-role","name":"Strict","systemMessage":"You are a test role.","chain":[{"provider":"argus","model":""}]}""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, HttpContent content) =>
        await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = content });

    /// <summary>Method, path, a body with a misspelt field, the field's path, and the name it should have.</summary>
    private static readonly (string Method, string Path, string Body, string Field, string Expected)[] Typos =
    [
        ("POST", "api/channels", """{"name":"hook","type":"webhook","url":"https://example.com/hook","secert":"s3cret"}""", "secert", "'secret'"),
        ("PUT", "api/channels/ch_missing", """{"name":"mail","type":"email","smtp":{"hots":"smtp.example.com","port":587}}""", "smtp.hots", "'host'"),
        ("POST", "api/providers", """{"name":"team-llm","type":"openai-compatible","baseUrl":"https://example.com/v1","apiKye":"k"}""", "apiKye", "'apiKey'"),
        ("POST", "api/providers", """{"name":"team-llm","type":"openai","prices":{"gpt-4o":{"inputPerMilion":1}}}""", "prices.gpt-4o.inputPerMilion", "'inputPerMillion'"),
        ("POST", "api/roles", """{"code":"r1","name":"R","systemMesage":"x","chain":[{"provider":"argus","model":""}]}""", "systemMesage", "'systemMessage'"),
        ("PUT", "api/roles/strict-role", """{"name":"R","systemMessage":"x","chain":[{"provider":"argus","modle":""}]}""", "chain[0].modle", "'model'"),
        ("POST", "api/roles/strict-role/chat", """{"mesages":[{"role":"user","content":"hi"}]}""", "mesages", "'messages'"),
        ("POST", "api/roles/strict-role/labels/staging", """{"verison":1}""", "verison", "'version'"),
        ("PUT", "api/masking/settings", """{"kind":["email"]}""", "kind", "'kinds'"),
        ("POST", "api/mask/preview", """{"txt":"mail me at a@example.com"}""", "txt", "'text'"),
        ("POST", "api/deployments", """{"applications":["checkout"],"verison":"1.2.3"}""", "verison", "'version'"),
        ("POST", "api/deployments/dep_missing/start", """{"att":"2026-06-15T12:00:00Z"}""", "att", "'at'"),
        ("POST", "api/deployments/dep_missing/finish", """{"faild":true}""", "faild", "'failed'"),
        ("POST", "api/keys", """{"name":"reader","rol":"read"}""", "rol", "'role'"),
        ("POST", "api/tenants", """{"id":"team-x","nmae":"Team X"}""", "nmae", "'name'"),
        ("PUT", "api/incidents/settings", """{"langauge":"en"}""", "langauge", "'language'"),
    ];

    [Fact]
    public Task Unknown_fields_are_a_400_keyed_by_their_path_naming_the_nearest_valid_one() => ExpectAllAsync(Typos);

    /// <summary>Method, path, a body with a value of the wrong kind, the field's path, and words of what it accepts.</summary>
    private static readonly (string Method, string Path, string Body, string Field, string Expected)[] WrongKinds =
    [
        ("POST", "api/channels", """{"name":"hook","type":"webhook","url":"https://example.com/hook","enabled":"yes"}""", "enabled", "true or false"),
        ("POST", "api/channels", """{"name":"mail","type":"email","smtp":{"host":"smtp.example.com","port":"submission"}}""", "smtp.port", "whole number"),
        ("POST", "api/channels", """{"name":"hook","type":"webhook","url":"https://example.com/hook","headers":{"X-Team":["blue"]}}""", "headers.X-Team", "string"),
        ("POST", "api/providers", """{"name":"team-llm","type":"openai","timeoutMs":"soon"}""", "timeoutMs", "whole number"),
        ("POST", "api/providers", """{"name":"team-llm","type":"openai","prices":{"gpt-4o":{"inputPerMillion":"cheap"}}}""", "prices.gpt-4o.inputPerMillion", "number"),
        ("POST", "api/roles", """{"code":"r1","name":"R","systemMessage":"x","chain":[{"provider":"argus","model":""}],"rateLimit":{"interval":"ten seconds"}}""", "rateLimit.interval", "30s, 10m, 1h"),
        ("POST", "api/roles", """{"code":"r1","name":"R","systemMessage":"x","chain":[{"provider":"argus","model":""}],"masking":"sometimes"}""", "masking", "auto, on, off"),
        ("POST", "api/roles", """{"code":"r1","name":"R","systemMessage":"x","chain":[{"provider":"argus","model":""}],"message":42}""", "message", "string"),
        ("POST", "api/roles/strict-role/chat", """{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream", "true or false"),
        ("PUT", "api/masking/settings", """{"kinds":"email"}""", "kinds", "list"),
        ("POST", "api/mask/preview", """{"text":42}""", "text", "string"),
        ("POST", "api/deployments", """{"applications":["checkout"],"plannedAt":"tomorrow"}""", "plannedAt", "ISO-8601"),
        ("POST", "api/deployments/dep_missing/start", """{"at":"soon"}""", "at", "ISO-8601"),
        ("POST", "api/deployments/dep_missing/finish", """{"failed":"no"}""", "failed", "true or false"),
        ("POST", "api/keys", """{"name":"reader","role":5}""", "role", "string"),
        ("POST", "api/tenants", """{"id":7,"name":"Team X"}""", "id", "string"),
        ("PUT", "api/incidents/settings", """{"language":["en"]}""", "language", "string"),
    ];

    [Fact]
    public Task Values_of_the_wrong_kind_name_what_the_field_accepts_and_never_a_dotnet_type() => ExpectAllAsync(WrongKinds);

    /// <summary>One server for all cases (a server per case would be dozens of start-ups): each is a 400 with the field's message.</summary>
    private static async Task ExpectAllAsync((string Method, string Path, string Body, string Field, string Expected)[] cases)
    {
        await using var server = await StartWithRoleAsync();
        using var client = server.ApiClient();
        foreach (var (method, path, body, field, expected) in cases)
        {
            var what = $"{method} {path} {body}";
            using var response = await SendAsync(client, method, path, Json(body));
            var problem = await ProblemAssert.ExpectAsync(response, HttpStatusCode.BadRequest, what);
            Assert.Contains(expected, ProblemAssert.Error(problem, field, what), StringComparison.Ordinal);
        }
    }

    /// <summary>A server with role <c>strict-role</c>, which the role routes' cases name.</summary>
    private static async Task<ArgusTestServer> StartWithRoleAsync()
    {
        var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        using var role = await client.PostAsync("api/roles", Json(Role));
        Assert.True(role.IsSuccessStatusCode, await role.Content.ReadAsStringAsync());
        return server;
    }

    [Fact]
    public async Task Bodies_that_are_not_json_are_415_on_every_route()
    {
        await using var server = await StartWithRoleAsync();
        using var client = server.ApiClient();

        (string Method, string Path)[] routes =
        [
            ("POST", "api/channels"), ("PUT", "api/channels/ch_missing"), ("POST", "api/providers"), ("PUT", "api/providers/team-llm"),
            ("POST", "api/roles"), ("PUT", "api/roles/strict-role"), ("POST", "api/roles/strict-role/chat"), ("POST", "api/roles/strict-role/labels/staging"),
            ("PUT", "api/masking/settings"), ("POST", "api/mask/preview"), ("POST", "api/deployments"), ("POST", "api/deployments/dep_missing/start"),
            ("POST", "api/deployments/dep_missing/finish"), ("POST", "api/keys"), ("POST", "api/tenants"), ("PUT", "api/incidents/settings"),
        ];
        foreach (var (method, path) in routes)
        {
            var content = new StringContent("name=x", Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            using var response = await SendAsync(client, method, path, content);
            var problem = await ProblemAssert.ExpectAsync(response, HttpStatusCode.UnsupportedMediaType, $"{method} {path}");
            Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_webhook_with_secert_instead_of_secret_is_refused_not_created_unsigned()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();

        using (var r = await client.PostAsync("api/channels", Json("""{"name":"signed-hook","type":"webhook","url":"https://example.com/hook","secert":"s3cret"}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest, "POST api/channels");
            Assert.Equal("unknown field 'secert'; did you mean 'secret'?", ProblemAssert.Error(problem, "secert", "POST api/channels"));
        }

        var channels = await server.GetJsonAsync("api/channels");
        Assert.DoesNotContain(channels.GetProperty("channels").EnumerateArray(), c => c.GetProperty("name").GetString() == "signed-hook");

        // Spelt right, it is created signed.
        using (var r = await client.PostAsync("api/channels", Json("""{"name":"signed-hook","type":"webhook","url":"https://example.com/hook","secret":"s3cret"}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Created, text);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("hasSecret").GetBoolean());
        }
    }

    [Fact]
    public async Task What_GET_answers_can_be_sent_back_and_optional_bodies_stay_optional()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();

        // A channel with its read-only fields (id, hasSecret, createdAt, smtp.hasPassword) goes back as it came.
        foreach (var body in new[]
        {
            """{"name":"round-hook","type":"webhook","url":"https://example.com/hook","secret":"s3cret"}""",
            """{"name":"round-mail","type":"email","smtp":{"host":"smtp.example.com","port":587,"username":"argus","password":"pw"},"from":"argus@example.com","to":["ops@example.com"]}""",
        })
        {
            using var created = await client.PostAsync("api/channels", Json(body));
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, text);
            var channel = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();
            var got = await server.GetJsonAsync($"api/channels/{channel}");
            using var put = await client.PutAsync($"api/channels/{channel}", Json(got.GetRawText()));
            Assert.True(put.IsSuccessStatusCode, $"PUT {got}: {await put.Content.ReadAsStringAsync()}");
        }

        // A provider as GET shows it (hasApiKey, source, readOnly, headers as ***).
        using (var created = await client.PostAsync("api/providers", Json("""{"name":"team-llm","type":"openai-compatible","baseUrl":"https://example.com/v1","apiKey":"k","headers":{"api-key":"h"}}""")))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var provider = await server.GetJsonAsync("api/providers/team-llm");
        using (var put = await client.PutAsync("api/providers/team-llm", Json(provider.GetRawText())))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT {provider}: {await put.Content.ReadAsStringAsync()}");
        }

        // A role's rate limit takes the one duration grammar; a role's body takes 'message' beside the definition.
        using (var created = await client.PostAsync("api/roles", Json("""
            {"code":"limited","name":"Limited","systemMessage":"x","chain":[{"provider":"argus","model":""}],"rateLimit":{"interval":"30s","tenantLimit":10,"tenantWindow":"1h"},"message":"first"}
            """)))
        {
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, text);
            var role = JsonDocument.Parse(text).RootElement;
            Assert.Equal("00:00:30", role.GetProperty("role").GetProperty("rateLimit").GetProperty("interval").GetString());
            Assert.Equal("first", role.GetProperty("message").GetString());
        }

        // Start and finish take no body at all, an empty one, or {}.
        string id;
        using (var created = await client.PostAsync("api/deployments", Json("""{"applications":["checkout"],"plannedAt":"2030-01-01T00:00:00Z"}""")))
        {
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, text);
            id = JsonDocument.Parse(text).RootElement.GetProperty("deployment").GetProperty("id").GetString()!;
        }

        using (var start = await client.PostAsync($"api/deployments/{id}/start", null))
        {
            Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        }

        using (var finish = await client.PostAsync($"api/deployments/{id}/finish", new ChunkedContent([])))
        {
            Assert.True(finish.IsSuccessStatusCode, await finish.Content.ReadAsStringAsync());
        }

        using (var again = await client.PostAsync($"api/deployments/{id}/finish", Json("{}")))
        {
            Assert.True(again.IsSuccessStatusCode, await again.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Deployments_and_alert_rules_naming_a_service_never_seen_are_accepted_with_a_warning()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        var now = DateTimeOffset.UtcNow;
        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("checkout", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /cart", 2, now.AddMinutes(-1), 12)])))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await ArgusTestServer.EventuallyAsync(
            async () => (await server.GetJsonAsync("api/services?from=now-1h")).GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList(),
            names => names.Contains("checkout"), "checkout to be seen");

        using (var r = await client.PostAsync("api/deployments", Json("""{"applications":["checkout","chekout"],"version":"1.2.3"}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Created, text);
            var warning = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
            Assert.Contains("'applications[1]'", warning, StringComparison.Ordinal);
            Assert.Contains("'chekout'", warning, StringComparison.Ordinal);
            Assert.Contains("did you mean 'checkout'", warning, StringComparison.OrdinalIgnoreCase);
        }

        using (var r = await client.PostAsync("api/deployments", Json("""{"applications":["checkout"]}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Created, text);
            Assert.False(JsonDocument.Parse(text).RootElement.TryGetProperty("warnings", out _), text);
        }

        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"slow-payments","kind":"slow_sql","thresholdMs":500,"service":"payments"}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Created, text);
            var warning = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
            Assert.Contains("'service'", warning, StringComparison.Ordinal);
            Assert.Contains("'payments'", warning, StringComparison.Ordinal);
        }

        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"slow-checkout","kind":"slow_sql","thresholdMs":500,"service":"checkout"}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Created, text);
            Assert.False(JsonDocument.Parse(text).RootElement.TryGetProperty("warnings", out _), text);
        }
    }
}
