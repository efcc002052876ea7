using System.Net;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>
/// Mistakes in requests to Argus's own API are named: an unknown field with the nearest valid one, a value of the wrong
/// kind with what the field accepts (never a .NET type), a reference to something that does not exist, a duration in
/// the one grammar, a wrong content type as 415.
/// </summary>
public sealed class ExactErrorTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Alert_rules_name_unknown_fields_wrong_values_and_missing_channels()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();

        // A typo in a field name: the nearest valid one is named.
        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"SlowSQL","kind":"slow_sql","thresholdMs":500,"chanels":["ops"]}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("'channels'", ProblemAssert.Error(problem, "chanels"), StringComparison.Ordinal);
        }

        // A kind that does not exist: the accepted values, not a .NET type.
        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"SlowSQL","kind":"slowsql","thresholdMs":500}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            var message = ProblemAssert.Error(problem, "kind");
            Assert.Contains("slow_sql", message, StringComparison.Ordinal);
            Assert.Contains("error_rate", message, StringComparison.Ordinal);
        }

        // A channel that does not exist would deliver nowhere.
        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"SlowSQL","kind":"slow_sql","thresholdMs":500,"channels":["ops"]}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("no channel 'ops'", ProblemAssert.Error(problem, "channels[0]"), StringComparison.Ordinal);
        }

        // A duration in any form of the one grammar; a wrong one is named with the grammar.
        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"SlowSQL","kind":"slow_sql","thresholdMs":500,"window":"ten minutes"}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("30s, 10m, 1h", ProblemAssert.Error(problem, "window"), StringComparison.Ordinal);
        }

        string id;
        using (var r = await client.PostAsync("api/alert-rules", Json("""{"name":"SlowSQL","kind":"slow_sql","thresholdMs":500,"window":"15m","evaluateEvery":"00:02:00","coolDown":"1h"}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Created, text);
            var rule = JsonDocument.Parse(text).RootElement.GetProperty("rule");
            id = rule.GetProperty("id").GetString()!;
            Assert.Equal("00:15:00", rule.GetProperty("window").GetString());
            Assert.Equal("01:00:00", rule.GetProperty("coolDown").GetString());
        }

        // What GET answers can be sent back as it is.
        var got = await server.GetJsonAsync($"api/alert-rules/{id}");
        using (var r = await client.PutAsync($"api/alert-rules/{id}", Json(got.GetProperty("rule").GetRawText())))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        // Mute: a huge duration or a time beyond a year is a 400, not a 500; a duration in the grammar works.
        using (var r = await client.PostAsync($"api/alert-rules/{id}/mute", Json("""{"for":"99999999d"}""")))
        {
            await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
        }

        using (var r = await client.PostAsync($"api/alert-rules/{id}/mute", Json("""{"until":"9999-12-31T23:59:59Z"}""")))
        {
            await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
        }

        using (var r = await client.PostAsync($"api/alert-rules/{id}/mute", Json("""{"fro":"1h"}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("'for'", ProblemAssert.Error(problem, "fro"), StringComparison.Ordinal);
        }

        using (var r = await client.PostAsync($"api/alert-rules/{id}/mute", Json("""{"for":"2h"}""")))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        // A body that is not JSON at all is 415, not 404.
        using (var r = await client.PostAsync("api/alert-rules", new StringContent("name: x", Encoding.UTF8, "text/plain")))
        {
            await ProblemAssert.ExpectAsync(r, HttpStatusCode.UnsupportedMediaType);
        }

        // A body that is not an object.
        using (var r = await client.PostAsync("api/alert-rules", Json("[1,2]")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("JSON object", ProblemAssert.Error(problem, "body"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_query_parameters_are_named_with_the_nearest_valid_one()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();

        using (var r = await client.GetAsync("api/services?form=2026-01-01T00:00:00Z"))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("'from'", ProblemAssert.Error(problem, "form"), StringComparison.Ordinal);
        }

        using (var r = await client.GetAsync("api/traces?minDuration=1000"))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("'minDurationMs'", ProblemAssert.Error(problem, "minDuration"), StringComparison.Ordinal);
        }

        // Routes that read a body take no query parameters of their own either.
        using (var r = await client.PostAsync("api/alert-rules?dryRun=true", Json("""{"name":"Q","kind":"slow_sql","thresholdMs":500}""")))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("takes none", ProblemAssert.Error(problem, "dryRun"), StringComparison.Ordinal);
        }

        // Known parameters, in any case, still work.
        using (var r = await client.GetAsync("api/traces?minDurationMs=1000&Limit=5"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Fact]
    public async Task Time_ranges_take_relative_times_and_refuse_what_the_store_cannot_represent()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        var now = DateTimeOffset.UtcNow;

        var relative = await server.GetJsonAsync("api/services?from=now-2h&to=now");
        Assert.InRange(relative.GetProperty("from").GetDateTimeOffset(), now.AddHours(-2).AddMinutes(-1), now.AddHours(-2).AddMinutes(1));

        using (var r = await client.GetAsync("api/services?to=2300-01-01T00:00:00Z"))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("2262", ProblemAssert.Error(problem, "to"), StringComparison.Ordinal);
        }

        using (var r = await client.GetAsync("api/services?from=now-forever"))
        {
            var problem = await ProblemAssert.ExpectAsync(r, HttpStatusCode.BadRequest);
            Assert.Contains("now-<duration>", ProblemAssert.Error(problem, "from"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("\"hello\"", "JSON object")]
    [InlineData("""{"model":"role:oncall-assistant","messages":"hi"}""", "'messages'")]
    [InlineData("""{"model":"role:oncall-assistant","messages":["hi"]}""", "'messages[0]'")]
    [InlineData("""{"model":"role:oncall-assistant","messages":[{"role":"user","content":[1]}]}""", "'messages[0].content'")]
    [InlineData("""{"model":"role:oncall-assistant","messages":[],"temprature":0.2}""", "Unrecognized request argument supplied: temprature")]
    public async Task Chat_completions_answer_bodies_of_the_wrong_shape_with_a_400_in_OpenAIs_error_shape(string body, string named)
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var client = server.ApiClient();
        using var r = await client.PostAsync("v1/chat/completions", Json(body));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{(int)r.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
