using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Argus.IntegrationTests.Infrastructure;
using Argus.IntegrationTests.Notifications;
using static Argus.IntegrationTests.ChangeTracking.ChangeTrackingRig;

namespace Argus.IntegrationTests.ChangeTracking;

/// <summary>The follow-up of a check (series against both baselines, the endpoints that moved, the SVG chart) through the real server.</summary>
public sealed class ChangeFollowUpTests
{
    [Fact]
    public async Task A_regression_check_follows_up_each_worse_metric_with_three_aligned_series_the_moved_endpoint_first_and_an_svg_chart()
    {
        await using var rig = await ChangeTrackingRig.StartAsync();
        await using var hook = await LocalHttpReceiver.StartAsync();
        using (var channelClient = rig.Server.ApiClient())
        using (var channel = await channelClient.PostAsJsonAsync("api/channels", new { name = "hook", type = "webhook", url = new Uri(hook.Url, "argus").ToString() }))
        {
            Assert.True(channel.IsSuccessStatusCode, await channel.Content.ReadAsStringAsync());
        }

        // Two endpoints; only /api/orders changes after the deployment (errors double, latency rises), /api/health does not.
        var seed = 10;
        foreach (var days in new[] { -7, -1 })
        {
            await rig.SendWindowAsync("follow-api", T0.AddDays(days), 600, 100, 0.05, seed++);
            await rig.SendWindowAsync("follow-api", T0.AddDays(days), 300, 100, 0.05, seed++, "/api/health");
        }

        await rig.SendWindowAsync("follow-api", T0, 600, 160, 0.10, seed++);
        await rig.SendWindowAsync("follow-api", T0, 300, 100, 0.05, seed, "/api/health");
        await rig.WaitForSpansAsync("follow-api", 2700);

        var created = await rig.CreateDeploymentAsync(new { applications = new[] { "follow-api" }, version = "3.1.0", startedAt = Iso(T0), checks = new[] { "+10m" } });
        var id = created.GetProperty("deployment").GetProperty("id").GetString()!;
        await rig.AdvanceAndWaitForCheckAsync(id, "+10m", T0.AddMinutes(10));

        var check = await rig.Server.GetJsonAsync($"api/deployments/{id}/checks/%2B10m");
        var verdict = check.GetProperty("verdict");
        Assert.Equal("UNSTABLE", verdict.GetProperty("state").GetString());
        var followUps = verdict.GetProperty("followUps").EnumerateArray().ToList();
        var worse = verdict.GetProperty("judgement").GetProperty("applications")[0].GetProperty("metrics").EnumerateArray()
            .Where(m => m.GetProperty("state").GetString() == "WORSE").Select(m => m.GetProperty("metric").GetString()!).ToList();
        Assert.Equal(worse, followUps.Select(f => f.GetProperty("metric").GetString()!).ToList());

        var errors = followUps.Single(f => f.GetProperty("metric").GetString() == "errors");
        var series = errors.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["window", "dayBefore", "weekBefore"], series.Select(s => s.GetProperty("name").GetString()!).ToArray());
        var lengths = series.Select(s => s.GetProperty("values").GetArrayLength()).Distinct().ToList();
        Assert.InRange(Assert.Single(lengths), 12, 30);

        // The series carry the data: the window's error ratio (75 of 900) against the baselines' (45 of 900), step by step.
        static double Mean(JsonElement s) => s.GetProperty("values").EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Average(v => v.GetDouble());
        Assert.InRange(Mean(series[0]), 0.07, 0.095);
        Assert.InRange(Mean(series[1]), 0.04, 0.06);
        Assert.InRange(Mean(series[2]), 0.04, 0.06);
        Assert.Equal(T0.AddDays(-1), series[1].GetProperty("from").GetDateTimeOffset());

        var movers = errors.GetProperty("movers").EnumerateArray().ToList();
        Assert.Equal("endpoint", errors.GetProperty("moverKind").GetString());
        Assert.Equal("GET /api/orders", movers[0].GetProperty("name").GetString());
        Assert.Equal(0.10, movers[0].GetProperty("value").GetDouble(), 3);
        Assert.Equal(0.05, movers[0].GetProperty("baseline").GetDouble(), 3);
        var latency = followUps.Single(f => f.GetProperty("metric").GetString() == "latency");
        Assert.Equal("GET /api/orders", latency.GetProperty("movers")[0].GetProperty("name").GetString());

        // The chart, served as SVG: well-formed XML with one polyline per series.
        var chart = errors.GetProperty("chart").GetString()!;
        Assert.StartsWith($"/api/deployments/{id}/checks/%2B10m/charts/errors.svg", chart, StringComparison.Ordinal);
        using var client = rig.Server.ApiClient();
        using var response = await client.GetAsync(chart.TrimStart('/'));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(body);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var polylines = svg.Descendants(ns + "polyline").ToList();
        Assert.Equal(3, polylines.Count);
        Assert.All(polylines, p => Assert.Equal(lengths[0], p.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value.Contains("follow-api", StringComparison.Ordinal));

        // The report sent to channels links the charts.
        var delivered = await ArgusTestServer.EventuallyAsync(() => Task.FromResult(hook.Requests.ToArray()), r => r.Length > 0, "the check report at the webhook");
        var payload = JsonDocument.Parse(delivered[0].Body).RootElement;
        Assert.Contains(chart, payload.ToString(), StringComparison.Ordinal);

        // A metric that is not worse has no follow-up, and a chart that is not SVG is bad input.
        using var missing = await client.GetAsync($"api/deployments/{id}/checks/%2B10m/charts/throughput.svg");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var bad = await client.GetAsync($"api/deployments/{id}/checks/%2B10m/charts/errors.png");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }
}
