using Argus.Analysis.Logs;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Server.Issues;

/// <summary>
/// Sits in front of the ingest queue and gives every log record and every span with an exception its issue:
/// the exception's fingerprint (type and in-app frames) when there is one, else the template of the log body.
/// Runs on the receivers' threads, so the mining is spread over every core rather than added to the writers.
/// </summary>
internal sealed class IssueTaggingSink(ITelemetrySink inner, IssueRegistry registry) : ITelemetrySink
{
    public const string KindException = "exception";
    public const string KindLog = "log";

    /// <summary>OTLP's ERROR severity: what an exception on a span counts as.</summary>
    private const int ErrorSeverity = 17;

    public int RetryAfterSeconds => inner.RetryAfterSeconds;

    public IngestOutcome TryAccept(TelemetryBatch batch)
    {
        var logs = batch.Logs.Count == 0 ? batch.Logs : TagLogs(batch.Logs);
        var spans = TagSpans(batch.Spans);
        return inner.TryAccept(ReferenceEquals(logs, batch.Logs) && ReferenceEquals(spans, batch.Spans) ? batch : batch with { Logs = logs, Spans = spans });
    }

    private LogRecord[] TagLogs(IReadOnlyList<LogRecord> logs)
    {
        var tagged = new LogRecord[logs.Count];
        for (var i = 0; i < logs.Count; i++)
        {
            var log = logs[i];
            var time = TimeRange.FromUnixNanoToTime(log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano);
            ulong id;
            if (log.ExceptionType is not null || log.ExceptionStacktrace is not null)
            {
                var fingerprint = ExceptionFingerprinter.Compute(log.ExceptionType, log.ExceptionMessage ?? log.Body, log.ExceptionStacktrace);
                id = fingerprint.Fingerprint;
                registry.Observe(log.TenantId, id, KindException, fingerprint.Title, fingerprint.ExceptionType, log.SeverityNumber, time, log.Body);
            }
            else
            {
                var match = registry.MineTemplate(log.TenantId, log.Body);
                id = match.TemplateId;
                registry.Observe(log.TenantId, id, KindLog, match.Template, null, log.SeverityNumber, time, log.Body);
            }

            tagged[i] = log with { IssueId = id };
        }

        return tagged;
    }

    private IReadOnlyList<SpanRecord> TagSpans(IReadOnlyList<SpanRecord> spans)
    {
        SpanRecord[]? tagged = null;
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            if (span.ExceptionType is null)
            {
                continue;
            }

            string? stack = null;
            string? message = span.ExceptionMessage;
            foreach (var e in span.Events)
            {
                if (e.Name == "exception")
                {
                    foreach (var a in e.Attributes)
                    {
                        if (a.Key == "exception.stacktrace")
                        {
                            stack = a.Value;
                        }
                    }

                    break;
                }
            }

            var fingerprint = ExceptionFingerprinter.Compute(span.ExceptionType, message, stack);
            registry.Observe(span.TenantId, fingerprint.Fingerprint, KindException, fingerprint.Title, fingerprint.ExceptionType,
                ErrorSeverity, TimeRange.FromUnixNanoToTime(span.StartTimeUnixNano), $"{span.ExceptionType}: {message}");
            tagged ??= [.. spans];
            tagged[i] = span with { IssueId = fingerprint.Fingerprint };
        }

        return tagged ?? spans;
    }
}
