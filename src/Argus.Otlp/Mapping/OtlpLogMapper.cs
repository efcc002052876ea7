using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Collector.Logs;
using ProtoLogRecord = Argus.Otlp.Proto.Logs.LogRecord;

namespace Argus.Otlp.Mapping;

/// <summary>Maps an OTLP logs export request to Core log records, rejecting individual records that are invalid or over a limit.</summary>
internal static class OtlpLogMapper
{
    public static OtlpMapResult Map(ExportLogsServiceRequest request, string tenantId, OtlpOptions options)
    {
        var logs = new List<LogRecord>();
        var tally = new RejectionTally();
        var seen = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = MappedResource.Map(resourceLogs.Resource, options, out var resourceError);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scopeName = MappedResource.ScopeName(scopeLogs.Scope);
                foreach (var log in scopeLogs.LogRecords)
                {
                    if (++seen > options.MaxRecordsPerRequest)
                    {
                        tally.Reject(1, $"the request carries more than {options.MaxRecordsPerRequest} log records");
                    }
                    else if (resource is null)
                    {
                        tally.Reject(1, resourceError!);
                    }
                    else if (TryMapLog(log, tenantId, resource, scopeName, options, out var record, out var error))
                    {
                        logs.Add(record);
                    }
                    else
                    {
                        tally.Reject(1, error!);
                    }
                }
            }
        }

        return new OtlpMapResult(TelemetryBatch.OfLogs(logs), tally.Count, tally.Message("log records"));
    }

    internal static bool TryMapLog(
        ProtoLogRecord log,
        string tenantId,
        MappedResource resource,
        string? scopeName,
        OtlpOptions options,
        out LogRecord record,
        out string? error)
    {
        record = null!;

        // Logs need not belong to a trace, so empty ids are fine; a present id must have the right length.
        if (!TraceId.TryFromBytes(log.TraceId.Span, out var traceId))
        {
            error = $"log record has an invalid trace id ({log.TraceId.Length} bytes, 16 required)";
            return false;
        }

        if (!SpanId.TryFromBytes(log.SpanId.Span, out var spanId))
        {
            error = $"log record has an invalid span id ({log.SpanId.Length} bytes, 8 required)";
            return false;
        }

        if (!OtlpAttributes.TryMap(log.Attributes, options, out var attributes))
        {
            error = OtlpAttributes.TooMany("log record", log.Attributes.Count, options);
            return false;
        }

        string? exceptionType = null, exceptionMessage = null, exceptionStacktrace = null, legacyEventName = null;
        foreach (var a in attributes)
        {
            switch (a.Key)
            {
                case "exception.type": exceptionType = a.Value; break;
                case "exception.message": exceptionMessage = a.Value; break;
                case "exception.stacktrace": exceptionStacktrace = a.Value; break;
                // Before LogRecord.event_name (field 12) existed, events were logs with an event.name attribute.
                case "event.name": legacyEventName = a.Value; break;
            }
        }

        var time = (long)log.TimeUnixNano;
        var observed = (long)log.ObservedTimeUnixNano;
        record = new LogRecord
        {
            TenantId = tenantId,
            // The OTLP data model says to use the observed time when the event time is unknown.
            TimeUnixNano = time != 0 ? time : observed,
            ObservedTimeUnixNano = observed,
            SeverityNumber = (int)log.SeverityNumber is >= 0 and <= 24 ? (int)log.SeverityNumber : 0,
            SeverityText = MappedResource.NullIfEmpty(log.SeverityText),
            Body = OtlpAttributes.Render(log.Body),
            ServiceName = resource.ServiceName,
            ServiceInstanceId = resource.ServiceInstanceId,
            DeploymentEnvironment = resource.DeploymentEnvironment,
            ScopeName = scopeName,
            TraceId = traceId,
            SpanId = spanId,
            EventName = MappedResource.NullIfEmpty(log.EventName) ?? MappedResource.NullIfEmpty(legacyEventName),
            ExceptionType = MappedResource.NullIfEmpty(exceptionType),
            ExceptionMessage = MappedResource.NullIfEmpty(exceptionMessage),
            ExceptionStacktrace = MappedResource.NullIfEmpty(exceptionStacktrace),
            Attributes = attributes,
            ResourceAttributes = resource.Attributes,
        };
        error = null;
        return true;
    }
}
