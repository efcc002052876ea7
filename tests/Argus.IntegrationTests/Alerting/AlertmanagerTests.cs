using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Alerting;

/// <summary>
/// The real Prometheus Alertmanager (Debian package <c>prometheus-alertmanager</c>), started with a generated
/// configuration whose webhook receiver is Argus, posts an alert; Argus matches it to a service by its labels and
/// writes a report from the telemetry it holds.
/// </summary>
public sealed class AlertmanagerTests(AlertingFixture fixture) : IClassFixture<AlertingFixture>
{
    private const string AlertmanagerPath = "/usr/bin/prometheus-alertmanager";

    [Fact]
    public async Task An_alert_from_the_real_alertmanager_yields_a_report_from_the_service_telemetry()
    {
        Assert.True(File.Exists(AlertmanagerPath),
            $"{AlertmanagerPath} is missing: install it with `apt-get install -y prometheus-alertmanager` (.ci/run does).");

        // Telemetry of the service the alert names: failing payments with an exception.
        const string Service = "checkout-am";
        foreach (var body in IncidentScenario.All["error_rate"].Traces(Service, "checkout-pod-1"))
        {
            await fixture.SendTracesAsync(body);
        }

        await ArgusTestServer.EventuallyAsync(
            async () => (await fixture.Server.GetJsonAsync("api/services")).GetRawText(), s => s.Contains(Service, StringComparison.Ordinal), "the spans to be stored");

        var folder = Path.Combine(Path.GetTempPath(), "argus-tests", "am-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var webhook = new Uri(fixture.Server.ApiUrl, "api/integrations/alertmanager");
        await File.WriteAllTextAsync(Path.Combine(folder, "alertmanager.yml"), $"""
            route:
              receiver: argus
              group_by: ['alertname', 'service']
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: argus
                webhook_configs:
                  - url: {webhook}
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: {ArgusTestServer.AdminKey}
            """);
        using var process = Process.Start(new ProcessStartInfo(AlertmanagerPath)
        {
            ArgumentList =
            {
                $"--config.file={Path.Combine(folder, "alertmanager.yml")}",
                $"--storage.path={Path.Combine(folder, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await ArgusTestServer.EventuallyAsync(
                async () =>
                {
                    try
                    {
                        using var ready = await http.GetAsync("-/ready");
                        return ready.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                ok => ok, "Alertmanager to be ready");

            var alert = $$"""
                [{"labels":{"alertname":"HighErrorRate","service":"{{Service}}","severity":"critical","env":"production"},
                  "annotations":{"summary":"Error rate of checkout above 5%"},
                  "startsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-2):O}}"}]
                """;
            using var posted = await http.PostAsync("api/v2/alerts", new StringContent(alert, Encoding.UTF8, "application/json"));
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

            var incidents = await ArgusTestServer.EventuallyAsync(
                async () => (await fixture.Server.GetJsonAsync($"api/incidents?service={Service}")).GetProperty("incidents").EnumerateArray().ToArray(),
                list => list.Length >= 1, $"a report of the Alertmanager alert (Alertmanager said: {stderr})", timeoutMs: 30_000);
            var incident = await fixture.Server.GetJsonAsync($"api/incidents/{incidents[0].GetProperty("id").GetString()}");
            Assert.Equal("HighErrorRate", incident.GetProperty("ruleName").GetString());
            Assert.Equal("external", incident.GetProperty("kind").GetString());
            Assert.Contains("Error rate of checkout above 5%", incident.GetProperty("alertText").GetString()!, StringComparison.Ordinal);
            Assert.Contains("HttpRequestException", incident.GetProperty("findings").GetRawText(), StringComparison.Ordinal);
            Assert.Contains("[Action plan]", incident.GetProperty("reportText").GetString()!, StringComparison.Ordinal);

            var alerts = (await fixture.Server.GetJsonAsync($"api/alerts?service={Service}")).GetProperty("alerts");
            var stored = Assert.Single(alerts.EnumerateArray());
            Assert.Equal("alertmanager", stored.GetProperty("source").GetString());
            Assert.Equal("critical", stored.GetProperty("labels").GetProperty("severity").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            ArgusTestServer.TryDelete(folder);
        }
    }

    [Fact]
    public async Task Bad_alertmanager_payloads_get_400_listing_every_problem()
    {
        using var client = fixture.Server.ApiClient();
        using var response = await client.PostAsync("api/integrations/alertmanager", new StringContent(
            """{"version":"4","alerts":[{"status":"firing","labels":{}},{"status":"weird","labels":{"alertname":"X"}}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("alerts[0].labels", out _));
        Assert.True(errors.TryGetProperty("alerts[1].status", out _));

        using var garbage = await client.PostAsync("api/integrations/alertmanager", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)garbage.StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
