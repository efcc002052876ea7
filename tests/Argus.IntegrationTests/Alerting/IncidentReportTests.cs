using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Ai;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Argus.IntegrationTests.Alerting;

/// <summary>
/// For each incident kind: telemetry goes in over OTLP, the rule fires, and one report results with four sections,
/// findings that name the right statement, table, CRUD kind, host or exception, and a delivery to the webhook channel.
/// Each kind runs with the built-in analyst and with an LLM (a fake OpenAI vendor answering in the report schema).
/// </summary>
public sealed class IncidentReportTests(AlertingFixture fixture) : IClassFixture<AlertingFixture>
{
    private const string LlmSummary = "LLM: the orders query dominates the response time.";

    private static readonly string LlmReport = new JsonObject
    {
        ["summary"] = LlmSummary,
        ["transaction"] = "GET /api/orders/42 on pod-1 took 9.2 s, 8.5 s of it in SQL.",
        ["profileAnalysis"] = new JsonArray("SQL #3 took 8,500 ms (92 %) reading orders and order_items (SELECT)."),
        ["actionPlan"] = new JsonArray("Add an index on orders.customer_id.", "Check the query plan."),
        ["operatingNormally"] = false,
    }.ToJsonString();

    private static int _runs;

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var kind in IncidentScenario.All.Keys)
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_firing_rule_yields_one_four_section_report_with_the_right_findings(string kind, bool withLlm)
    {
        var scenario = IncidentScenario.All[kind];
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-{kind.Replace('_', '-')}-{run}";
        var instance = $"prod-{service}-pod-6945c568-2ghw8";
        if (withLlm)
        {
            fixture.Fake.Text = LlmReport;
            await fixture.SetAnalyzerChainAsync(("oai", "ok-report"), ("argus", "argus-analyst-1"));
        }
        else
        {
            await fixture.SetAnalyzerChainAsync(("argus", "argus-analyst-1"));
        }

        var rule = scenario.Rule.DeepClone().AsObject();
        rule["name"] = $"Rule-{kind}-{run}";
        rule["service"] = service;
        var ruleId = await fixture.CreateRuleAsync(rule);
        foreach (var body in scenario.Traces(service, instance))
        {
            await fixture.SendTracesAsync(body);
        }

        var incidents = await fixture.IncidentsOfAsync(ruleId);
        var id = incidents[0].GetProperty("id").GetString()!;
        var incident = await fixture.Server.GetJsonAsync($"api/incidents/{id}");

        // The classic alert text and the four sections, each list at most three points.
        var alertText = incident.GetProperty("alertText").GetString()!;
        Assert.Contains($"Rule Name: {rule["name"]}", alertText, StringComparison.Ordinal);
        Assert.Contains("occurred", alertText, StringComparison.Ordinal);
        Assert.Contains($"{instance}:", alertText, StringComparison.Ordinal);
        var text = incident.GetProperty("reportText").GetString()!;
        foreach (var title in new[] { "[Summary]", "[Transaction]", "[Profile analysis]", "[Action plan]" })
        {
            Assert.Contains(title, text, StringComparison.Ordinal);
        }

        var report = incident.GetProperty("report");
        Assert.InRange(report.GetProperty("profileAnalysis").GetArrayLength(), 0, 3);
        Assert.InRange(report.GetProperty("actionPlan").GetArrayLength(), 1, 3);

        // The findings are measured, whoever wrote the text.
        var findings = incident.GetProperty("findings").GetRawText();
        Assert.Contains($"\"kind\":\"{scenario.ExpectedFinding}\"", findings, StringComparison.Ordinal);
        foreach (var expected in scenario.ExpectedTexts)
        {
            Assert.Contains(expected, findings, StringComparison.Ordinal);
        }

        if (withLlm)
        {
            Assert.False(incident.GetProperty("builtIn").GetBoolean());
            Assert.Equal("ok-report", incident.GetProperty("model").GetString());
            Assert.Contains(LlmSummary, text, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(incident.GetProperty("builtIn").GetBoolean());
            Assert.Equal("argus", incident.GetProperty("provider").GetString());
        }

        // Handed to the rule's channel: the webhook received the report with its incident id.
        var delivered = await Infrastructure.ArgusTestServer.EventuallyAsync(
            () => Task.FromResult(fixture.Hook.Requests.FirstOrDefault(r => Encoding.UTF8.GetString(r.Body).Contains(id, StringComparison.Ordinal))),
            found => found is not null, $"the webhook delivery of {id}");

        // Its link opens the transaction's waterfall in the console (no Argus:PublicUrl here: the API listener's address).
        using (var payload = JsonDocument.Parse(delivered!.Body))
        {
            var traceId = incident.GetProperty("traceId").GetString();
            Assert.Equal(new Uri(fixture.Server.ApiUrl, $"traces/{traceId}").AbsoluteUri, payload.RootElement.GetProperty("link").GetString());
            var serviceLink = payload.RootElement.GetProperty("data").GetProperty("links").GetProperty("service").GetString();
            Assert.StartsWith(new Uri(fixture.Server.ApiUrl, $"services/{service}?from=").AbsoluteUri, serviceLink, StringComparison.Ordinal);
        }

        // Produced once: the rule keeps firing on later evaluations without another report.
        await Task.Delay(2_500);
        var again = (await fixture.Server.GetJsonAsync($"api/incidents?rule={ruleId}")).GetProperty("incidents").GetArrayLength();
        Assert.Equal(1, again);
        var alerts = await fixture.Server.GetJsonAsync($"api/alerts?rule={ruleId}");
        var alert = Assert.Single(alerts.GetProperty("alerts").EnumerateArray());
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal(id, alert.GetProperty("incidentId").GetString());
    }

    [Theory]
    [InlineData("json-bad")]
    [InlineData("http-500")]
    [InlineData("refuse")]
    public async Task A_broken_or_down_llm_still_yields_a_report_from_the_next_link(string model)
    {
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-fallback-{run}";
        await fixture.SetAnalyzerChainAsync(("oai", model), ("argus", "argus-analyst-1"));
        var rule = IncidentScenario.All["slow_sql"].Rule.DeepClone().AsObject();
        rule["name"] = $"Fallback-{run}";
        rule["service"] = service;
        var ruleId = await fixture.CreateRuleAsync(rule);
        foreach (var body in IncidentScenario.All["slow_sql"].Traces(service, "pod-1"))
        {
            await fixture.SendTracesAsync(body);
        }

        var incidents = await fixture.IncidentsOfAsync(ruleId);
        var incident = await fixture.Server.GetJsonAsync($"api/incidents/{incidents[0].GetProperty("id").GetString()}");
        Assert.True(incident.GetProperty("builtIn").GetBoolean());
        Assert.Contains("[Profile analysis]", incident.GetProperty("reportText").GetString()!, StringComparison.Ordinal);
        Assert.Contains("\"stepIndex\":3", incident.GetProperty("findings").GetRawText(), StringComparison.Ordinal);

        // The call log shows the failed link and the one that served.
        var callId = incident.GetProperty("callId").GetString();
        Assert.False(string.IsNullOrEmpty(callId));
        Assert.True(fixture.Fake.CountFor(model) >= 1);
    }

    [Fact]
    public async Task Every_llm_down_and_no_builtin_link_still_yields_the_deterministic_report()
    {
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-down-{run}";
        await fixture.SetAnalyzerChainAsync(("dead", "any-model"));
        var rule = IncidentScenario.All["external_delay"].Rule.DeepClone().AsObject();
        rule["name"] = $"Down-{run}";
        rule["service"] = service;
        var ruleId = await fixture.CreateRuleAsync(rule);
        foreach (var body in IncidentScenario.All["external_delay"].Traces(service, "pod-1"))
        {
            await fixture.SendTracesAsync(body);
        }

        var incidents = await fixture.IncidentsOfAsync(ruleId);
        var incident = await fixture.Server.GetJsonAsync($"api/incidents/{incidents[0].GetProperty("id").GetString()}");
        Assert.True(incident.GetProperty("builtIn").GetBoolean());
        Assert.False(string.IsNullOrEmpty(incident.GetProperty("gatewayError").GetString()));
        Assert.Contains("payments.example.com", incident.GetProperty("reportText").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Korean_reports_use_the_korean_section_titles()
    {
        using (var client = fixture.Server.ApiClient())
        using (var bad = await client.PutAsync("api/incidents/settings", AlertingFixture.Json(new JsonObject { ["language"] = "fr" })))
        {
            Assert.Equal(400, (int)bad.StatusCode);
        }

        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-ko-{run}";
        await fixture.SetAnalyzerChainAsync(("argus", "argus-analyst-1"));
        var rule = IncidentScenario.All["slow_sql"].Rule.DeepClone().AsObject();
        rule["name"] = $"Korean-{run}";
        rule["service"] = service;
        var ruleId = await fixture.CreateRuleAsync(rule);

        // The tenant chooses Korean; rules without a language follow it.
        using (var client = fixture.Server.ApiClient())
        using (var put = await client.PutAsync("api/incidents/settings", AlertingFixture.Json(new JsonObject { ["language"] = "ko" })))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        foreach (var body in IncidentScenario.All["slow_sql"].Traces(service, "pod-1"))
        {
            await fixture.SendTracesAsync(body);
        }

        var incidents = await fixture.IncidentsOfAsync(ruleId);
        var incident = await fixture.Server.GetJsonAsync($"api/incidents/{incidents[0].GetProperty("id").GetString()}");
        var text = incident.GetProperty("reportText").GetString()!;
        foreach (var title in new[] { "[요약]", "[트랜잭션]", "[프로파일 분석]", "[조치 방안]" })
        {
            Assert.Contains(title, text, StringComparison.Ordinal);
        }

        Assert.Equal("ko", incident.GetProperty("language").GetString());
        using var reset = fixture.Server.ApiClient();
        (await reset.PutAsync("api/incidents/settings", AlertingFixture.Json(new JsonObject { ["language"] = null }))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Muted_rules_record_alerts_without_reports_and_rules_resolve()
    {
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-muted-{run}";
        var rule = IncidentScenario.All["slow_sql"].Rule.DeepClone().AsObject();
        rule["name"] = $"Muted-{run}";
        rule["service"] = service;
        rule["window"] = "00:00:20";
        var ruleId = await fixture.CreateRuleAsync(rule);
        await fixture.PostJsonAsync($"api/alert-rules/{ruleId}/mute", new JsonObject { ["for"] = "01:00:00" });
        foreach (var body in IncidentScenario.All["slow_sql"].Traces(service, "pod-1"))
        {
            await fixture.SendTracesAsync(body);
        }

        var alert = await Infrastructure.ArgusTestServer.EventuallyAsync(
            async () => (await fixture.Server.GetJsonAsync($"api/alerts?rule={ruleId}")).GetProperty("alerts").EnumerateArray().ToArray(),
            list => list.Length == 1, "the muted alert");
        Assert.Equal("muted", alert[0].GetProperty("suppressed").GetString());
        var status = await fixture.Server.GetJsonAsync($"api/alert-rules/{ruleId}");
        Assert.Equal("muted", status.GetProperty("status").GetString());

        // The spans leave the 20-second window: the alert resolves.
        await Infrastructure.ArgusTestServer.EventuallyAsync(
            async () => (await fixture.Server.GetJsonAsync($"api/alerts?rule={ruleId}&state=resolved")).GetProperty("alerts").GetArrayLength(),
            n => n == 1, "the alert to resolve", timeoutMs: 40_000);
        Assert.Empty((await fixture.Server.GetJsonAsync($"api/incidents?rule={ruleId}")).GetProperty("incidents").EnumerateArray());
    }

    [Fact]
    public async Task A_log_count_rule_reports_on_the_transaction_of_its_error_logs()
    {
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-logs-{run}";
        await fixture.SetAnalyzerChainAsync(("argus", "argus-analyst-1"));
        var rule = new JsonObject
        {
            ["name"] = $"Logs-{run}",
            ["kind"] = "log_count",
            ["service"] = service,
            ["threshold"] = 3,
            ["logLevel"] = "ERROR",
            ["window"] = "00:10:00",
            ["evaluateEvery"] = "00:00:01",
        };
        var ruleId = await fixture.CreateRuleAsync(rule);
        var body = IncidentScenario.All["slow_sql"].Traces(service, "pod-1")[0];
        var traceId = JsonDocument.Parse(body).RootElement.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans")[0].GetProperty("traceId").GetString()!;
        await fixture.SendTracesAsync(body);
        var records = Enumerable.Range(0, 4).Select(i => Infrastructure.OtlpJson.LogRecord(
            DateTimeOffset.UtcNow.AddSeconds(-3), 17, "ERROR", $"Query timed out after 8000 ms (attempt {i})", traceId));
        using (var response = await fixture.Server.PostOtlpJsonAsync("logs", Infrastructure.OtlpJson.Logs(service, records)))
        {
            Assert.True(response.IsSuccessStatusCode);
        }

        var incidents = await fixture.IncidentsOfAsync(ruleId);
        var incident = await fixture.Server.GetJsonAsync($"api/incidents/{incidents[0].GetProperty("id").GetString()}");
        Assert.Equal(traceId, incident.GetProperty("traceId").GetString());
        Assert.Contains("ERROR logs >= 3", incident.GetProperty("alertText").GetString()!, StringComparison.Ordinal);
        Assert.Contains("occurred 4 times", incident.GetProperty("alertText").GetString()!, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"dominant_sql\"", incident.GetProperty("findings").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_wait_rule_fires_from_the_pools_wait_time_histogram_alone()
    {
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-pool-{run}";
        await fixture.SetAnalyzerChainAsync(("argus", "argus-analyst-1"));
        var rule = new JsonObject
        {
            ["name"] = $"PoolWait-{run}",
            ["kind"] = "db_connection_wait",
            ["service"] = service,
            ["thresholdMs"] = 1000,
            ["minOccurrences"] = 3,
            ["window"] = "00:10:00",
            ["evaluateEvery"] = "00:00:01",
        };
        var ruleId = await fixture.CreateRuleAsync(rule);

        // The service records no connection-acquire spans, only the pool's histogram, as the OpenTelemetry SDK exports it
        // (cumulative, bucket bounds in seconds from the instrument's advice, like Npgsql's).
        var sourceName = $"Argus.Tests.Pool.{run}";
        using var meter = new System.Diagnostics.Metrics.Meter(sourceName);
        var waits = meter.CreateHistogram<double>("db.client.connection.wait_time", "s", "Time to obtain a connection from the pool.", tags: null,
            advice: new System.Diagnostics.Metrics.InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1, 0.5, 1, 5, 10] });
        var resource = ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: "pod-7");
        using (var meters = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(sourceName)
                   .AddOtlpExporter((o, _) =>
                   {
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.Endpoint = new Uri(fixture.Server.OtlpHttpUrl, "v1/metrics");
                       o.Headers = "x-argus-api-key=" + Infrastructure.ArgusTestServer.AdminKey;
                   }).Build())
        {
            var pool = new KeyValuePair<string, object?>("db.client.connection.pool.name", "orders-pool");
            foreach (var seconds in new[] { 0.002, 0.004, 0.03, 1.8, 2.4, 4.2, 7.5 })
            {
                waits.Record(seconds, pool);
            }

            // Two exports of the same cumulative counts: the second adds nothing.
            Assert.True(meters.ForceFlush());
            Assert.True(meters.ForceFlush());
        }

        var incidents = await fixture.IncidentsOfAsync(ruleId);
        var incident = await fixture.Server.GetJsonAsync($"api/incidents/{incidents[0].GetProperty("id").GetString()}");
        var alertText = incident.GetProperty("alertText").GetString()!;
        Assert.Contains("DB Connection wait time >= 1000 ms", alertText, StringComparison.Ordinal);
        Assert.Contains("occurred 4 times", alertText, StringComparison.Ordinal);
        Assert.Contains("pod-7: 4", alertText, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("traceId").ValueKind);

        // The report says where the waits were counted and how long the longest was at least (7.5 s is in the (5, 10] bucket).
        var text = incident.GetProperty("reportText").GetString()!;
        Assert.Contains("the connection pool's wait-time metric shows the waits, the longest at least 5,000 ms", text, StringComparison.Ordinal);
        Assert.Contains("waited for a database connection 4 times", text, StringComparison.Ordinal);
        Assert.Contains("pool's maximum size", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_lists_and_shows_incidents()
    {
        var run = Interlocked.Increment(ref _runs);
        var service = $"svc-cli-{run}";
        await fixture.SetAnalyzerChainAsync(("argus", "argus-analyst-1"));
        var rule = IncidentScenario.All["exception"].Rule.DeepClone().AsObject();
        rule["name"] = $"Cli-{run}";
        rule["service"] = service;
        var ruleId = await fixture.CreateRuleAsync(rule);
        foreach (var body in IncidentScenario.All["exception"].Traces(service, "pod-1"))
        {
            await fixture.SendTracesAsync(body);
        }

        var id = (await fixture.IncidentsOfAsync(ruleId))[0].GetProperty("id").GetString()!;
        var url = fixture.Server.ApiUrl.ToString();
        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            var code = await Argus.Cli.ArgusCli.RunAsync(["incidents", "list", "--url", url, "--api-key", Infrastructure.ArgusTestServer.AdminKey, "--service", service], output, error);
            Assert.True(code == 0, error.ToString());
            Assert.Contains(id, output.ToString(), StringComparison.Ordinal);
        }

        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            var code = await Argus.Cli.ArgusCli.RunAsync(["incidents", "show", id, "--url", url, "--api-key", Infrastructure.ArgusTestServer.AdminKey], output, error);
            Assert.True(code == 0, error.ToString());
            Assert.Contains($"Rule Name: Cli-{run}", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("[Action plan]", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("SQLIntegrityConstraintViolationException", output.ToString(), StringComparison.Ordinal);
        }

        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            var code = await Argus.Cli.ArgusCli.RunAsync(["incidents", "show", "inc_missing", "--url", url, "--api-key", Infrastructure.ArgusTestServer.AdminKey], output, error);
            Assert.NotEqual(0, code);
            Assert.Single(error.ToString().Trim().Split('\n'));
        }
    }

    [Fact]
    public async Task Invalid_rules_are_rejected_with_every_problem_listed()
    {
        using var client = fixture.Server.ApiClient();
        using var response = await client.PostAsync("api/alert-rules", AlertingFixture.Json(new JsonObject
        {
            ["name"] = "bad/name",
            ["kind"] = "latency",
            ["percentile"] = 42,
            ["window"] = "00:00:00",
            ["language"] = "fr",
        }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        foreach (var field in new[] { "name", "thresholdMs", "service", "percentile", "window", "language" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no problem listed for {field}: {errors}");
        }

        using var unknownKind = await client.PostAsync("api/alert-rules", new StringContent("""{"name":"x","kind":"cpu"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)unknownKind.StatusCode);
        Assert.Contains("slow_sql", await unknownKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
