using System.Globalization;
using Argus.Analysis.Sql;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Trace;
using ProtoSpan = Argus.Otlp.Proto.Trace.Span;

namespace Argus.Otlp.Mapping;

/// <summary>Maps an OTLP trace export request to Core spans, rejecting individual spans that are invalid or over a limit.</summary>
internal static class OtlpTraceMapper
{
    public static OtlpMapResult Map(ExportTraceServiceRequest request, string tenantId, OtlpOptions options)
    {
        var spans = new List<SpanRecord>();
        var tally = new RejectionTally();
        var seen = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = MappedResource.Map(resourceSpans.Resource, options, out var resourceError);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scopeName = MappedResource.ScopeName(scopeSpans.Scope);
                foreach (var span in scopeSpans.Spans)
                {
                    if (++seen > options.MaxRecordsPerRequest)
                    {
                        tally.Reject(1, $"the request carries more than {options.MaxRecordsPerRequest} spans");
                    }
                    else if (resource is null)
                    {
                        tally.Reject(1, resourceError!);
                    }
                    else if (TryMapSpan(span, tenantId, resource, scopeName, options, out var record, out var error))
                    {
                        spans.Add(record);
                    }
                    else
                    {
                        tally.Reject(1, error!);
                    }
                }
            }
        }

        return new OtlpMapResult(TelemetryBatch.OfSpans(spans), tally.Count, tally.Message("spans"));
    }

    internal static bool TryMapSpan(
        ProtoSpan span,
        string tenantId,
        MappedResource resource,
        string? scopeName,
        OtlpOptions options,
        out SpanRecord record,
        out string? error)
    {
        record = null!;
        if (!TraceId.TryFromBytes(span.TraceId.Span, out var traceId) || traceId.IsEmpty)
        {
            error = $"span '{span.Name}' has an invalid trace id ({span.TraceId.Length} bytes, 16 non-zero bytes required)";
            return false;
        }

        if (!SpanId.TryFromBytes(span.SpanId.Span, out var spanId) || spanId.IsEmpty)
        {
            error = $"span '{span.Name}' has an invalid span id ({span.SpanId.Length} bytes, 8 non-zero bytes required)";
            return false;
        }

        // An empty parent id is a root span; any other length than 8 is malformed.
        if (!SpanId.TryFromBytes(span.ParentSpanId.Span, out var parentId))
        {
            error = $"span '{span.Name}' has an invalid parent span id ({span.ParentSpanId.Length} bytes, 8 required)";
            return false;
        }

        if (span.Events.Count > options.MaxEventsPerSpan)
        {
            error = $"span '{span.Name}' has {span.Events.Count} events, more than the limit of {options.MaxEventsPerSpan}";
            return false;
        }

        if (!OtlpAttributes.TryMap(span.Attributes, options, out var attributes))
        {
            error = OtlpAttributes.TooMany($"span '{span.Name}'", span.Attributes.Count, options);
            return false;
        }

        var events = span.Events.Count == 0 ? [] : new SpanEvent[span.Events.Count];
        string? exceptionType = null, exceptionMessage = null;
        var exceptionEventSeen = false;
        for (var i = 0; i < span.Events.Count; i++)
        {
            var source = span.Events[i];
            if (!OtlpAttributes.TryMap(source.Attributes, options, out var eventAttributes))
            {
                error = OtlpAttributes.TooMany($"event '{source.Name}' of span '{span.Name}'", source.Attributes.Count, options);
                return false;
            }

            events[i] = new SpanEvent(source.Name, (long)source.TimeUnixNano, eventAttributes);
            if (!exceptionEventSeen && source.Name == "exception")
            {
                exceptionEventSeen = true;
                exceptionType = Find(eventAttributes, "exception.type");
                exceptionMessage = Find(eventAttributes, "exception.message");
            }
        }

        var promoted = Promote(attributes);
        if (!exceptionEventSeen)
        {
            exceptionType = promoted.ExceptionType;
            exceptionMessage = promoted.ExceptionMessage;
        }

        var start = (long)span.StartTimeUnixNano;
        var end = (long)span.EndTimeUnixNano;
        record = new SpanRecord
        {
            TenantId = tenantId,
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentId,
            ServiceName = resource.ServiceName,
            ServiceInstanceId = resource.ServiceInstanceId,
            DeploymentEnvironment = resource.DeploymentEnvironment,
            ScopeName = scopeName,
            Name = span.Name,
            Kind = span.Kind is >= ProtoSpan.Types.SpanKind.Unspecified and <= ProtoSpan.Types.SpanKind.Consumer ? (SpanKind)(int)span.Kind : SpanKind.Unspecified,
            StartTimeUnixNano = start,
            // A clock that ran backwards yields a zero duration rather than a negative one that would break percentiles.
            DurationNano = end > start ? end - start : 0,
            StatusCode = span.Status?.Code switch
            {
                Proto.Trace.Status.Types.StatusCode.Ok => SpanStatusCode.Ok,
                Proto.Trace.Status.Types.StatusCode.Error => SpanStatusCode.Error,
                _ => SpanStatusCode.Unset,
            },
            StatusMessage = MappedResource.NullIfEmpty(span.Status?.Message),
            DbSystem = promoted.DbSystem,
            DbStatement = promoted.DbStatement,
            DbOperation = promoted.DbOperation,
            DbName = promoted.DbName,
            DbFingerprint = promoted.DbStatement is null ? 0 : SqlNormalizer.Fingerprint(promoted.DbStatement),
            ServerAddress = promoted.ServerAddress,
            ServerPort = promoted.ServerPort,
            HttpMethod = promoted.HttpMethod,
            HttpRoute = promoted.HttpRoute,
            HttpStatusCode = promoted.HttpStatusCode,
            Url = promoted.Url,
            ExceptionType = MappedResource.NullIfEmpty(exceptionType),
            ExceptionMessage = MappedResource.NullIfEmpty(exceptionMessage),
            Attributes = attributes,
            ResourceAttributes = resource.Attributes,
            Events = events,
        };
        error = null;
        return true;
    }

    /// <summary>The semantic-convention attributes Argus queries, with older names folded into the current ones.</summary>
    internal readonly record struct PromotedAttributes(
        string? DbSystem,
        string? DbStatement,
        string? DbOperation,
        string? DbName,
        string? ServerAddress,
        int? ServerPort,
        string? HttpMethod,
        string? HttpRoute,
        int? HttpStatusCode,
        string? Url,
        string? ExceptionType,
        string? ExceptionMessage);

    internal static PromotedAttributes Promote(IReadOnlyList<TelemetryAttribute> attributes)
    {
        string? dbSystem = null, dbSystemOld = null, dbQuery = null, dbStatement = null, dbOperation = null, dbOperationOld = null;
        string? dbNamespace = null, dbName = null, serverAddress = null, netPeerName = null, peerService = null, serverPort = null;
        string? method = null, methodOld = null, route = null, status = null, statusOld = null;
        string? urlFull = null, urlPath = null, httpUrl = null, httpTarget = null, exceptionType = null, exceptionMessage = null;

        // One pass with a switch: spans carry tens of attributes, and this runs for every span ingested.
        foreach (var a in attributes)
        {
            switch (a.Key)
            {
                case "db.system.name": dbSystem = a.Value; break;
                case "db.system": dbSystemOld = a.Value; break;
                case "db.query.text": dbQuery = a.Value; break;
                case "db.statement": dbStatement = a.Value; break;
                case "db.operation.name": dbOperation = a.Value; break;
                case "db.operation": dbOperationOld = a.Value; break;
                case "db.namespace": dbNamespace = a.Value; break;
                case "db.name": dbName = a.Value; break;
                case "server.address": serverAddress = a.Value; break;
                case "net.peer.name": netPeerName = a.Value; break;
                case "peer.service": peerService = a.Value; break;
                case "server.port": serverPort = a.Value; break;
                case "http.request.method": method = a.Value; break;
                case "http.method": methodOld = a.Value; break;
                case "http.route": route = a.Value; break;
                case "http.response.status_code": status = a.Value; break;
                case "http.status_code": statusOld = a.Value; break;
                case "url.full": urlFull = a.Value; break;
                case "url.path": urlPath = a.Value; break;
                case "http.url": httpUrl = a.Value; break;
                case "http.target": httpTarget = a.Value; break;
                case "exception.type": exceptionType = a.Value; break;
                case "exception.message": exceptionMessage = a.Value; break;
            }
        }

        return new PromotedAttributes(
            First(dbSystem, dbSystemOld),
            First(dbQuery, dbStatement),
            First(dbOperation, dbOperationOld),
            First(dbNamespace, dbName),
            First(serverAddress, netPeerName, peerService),
            ParseInt(serverPort),
            First(method, methodOld),
            MappedResource.NullIfEmpty(route),
            ParseInt(status) ?? ParseInt(statusOld),
            First(urlFull, urlPath, httpUrl, httpTarget),
            MappedResource.NullIfEmpty(exceptionType),
            MappedResource.NullIfEmpty(exceptionMessage));
    }

    private static string? First(string? a, string? b, string? c = null, string? d = null) =>
        MappedResource.NullIfEmpty(a) ?? MappedResource.NullIfEmpty(b) ?? MappedResource.NullIfEmpty(c) ?? MappedResource.NullIfEmpty(d);

    // Integers arrive as int attributes (rendered invariantly) or, from some instrumentations, as strings.
    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Find(IReadOnlyList<TelemetryAttribute> attributes, string key)
    {
        foreach (var a in attributes)
        {
            if (a.Key == key)
            {
                return a.Value;
            }
        }

        return null;
    }
}
