using System.Net;
using Argus.Core.Telemetry;
using Argus.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests;

public sealed class BackPressureAndListenerTests
{
    /// <summary>
    /// Holds every write until released, in front of the real store: the stand-in for a disk that has fallen behind.
    /// </summary>
    private sealed class GatedWriter(ITelemetryWriter inner) : ITelemetryWriter
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task WriteAsync(IReadOnlyList<TelemetryBatch> batches, CancellationToken cancellationToken)
        {
            await Gate.Task;
            await inner.WriteAsync(batches, cancellationToken);
        }
    }

    [Fact]
    public async Task A_full_queue_answers_retry_later_and_nothing_accepted_is_lost()
    {
        GatedWriter? gated = null;
        await using var server = await ArgusTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Argus:Ingest:QueueCapacityRecords"] = "250", ["Argus:Ingest:RetryAfterSeconds"] = "3" },
            configure: builder =>
            {
                // Decorate the real writer registration: last registration wins for ITelemetryWriter.
                builder.Services.AddSingleton<ITelemetryWriter>(sp =>
                    gated = new GatedWriter(sp.GetRequiredService<Argus.Storage.DuckDb.DuckDbTelemetryStore>()));
            });

        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var accepted = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var spans = Enumerable.Range(0, 100).Select(_ => OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /bp", 2, now, 1));
            var response = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("bp", spans));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted++;
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, refused.StatusCode.ToString());
            Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        }

        Assert.InRange(accepted, 2, 3);
        gated!.Gate.SetResult();
        var services = await ArgusTestServer.EventuallyAsync(
            () => server.GetJsonAsync("api/services"),
            s => s.GetProperty("services").GetArrayLength() == 1 && s.GetProperty("services")[0].GetProperty("spanCount").GetInt64() == accepted * 100,
            "every accepted span");
        Assert.Equal(accepted * 100, services.GetProperty("services")[0].GetProperty("spanCount").GetInt64());

        // Once drained, the same request is accepted again.
        using var again = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("bp", [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /bp", 2, now, 1)]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Routes_answer_only_on_their_own_listener()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var otlp = server.OtlpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await otlp.GetAsync("api/services")).StatusCode);
        using var api = server.ApiClient();
        using var onApi = await api.PostAsync("v1/traces", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
    }

    [Fact]
    public async Task Invalid_configuration_fails_start_with_every_problem_listed()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ArgusTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Argus:BootstrapApiKey"] = "short",
            ["Argus:Retention:MaxAge"] = "-1.00:00:00",
            ["Argus:Ingest:QueueCapacityRecords"] = "0",
        }));
        var options = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(ex);
        Assert.Contains(options.Failures, f => f.Contains("Argus:BootstrapApiKey", StringComparison.Ordinal));
        Assert.Contains(options.Failures, f => f.Contains("Argus:Retention:MaxAge", StringComparison.Ordinal));
        Assert.Contains(options.Failures, f => f.Contains("Argus:Ingest:QueueCapacityRecords", StringComparison.Ordinal));
    }
}
