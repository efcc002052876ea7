using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Argus.AI.Roles;
using Argus.AI.Schema;
using Argus.Cli;
using Argus.IntegrationTests.Infrastructure;
using Argus.IntegrationTests.Notifications;
using static Argus.IntegrationTests.ChangeTracking.ChangeTrackingRig;

namespace Argus.IntegrationTests.ChangeTracking;

/// <summary>
/// Change tracking through the real server on simulated time: telemetry is sent over OTLP at the simulated times of the
/// check windows and their baselines (a day and a week earlier), and the scheduler's clock is a FakeTimeProvider.
/// </summary>
public sealed class ChangeTrackingTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static readonly JsonElement ReportSchema = JsonDocument.Parse(BuiltInRoles.ApplicationHealthReportSchema).RootElement;

    /// <summary>Baselines: 600 requests per 10 minutes, ~100 ms, 5 % errors; after the deploy the errors double and latency rises.</summary>
    private static async Task SendRegressionAsync(ChangeTrackingRig rig, string service, DateTimeOffset windowStart)
    {
        await rig.SendWindowAsync(service, windowStart.AddDays(-7), 600, 100, 0.05, seed: 1);
        await rig.SendWindowAsync(service, windowStart.AddDays(-1), 600, 100, 0.05, seed: 2);
        await rig.SendWindowAsync(service, windowStart, 600, 160, 0.10, seed: 3);
        await rig.WaitForSpansAsync(service, 1800);
    }

    [Fact]
    public async Task A_deployment_that_doubles_errors_and_slows_down_is_unstable_from_the_first_check_and_is_sent_to_channels()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        await using var hook = await LocalHttpReceiver.StartAsync();
        using (var client = rig.Server.ApiClient())
        using (var channel = await client.PostAsJsonAsync("api/channels", new { name = "hook", type = "webhook", url = new Uri(hook.Url, "argus").ToString() }))
        {
            Assert.True(channel.IsSuccessStatusCode, await channel.Content.ReadAsStringAsync());
        }

        await SendRegressionAsync(rig, "test-api", T0);
        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "test-api" }, version = "1.4.2", environment = "production", startedAt = Iso(T0) });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;
        Assert.Equal(["+10m", "+30m", "+1h", "+4h", "+8h", "+12h", "+24h"], created.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("offset").GetString()!).ToArray());

        var check = await rig.AdvanceAndWaitForCheckAsync(id, "+10m", T0.AddMinutes(10));
        var verdict = check.GetProperty("verdict");
        log.WriteLine($"snapshots and statistics of one check (3 windows of 600 spans): {verdict.GetProperty("measureMs").GetDouble():0.0} ms");
        Assert.Equal("UNSTABLE", verdict.GetProperty("state").GetString());
        var app = verdict.GetProperty("applications")[0];
        Assert.Equal("test-api", app.GetProperty("name").GetString());
        Assert.Equal(["TRANSACTION", "ISSUE"], app.GetProperty("metric").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Equal("baseline", app.GetProperty("basis").GetString());

        var errors = Metric(check, "test-api", "errors");
        Assert.Equal("WORSE", errors.GetProperty("state").GetString());
        Assert.Equal(0.10, errors.GetProperty("value").GetDouble(), 3);
        Assert.Equal(0.05, errors.GetProperty("dayBefore").GetDouble(), 3);
        Assert.True(errors.GetProperty("pValue").GetDouble() < 0.01);
        var latency = Metric(check, "test-api", "latency");
        Assert.Equal("WORSE", latency.GetProperty("state").GetString());
        Assert.InRange(latency.GetProperty("effect").GetDouble(), 45, 75);
        Assert.True(latency.GetProperty("effectLower").GetDouble() >= 20, latency.ToString());
        Assert.Equal("WORSE", Metric(check, "test-api", "errorLogs").GetProperty("state").GetString());
        Assert.Equal("OK", Metric(check, "test-api", "throughput").GetProperty("state").GetString());

        // The snapshots behind it: the window and both baselines.
        var snapshots = verdict.GetProperty("snapshots")[0];
        Assert.Equal(600, snapshots.GetProperty("current").GetProperty("requests").GetInt64());
        Assert.Equal(60, snapshots.GetProperty("current").GetProperty("errors").GetInt64());
        Assert.Equal(30, snapshots.GetProperty("weekBefore").GetProperty("errors").GetInt64());
        Assert.Equal(60, snapshots.GetProperty("current").GetProperty("logsByLevel").GetProperty("ERROR").GetInt64());
        Assert.NotEmpty(snapshots.GetProperty("current").GetProperty("topIssues").EnumerateArray());

        // The built-in analyst explained it in the strict format, and it agrees with the statistics.
        Assert.True(verdict.GetProperty("builtIn").GetBoolean());
        Assert.Empty(JsonSchemaSubset.Validate(ReportSchema, verdict.GetProperty("report")));
        Assert.Equal("UNSTABLE", verdict.GetProperty("modelState").GetString());
        Assert.Empty(verdict.GetProperty("disagreements").EnumerateArray());
        Assert.False(check.GetProperty("late").GetBoolean());

        var gate = await rig.Server.GetJsonAsync($"api/deployments/{id}/gate");
        Assert.False(gate.GetProperty("go").GetBoolean());
        Assert.Equal("UNSTABLE", gate.GetProperty("state").GetString());

        var delivered = await ArgusTestServer.EventuallyAsync(() => Task.FromResult(hook.Requests.ToArray()), r => r.Length > 0, "the check report at the webhook");
        var payload = JsonDocument.Parse(delivered[0].Body).RootElement;
        Assert.Contains("deployment.check", payload.ToString());
        Assert.Contains("UNSTABLE", payload.ToString());

        // Its link opens the service's page from half an hour before the deployment to the check.
        var from = Uri.EscapeDataString(T0.AddMinutes(-30).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(T0.AddMinutes(10).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        Assert.Equal(new Uri(rig.Server.ApiUrl, $"services/test-api?from={from}&to={to}").AbsoluteUri, payload.GetProperty("link").GetString());
    }

    [Fact]
    public async Task Errors_where_the_baselines_had_none_are_judged_without_an_unbounded_ratio_and_the_api_answers()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        await rig.SendWindowAsync("clean-api", T0.AddDays(-7), 600, 100, 0, seed: 11);
        await rig.SendWindowAsync("clean-api", T0.AddDays(-1), 600, 100, 0, seed: 12);
        await rig.SendWindowAsync("clean-api", T0, 600, 100, 0.10, seed: 13);
        await rig.WaitForSpansAsync("clean-api", 1800);
        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "clean-api" }, version = "2.0.0", startedAt = Iso(T0) });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;

        // Read back through the API (GET /api/deployments/{id}): a ratio against zero is no JSON number, so it is absent.
        var check = await rig.AdvanceAndWaitForCheckAsync(id, "+10m", T0.AddMinutes(10));
        var errors = Metric(check, "clean-api", "errors");
        Assert.Equal("WORSE", errors.GetProperty("state").GetString());
        Assert.False(errors.TryGetProperty("effect", out var effect) && effect.ValueKind != JsonValueKind.Null, errors.ToString());
        Assert.Contains("none before", errors.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_with_a_daily_traffic_shape_and_no_change_stays_stable_at_every_check()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        string[] offsets = ["+10m", "+30m", "+1h"];
        var seed = 100;
        var sent = 0;
        foreach (var offset in new[] { 10, 30, 60 })
        {
            var windowStart = T0.AddMinutes(offset - 10);

            // Traffic follows the hour of the day (the same a day and a week earlier), with its own noise in each window.
            var hour = windowStart.UtcDateTime.TimeOfDay.TotalHours;
            var requests = (int)(400 + (250 * Math.Sin(hour / 24 * 2 * Math.PI)));
            foreach (var days in new[] { -7, -1, 0 })
            {
                await rig.SendWindowAsync("shape-api", windowStart.AddDays(days), requests + (days * 7), 80, 0.02, seed++);
                sent += requests + (days * 7);
            }
        }

        // As many as were sent: the traffic depends on the hour the test runs at (a fixed 2,000 failed in the evening).
        await rig.WaitForSpansAsync("shape-api", sent);
        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "shape-api" }, version = "2.0.0", startedAt = Iso(T0), checks = offsets });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;
        await rig.AdvanceAndWaitForCheckAsync(id, "+1h", T0.AddHours(1));
        var deployment = await rig.Server.GetJsonAsync($"api/deployments/{id}");
        foreach (var offset in offsets)
        {
            var check = Check(deployment, offset)!.Value;
            Assert.True(check.GetProperty("verdict").GetProperty("state").GetString() == "STABLE", check.GetProperty("verdict").GetProperty("judgement").ToString());
            Assert.Equal("OK", Metric(check, "shape-api", "latency").GetProperty("state").GetString());
        }

        Assert.True((await rig.Server.GetJsonAsync($"api/deployments/{id}/gate")).GetProperty("go").GetBoolean());
    }

    [Fact]
    public async Task A_new_application_without_a_baseline_is_judged_on_absolute_thresholds_and_says_so()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        await rig.SendWindowAsync("brand-new", T0, 300, 50, 0.01, seed: 7);
        await rig.SendWindowAsync("brand-new-broken", T0, 300, 50, 0.20, seed: 8);
        await rig.WaitForSpansAsync("brand-new-broken", 300);
        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "brand-new", "brand-new-broken" }, version = "0.1.0", startedAt = Iso(T0) });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;
        var check = await rig.AdvanceAndWaitForCheckAsync(id, "+10m", T0.AddMinutes(10));
        var apps = check.GetProperty("verdict").GetProperty("judgement").GetProperty("applications");
        Assert.Equal("absolute", apps[0].GetProperty("basis").GetString());
        Assert.Contains("No baseline", apps[0].GetProperty("note").GetString());
        Assert.Equal("STABLE", apps[0].GetProperty("state").GetString());
        Assert.Equal("UNSTABLE", apps[1].GetProperty("state").GetString());
        Assert.Equal("WORSE", Metric(check, "brand-new-broken", "errors").GetProperty("state").GetString());
        Assert.Contains("No baseline", check.GetProperty("verdict").GetProperty("applications")[1].GetProperty("comment").GetString());
    }

    [Fact]
    public async Task A_restart_between_checks_loses_none_and_late_checks_say_how_late()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "restart-api" }, startedAt = Iso(T0), checks = new[] { "+10m", "+30m", "+1h" } });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;

        // Argus is down from T0 + 1 min to T0 + 45 min: the +10m and +30m checks are missed.
        await rig.RestartAtAsync(T0.AddMinutes(45));
        var first = await rig.WaitForCheckAsync(id, "+10m");
        var second = await rig.WaitForCheckAsync(id, "+30m");
        Assert.True(first.GetProperty("late").GetBoolean());
        Assert.InRange(first.GetProperty("lateBySeconds").GetDouble(), 35 * 60, 36 * 60);
        Assert.InRange(second.GetProperty("lateBySeconds").GetDouble(), 15 * 60, 16 * 60);

        // The window is still the one the check was due for, not the time it ran.
        var snapshot = first.GetProperty("verdict").GetProperty("snapshots")[0].GetProperty("current");
        Assert.Equal(T0.AddMinutes(10), snapshot.GetProperty("to").GetDateTimeOffset());
        var deployment = await rig.Server.GetJsonAsync($"api/deployments/{id}");
        Assert.Equal("scheduled", Check(deployment, "+1h")!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_gate_answers_no_go_when_the_pre_check_of_a_planned_deployment_is_unstable()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();

        // Planned at T0 + 30 min: the -30m pre-check is due at T0 and measures [T0 - 10 min, T0), which is already broken.
        await SendRegressionAsync(rig, "pre-api", T0.AddMinutes(-10));
        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "pre-api" }, version = "3.0.0", plannedAt = Iso(T0.AddMinutes(30)) });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;
        Assert.Equal("planned", created.GetProperty("deployment").GetProperty("status").GetString());
        Assert.Equal(["-30m"], created.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("offset").GetString()!).ToArray());

        var check = await rig.WaitForCheckAsync(id, "-30m");
        Assert.Equal("UNSTABLE", check.GetProperty("verdict").GetProperty("state").GetString());
        var gate = await rig.Server.GetJsonAsync($"api/deployments/{id}/gate");
        Assert.False(gate.GetProperty("go").GetBoolean());
        Assert.Equal("-30m", gate.GetProperty("check").GetString());

        // Starting it schedules the checks after the start.
        using var client = rig.Server.ApiClient();
        using var start = await client.PostAsJsonAsync($"api/deployments/{id}/start", new { at = Iso(T0.AddMinutes(31)) });
        var started = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("started", started.GetProperty("deployment").GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(41), Check(started, "+10m")!.Value.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_models_verdict_is_kept_where_it_disagrees_and_a_broken_answer_falls_back_to_the_built_in_analyst()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        await SendRegressionAsync(rig, "shop", T0);

        // json-ok answers a valid report that calls everything STABLE.
        await rig.SetTrackerChainAsync(("oai", "json-ok"));
        var first = await rig.CreateDeploymentAsync(new { applications = new[] { "shop" }, startedAt = Iso(T0), checks = new[] { "+10m" } });
        var firstId = first.GetProperty("deployment").GetProperty("id").GetString()!;
        var check = await rig.AdvanceAndWaitForCheckAsync(firstId, "+10m", T0.AddMinutes(10));
        var verdict = check.GetProperty("verdict");
        Assert.False(verdict.GetProperty("builtIn").GetBoolean());
        Assert.Equal("oai", verdict.GetProperty("provider").GetString());
        Assert.Equal("STABLE", verdict.GetProperty("modelState").GetString());
        Assert.Equal("UNSTABLE", verdict.GetProperty("state").GetString());
        Assert.Equal("STABLE", verdict.GetProperty("applications")[0].GetProperty("modelState").GetString());
        Assert.Contains(verdict.GetProperty("disagreements").EnumerateArray(), d => d.GetString()!.Contains("the statistics decide", StringComparison.Ordinal));
        Assert.False((await rig.Server.GetJsonAsync($"api/deployments/{firstId}/gate")).GetProperty("go").GetBoolean());

        // The request carried the snapshots and the judgement.
        var sent = rig.Fake.Requests.Last(r => r.Body["model"]?.GetValue<string>() == "json-ok").Body.ToJsonString();
        Assert.Contains("weekBefore", sent);
        Assert.Contains("pValue", sent);

        // json-bad answers a report that breaks the schema: the deterministic report is used and the reason kept.
        await rig.SetTrackerChainAsync(("oai", "json-bad"));
        using var client = rig.Server.ApiClient();
        using var run = await client.PostAsync($"api/deployments/{firstId}/checks/%2B10m/run", null);
        var rerun = JsonDocument.Parse(await run.Content.ReadAsStringAsync()).RootElement;
        Assert.True(run.IsSuccessStatusCode, rerun.ToString());
        Assert.Equal("manual", rerun.GetProperty("trigger").GetString());
        var fallback = rerun.GetProperty("verdict");
        Assert.True(fallback.GetProperty("builtIn").GetBoolean());
        Assert.False(string.IsNullOrEmpty(fallback.GetProperty("gatewayError").GetString()));
        Assert.Equal("UNSTABLE", fallback.GetProperty("modelState").GetString());
        Assert.Empty(JsonSchemaSubset.Validate(ReportSchema, fallback.GetProperty("report")));
    }

    [Fact]
    public async Task Deployments_api_validates_every_problem_and_the_github_receiver_checks_the_signature()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        using var client = rig.Server.ApiClient();
        using (var bad = await client.PostAsJsonAsync("api/deployments", new { applications = Array.Empty<string>(), commitUrl = "ftp://x", checks = new[] { "soon" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
            Assert.True(errors.TryGetProperty("applications", out _));
            Assert.True(errors.TryGetProperty("commitUrl", out _));
            Assert.True(errors.TryGetProperty("checks", out _));
        }

        using (var missing = await client.GetAsync("api/deployments/dep_nope"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var body = $$$"""
            {"action":"created","deployment_status":{"state":"in_progress","created_at":"{{{Iso(T0)}}}"},
             "deployment":{"id":4242,"sha":"0123456789abcdef","ref":"v1.4.2","environment":"production","creator":{"login":"octocat"},"payload":{}},
             "repository":{"name":"test-api","full_name":"acme/test-api","html_url":"https://github.com/acme/test-api"}}
            """;
        using var anonymous = new HttpClient { BaseAddress = rig.Server.ApiUrl };
        async Task<HttpResponseMessage> SendAsync(string payload, string signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/github") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-GitHub-Event", "deployment_status");
            request.Headers.Add("X-Hub-Signature-256", signature);
            return await anonymous.SendAsync(request);
        }

        string Sign(string payload) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GitHubSecret), Encoding.UTF8.GetBytes(payload)));

        using (var forged = await SendAsync(body, Sign(body + " ")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            Assert.DoesNotContain(GitHubSecret, await forged.Content.ReadAsStringAsync());
        }

        Assert.Empty((await rig.Server.GetJsonAsync("api/deployments")).GetProperty("deployments").EnumerateArray());
        using (var valid = await SendAsync(body, Sign(body)))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }

        var success = body.Replace("in_progress", "success", StringComparison.Ordinal);
        using (var finished = await SendAsync(success, Sign(success)))
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }

        var list = (await rig.Server.GetJsonAsync("api/deployments?application=test-api")).GetProperty("deployments").EnumerateArray().ToArray();
        var deployment = Assert.Single(list);
        Assert.Equal("v1.4.2", deployment.GetProperty("version").GetString());
        Assert.Equal("finished", deployment.GetProperty("status").GetString());
        Assert.Equal("github", deployment.GetProperty("source").GetString());
        Assert.Equal("octocat", deployment.GetProperty("who").GetString());
        Assert.Equal(T0, deployment.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal("https://github.com/acme/test-api/commit/0123456789abcdef", deployment.GetProperty("commitUrl").GetString());
    }

    [Fact]
    public async Task The_cli_starts_finishes_and_shows_a_deployment()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        string[] connection = ["--url", rig.Server.ApiUrl.ToString(), "--api-key", ArgusTestServer.AdminKey];
        var (code, output, error) = await RunAsync(["deploy", "start", "--app", "cli-api", "--app", "cli-worker", "--version", "9.9.9", "--environment", "staging", .. connection]);
        Assert.True(code == 0, error);
        var id = output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).First(w => w.StartsWith("dep_", StringComparison.Ordinal));

        var shown = await rig.Server.GetJsonAsync($"api/deployments/{id}");
        Assert.Equal(["cli-api", "cli-worker"], shown.GetProperty("deployment").GetProperty("applications").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal("started", shown.GetProperty("deployment").GetProperty("status").GetString());

        (code, output, error) = await RunAsync(["deploy", "finish", id, .. connection]);
        Assert.True(code == 0, error);
        Assert.Equal("finished", (await rig.Server.GetJsonAsync($"api/deployments/{id}")).GetProperty("deployment").GetProperty("status").GetString());

        await rig.AdvanceAndWaitForCheckAsync(id, "+10m", T0.AddMinutes(10));
        (code, output, error) = await RunAsync(["deploy", "status", id, .. connection]);
        Assert.True(code == 0, error);
        Assert.Contains("+10m", output);
        Assert.Contains("STABLE", output);
        Assert.Contains("scheduled", output);

        var missing = await RunAsync(["deploy", "status", "dep_missing", .. connection]);
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("argus: 404", missing.Error);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ArgusCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
