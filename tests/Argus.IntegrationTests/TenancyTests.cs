using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>API keys map to tenants; every record and every query is scoped to the caller's tenant.</summary>
public sealed class TenancyTests
{
    [Fact]
    public async Task Tenant_b_sees_none_of_tenant_a_data_in_any_query()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var admin = server.ApiClient();
        using var created = await admin.PostAsJsonAsync("api/tenants", new { id = "team-b", name = "Team B" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tenantB = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var keyB = tenantB.GetProperty("adminKey").GetProperty("key").GetString()!;

        // Tenant A (the default tenant) sends a trace with SQL and a log.
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var traceId = OtlpJson.NewTraceId();
        var rootId = OtlpJson.NewSpanId();
        var spans = new[]
        {
            OtlpJson.Span(traceId, rootId, null, "GET /a", 2, now, 50),
            OtlpJson.Span(traceId, OtlpJson.NewSpanId(), rootId, "SELECT a", 3, now.AddMilliseconds(1), 20,
                attributes: [("db.system.name", "postgresql"), ("db.query.text", "SELECT * FROM secrets_a WHERE id = 1")]),
        };
        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("service-a", spans)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using (var r = await server.PostOtlpJsonAsync("logs", OtlpJson.Logs("service-a", [OtlpJson.LogRecord(now, 17, "ERROR", "tenant A failure", traceId)])))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/logs?service=service-a"), l => l.GetProperty("logs").GetArrayLength() == 1, "tenant A's log");
        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/services"), s => s.GetProperty("services").GetArrayLength() == 1, "tenant A's service");

        // Tenant B sends its own service, and sees only that.
        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("service-b", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /b", 2, now, 10)]), keyB))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var servicesB = await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/services", keyB), s => s.GetProperty("services").GetArrayLength() > 0, "tenant B's service");
        Assert.Equal<string[]>(["service-b"], servicesB.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray());

        using var clientB = server.ApiClient(keyB);
        using (var r = await clientB.GetAsync($"api/traces/{traceId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        Assert.Empty((await server.GetJsonAsync("api/traces?service=service-a", keyB)).GetProperty("traces").EnumerateArray());
        Assert.Empty((await server.GetJsonAsync("api/sql", keyB)).GetProperty("statements").EnumerateArray());
        Assert.Empty((await server.GetJsonAsync("api/logs", keyB)).GetProperty("logs").EnumerateArray());
        Assert.Empty((await server.GetJsonAsync("api/logs/levels", keyB)).GetProperty("counts").EnumerateArray());
        Assert.Empty((await server.GetJsonAsync("api/services/service-a/red", keyB)).GetProperty("points").EnumerateArray());

        // And tenant A still sees its own.
        Assert.Single((await server.GetJsonAsync("api/sql")).GetProperty("statements").EnumerateArray());
        Assert.NotEmpty((await server.GetJsonAsync($"api/traces/{traceId}")).GetProperty("spans").EnumerateArray());
    }

    [Fact]
    public async Task Missing_or_wrong_keys_are_refused_on_every_listener()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var noKey = server.ApiClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await noKey.GetAsync("api/services")).StatusCode);
        using var wrongKey = server.ApiClient("wrong-key-wrong-key-wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("api/services")).StatusCode);

        var body = OtlpJson.Traces("svc", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "x", 2, DateTimeOffset.UtcNow, 1)]);
        using (var r = await server.PostOtlpJsonAsync("traces", body, key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using (var r = await server.PostOtlpJsonAsync("traces", body, key: "not-a-real-key-at-all"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.DoesNotContain("not-a-real-key-at-all", await r.Content.ReadAsStringAsync());
        }

        // The health probe needs no key.
        Assert.Equal(HttpStatusCode.OK, (await noKey.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_an_ingest_key_cannot_read()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var admin = server.ApiClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name = "collector", role = "ingest" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ingestKey = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;

        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("svc", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "x", 2, DateTimeOffset.UtcNow, 1)]), ingestKey))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using var ingestClient = server.ApiClient(ingestKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingestClient.GetAsync("api/services")).StatusCode);

        // Listing keys never shows a key, and the database holds only hashes.
        var list = await (await admin.GetAsync("api/keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(ingestKey, list);
        Assert.DoesNotContain(ArgusTestServer.AdminKey, list);
        await server.StopAsync();
        var controlDb = await File.ReadAllBytesAsync(Path.Combine(server.DataPath, "control.db"));
        var text = System.Text.Encoding.UTF8.GetString(controlDb);
        Assert.DoesNotContain(ingestKey, text);
        Assert.DoesNotContain(ArgusTestServer.AdminKey, text);
    }
}
