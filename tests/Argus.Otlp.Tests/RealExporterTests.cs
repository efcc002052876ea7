using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Argus.Otlp.Tests;

/// <summary>The real OpenTelemetry .NET exporter talking to the receiver, over gRPC and over HTTP/protobuf.</summary>
public sealed class RealExporterTests
{
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task OpenTelemetry_exporter_delivers_spans(OtlpExportProtocol protocol)
    {
        await using var server = await OtlpTestServer.StartAsync(protocol == OtlpExportProtocol.Grpc ? HttpProtocols.Http2 : HttpProtocols.Http1);
        var sourceName = "argus.test." + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(sourceName);
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc ? server.Address : new Uri(server.Address, "/v1/traces");
                o.Headers = OtlpTestServer.TenantHeader + "=otel-tenant";
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (var activity = source.StartActivity("GET /things", ActivityKind.Server))
            {
                activity?.SetTag("http.request.method", "GET");
                activity?.SetTag("http.route", "/things");
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        var span = Assert.Single(Assert.Single(server.Sink.Batches).Spans);
        Assert.Equal("otel-tenant", span.TenantId);
        Assert.Equal("GET /things", span.Name);
        Assert.Equal(Core.Telemetry.SpanKind.Server, span.Kind);
        Assert.Equal("/things", span.HttpRoute);
        Assert.False(span.TraceId.IsEmpty);
    }
}
