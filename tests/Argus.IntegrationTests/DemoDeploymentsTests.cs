using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Argus.Demo;
using Argus.IntegrationTests.Infrastructure;
using Argus.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Argus.IntegrationTests;

/// <summary>
/// The demo (<c>Argus:Demo</c>) on a simulated clock: its workload, its faults, its alert rules and its deployments run
/// as in <c>--demo</c>, a second of traffic per simulated second, and the real change-tracking scheduler judges them.
/// </summary>
public sealed class DemoDeploymentsTests
{
    // Now, to the minute: the OpenTelemetry SDK stamps log records with the real clock, so simulated times stay near it.
    private static readonly DateTimeOffset Start = new(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    [Fact]
    public async Task The_demo_records_a_bad_release_its_rollback_and_a_good_release_judged_within_half_an_hour()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await ArgusTestServer.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Argus:Demo"] = "true",
                // The scheduler looks for due checks every simulated second rather than every 30.
                ["Argus:ChangeTracking:TickInterval"] = "00:00:01",
            },
            configure: b => b.Services.AddSingleton<TimeProvider>(time));
        var run = server.Services.GetRequiredService<DemoRun>();
        var plan = run.Plan;
        var bad = DemoDeploymentPlan.First(DemoDeploymentKind.Bad);
        var rollback = DemoDeploymentPlan.First(DemoDeploymentKind.Rollback);
        var good = DemoDeploymentPlan.First(DemoDeploymentKind.Good);
        Assert.Contains(
            $"Deployments     : order-service 1.5.0 (bad) at {plan.At(bad):HH:mm}, 1.5.1 (rollback) at {plan.At(rollback):HH:mm}; shop-frontend 1.4.3 (good) at {plan.At(good):HH:mm}",
            server.Banner, StringComparison.Ordinal);
        Assert.True(plan.FirstVerdictsDue + TimeSpan.FromMinutes(1) <= plan.Start + TimeSpan.FromMinutes(30), "the first verdicts come within half an hour");

        var workload = await UntilAsync(() => run.Workload is { LastTick: not null } w ? w : null, "the demo workload's first tick");

        // One simulated second at a time, each waiting for the workload's tick (a timer coalesces larger steps into one
        // tick). Every simulated minute, the telemetry sent so far must be stored before time moves on, so that a check
        // that falls due finds its window's data.
        while (time.GetUtcNow() < plan.FirstVerdictsDue + TimeSpan.FromSeconds(30))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var now = time.GetUtcNow();
            await UntilAsync(() => workload.LastTick >= now ? workload : null, $"the workload's tick at {now:O}");
            if ((now - plan.Start).Ticks % TimeSpan.TicksPerMinute == 0)
            {
                workload.Flush();
                var sent = workload.Transactions;
                await ArgusTestServer.EventuallyAsync(() => ServerSpansAsync(server, "order-service"), n => n >= sent, $"{sent} order-service requests stored by {now:O}");
            }
        }

        var list = await server.GetJsonAsync("api/deployments");
        var ids = list.GetProperty("deployments").EnumerateArray().ToDictionary(d => d.GetProperty("version").GetString()!, d => d.GetProperty("id").GetString()!);
        Assert.Equal(["1.4.3", "1.5.0", "1.5.1"], ids.Keys.Order(StringComparer.Ordinal));

        var badCheck = await FirstCheckAsync(server, time, ids[bad.Version]);
        var badDeployment = await server.GetJsonAsync($"api/deployments/{ids[bad.Version]}");
        Assert.Equal("failed", badDeployment.GetProperty("deployment").GetProperty("status").GetString());
        Assert.Equal("dana", badDeployment.GetProperty("deployment").GetProperty("who").GetString());
        Assert.Equal(bad.CommitUrl, badDeployment.GetProperty("deployment").GetProperty("commitUrl").GetString());
        Assert.Equal(plan.At(bad), badDeployment.GetProperty("deployment").GetProperty("startedAt").GetDateTimeOffset());
        Assert.True(State(badCheck) == "UNSTABLE", Describe(badCheck));
        Assert.Equal("WORSE", Metric(badCheck, "order-service", "errors").GetProperty("state").GetString());
        Assert.Equal("WORSE", Metric(badCheck, "order-service", "latency").GetProperty("state").GetString());
        Assert.False(badDeployment.GetProperty("gate").GetProperty("go").GetBoolean());

        // The rollback restores order-service: its critical metrics pass. (Its error logs, from the demo's regular exception
        // burst, are over the absolute limit in a live demo: MOSTLY_STABLE. Here the log exporter sends on the real clock,
        // so part of the window's logs may arrive after the check; the state is not pinned.)
        var rollbackCheck = await FirstCheckAsync(server, time, ids[rollback.Version]);
        Assert.True(State(rollbackCheck) is "STABLE" or "MOSTLY_STABLE", Describe(rollbackCheck));
        Assert.Equal("OK", Metric(rollbackCheck, "order-service", "errors").GetProperty("state").GetString());
        Assert.Equal("OK", Metric(rollbackCheck, "order-service", "latency").GetProperty("state").GetString());

        var goodCheck = await FirstCheckAsync(server, time, ids[good.Version]);
        Assert.True(State(goodCheck) == "STABLE", Describe(goodCheck));
        Assert.Equal("absolute", goodCheck.GetProperty("verdict").GetProperty("applications")[0].GetProperty("basis").GetString());
        Assert.True(goodCheck.GetProperty("dueAt").GetDateTimeOffset() <= plan.Start + TimeSpan.FromMinutes(30));
    }

    // The +10m check once it has run (on the simulated clock, nudged while waiting), as GET /api/deployments/{id} shows it.
    private static async Task<JsonElement> FirstCheckAsync(ArgusTestServer server, FakeTimeProvider time, string id)
    {
        var deployment = await ArgusTestServer.EventuallyAsync(
            async () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return await server.GetJsonAsync($"api/deployments/{id}");
            },
            d => FirstCheck(d)?.GetProperty("status").GetString() is "done" or "failed",
            $"the +10m check of {id}",
            60_000);
        var check = FirstCheck(deployment)!.Value;
        Assert.True(check.GetProperty("status").GetString() == "done", check.ToString());
        return check;
    }

    private static JsonElement? FirstCheck(JsonElement deployment) =>
        deployment.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("offset").GetString() == "+10m").Select(c => (JsonElement?)c).FirstOrDefault();

    private static string? State(JsonElement check) => check.GetProperty("verdict").GetProperty("state").GetString();

    private static JsonElement Metric(JsonElement check, string app, string metric) =>
        check.GetProperty("verdict").GetProperty("judgement").GetProperty("applications").EnumerateArray()
            .Single(a => a.GetProperty("name").GetString() == app)
            .GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == metric);

    private static string Describe(JsonElement check) => string.Join("; ",
        check.GetProperty("verdict").GetProperty("judgement").GetProperty("applications").EnumerateArray()
            .SelectMany(a => a.GetProperty("metrics").EnumerateArray())
            .Select(m => $"{m.GetProperty("metric").GetString()} {m.GetProperty("state").GetString()}: {m.GetProperty("reason").GetString()}"));

    private static async Task<long> ServerSpansAsync(ArgusTestServer server, string service)
    {
        var from = Start.AddHours(-1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var to = Start.AddHours(2).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return (await server.GetJsonAsync($"api/services?from={from}&to={to}")).GetProperty("services").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == service).Select(s => s.GetProperty("serverSpanCount").GetInt64()).FirstOrDefault();
    }

    // A tight poll with a deadline: the workload's tick follows the clock's advance within milliseconds.
    private static async Task<T> UntilAsync<T>(Func<T?> probe, string what) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}");
            }

            await Task.Delay(1);
        }
    }
}
