using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Argus.Core.Telemetry;
using Argus.Core.Tenancy;
using Argus.Otlp.Proto.Common;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.Otlp.Tests;

/// <summary>A sink that records what it accepts and answers what the test tells it to.</summary>
internal sealed class FakeSink : ITelemetrySink
{
    public ConcurrentQueue<TelemetryBatch> Batches { get; } = new();

    public IngestOutcome Outcome { get; set; } = IngestOutcome.Accepted;

    public int RetryAfterSeconds { get; set; } = 7;

    public Task<IngestOutcome> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (Outcome == IngestOutcome.Accepted)
        {
            Batches.Enqueue(batch);
        }

        return Task.FromResult(Outcome);
    }
}

/// <summary>A real Kestrel server on 127.0.0.1:0 with the OTLP endpoints, a fake sink and a header-based test authentication.</summary>
internal sealed class OtlpTestServer : IAsyncDisposable
{
    /// <summary>The header the test authentication turns into the tenant claim; without it the caller is anonymous.</summary>
    public const string TenantHeader = "x-test-tenant";

    private readonly WebApplication _app;

    private OtlpTestServer(WebApplication app, FakeSink sink, Uri address)
    {
        _app = app;
        Sink = sink;
        Address = address;
    }

    public FakeSink Sink { get; }

    public Uri Address { get; }

    public static async Task<OtlpTestServer> StartAsync(HttpProtocols protocols, Action<OtlpOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        builder.Logging.ClearProviders();
        var sink = new FakeSink();
        builder.Services.AddSingleton<ITelemetrySink>(sink);
        builder.Services.AddArgusOtlp(configure);
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue(TenantHeader, out var tenant))
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ArgusClaimTypes.TenantId, tenant.ToString())], "test"));
            }

            return next(context);
        });
        app.MapOtlpHttp();
        app.MapOtlpGrpc();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OtlpTestServer(app, sink, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Builders for OTLP protobuf messages.</summary>
internal static class Otlp
{
    public static readonly byte[] TraceIdBytes = Convert.FromHexString("5B8EFFF798038103D269B633813FC60C");
    public static readonly byte[] SpanIdBytes = Convert.FromHexString("EEE19B7EC3C1B174");

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static Proto.Trace.Span Span(string name = "span", params KeyValue[] attributes)
    {
        var span = new Proto.Trace.Span
        {
            TraceId = ByteString.CopyFrom(TraceIdBytes),
            SpanId = ByteString.CopyFrom(SpanIdBytes),
            Name = name,
            Kind = Proto.Trace.Span.Types.SpanKind.Client,
            StartTimeUnixNano = 1_000,
            EndTimeUnixNano = 3_500,
        };
        span.Attributes.Add(attributes);
        return span;
    }

    public static Proto.Collector.Trace.ExportTraceServiceRequest Traces(params Proto.Trace.Span[] spans)
    {
        var scope = new Proto.Trace.ScopeSpans { Scope = new InstrumentationScope { Name = "test.scope" } };
        scope.Spans.Add(spans);
        var resource = new Proto.Trace.ResourceSpans { Resource = Resource(Attr("service.name", "checkout")) };
        resource.ScopeSpans.Add(scope);
        var request = new Proto.Collector.Trace.ExportTraceServiceRequest();
        request.ResourceSpans.Add(resource);
        return request;
    }

    public static Proto.Resource.Resource Resource(params KeyValue[] attributes)
    {
        var resource = new Proto.Resource.Resource();
        resource.Attributes.Add(attributes);
        return resource;
    }

    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}
