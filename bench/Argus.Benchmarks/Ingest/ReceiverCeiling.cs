using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Claims;
using Argus.Core.Telemetry;
using Argus.Core.Tenancy;
using Argus.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.Benchmarks.Ingest;

/// <summary>
/// The receive-and-decode ceiling over HTTP: Argus's own OTLP/HTTP receiver on Kestrel, with a sink that only counts.
/// Same payloads, same connections as the end-to-end run, nothing stored: what is left is HTTP, decoding and mapping.
/// </summary>
internal static class ReceiverCeiling
{
    private sealed class CountingSink : ITelemetrySink
    {
        private long _records;

        public long Records => Interlocked.Read(ref _records);

        public int RetryAfterSeconds => 1;

        public Task<IngestOutcome> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _records, batch.Count);
            return Task.FromResult(IngestOutcome.Accepted);
        }
    }

    public static async Task<double> MeasureAsync(List<byte[]> payloads, int connections)
    {
        var sink = new CountingSink();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.AddSingleton<ITelemetrySink>(sink);
        builder.Services.AddArgusOtlp(o => o.MaxRecordsPerRequest = 1_000_000);
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ArgusClaimTypes.TenantId, "bench")], "bench"));
            return next(context);
        });
        app.MapOtlpHttp();
        await app.StartAsync();
        var url = app.Urls.First();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < payloads.Count)
            {
                using var content = new ByteArrayContent(payloads[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                using var response = await http.PostAsync("v1/traces", content);
                response.EnsureSuccessStatusCode();
            }
        }));
        var rate = sink.Records / stopwatch.Elapsed.TotalSeconds;
        await app.StopAsync();
        return rate;
    }
}
