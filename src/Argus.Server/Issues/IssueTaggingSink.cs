using Argus.Analysis.Logs;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Server.Issues;

/// <summary>
/// Sits in front of the ingest queue and gives every log record and every span with an exception its issue:
/// the exception's fingerprint (type and in-app frames) when there is one, else the template of the log body.
/// Runs on the receivers' threads, so the mining is spread over every core rather than added to the writers.
/// New and renamed issues are written to the <see cref="IssueJournal"/> before the batch is handed on, so an
/// acknowledged record's issue title survives a crash like the record does.
/// </summary>
internal sealed class IssueTaggingSink(ITelemetrySink inner, IssueRegistry registry, IssueJournal journal) : ITelemetrySink
{
    public const string KindException = "exception";
    public const string KindLog = "log";

    /// <summary>OTLP's ERROR severity: what an exception on a span counts as.</summary>
    private const int ErrorSeverity = 17;

    public int RetryAfterSeconds => inner.RetryAfterSeconds;

    public async Task<IngestOutcome> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        var logs = batch.Logs.Count == 0 ? batch.Logs : TagLogs(batch.Logs);
        var spans = TagSpans(batch.Spans);

        // Not only this batch's own changes: a concurrent request may have created the template this batch joined and
        // not be flushed yet. Once everything is flushed (the usual case) this completes at once.
        try
        {
            await journal.FlushAsync(journal.MarkedSequence, cancellationToken);
        }
        catch (IOException)
        {
            // Logged by the journal; the marks stay for the next flush, the data is not queued, the exporter retries.
            return IngestOutcome.WriteFailed;
        }

        return await inner.AcceptAsync(ReferenceEquals(logs, batch.Logs) && ReferenceEquals(spans, batch.Spans) ? batch : batch with { Logs = logs, Spans = spans }, cancellationToken);
    }

    private void Observe(string tenantId, ulong id, string kind, string title, string? exceptionType, int severity, DateTimeOffset time, string sample, bool templateChanged = false)
    {
        if (registry.Observe(tenantId, id, kind, title, exceptionType, severity, time, sample) || templateChanged)
        {
            journal.Mark(tenantId, id);
        }
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
                Observe(log.TenantId, id, KindException, fingerprint.Title, fingerprint.ExceptionType, log.SeverityNumber, time, log.Body);
            }
            else
            {
                var match = registry.MineTemplate(log.TenantId, log.Body);
                id = match.TemplateId;
                Observe(log.TenantId, id, KindLog, match.Template, null, log.SeverityNumber, time, log.Body, match.Change != LogTemplateChange.None);
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
            Observe(span.TenantId, fingerprint.Fingerprint, KindException, fingerprint.Title, fingerprint.ExceptionType,
                ErrorSeverity, TimeRange.FromUnixNanoToTime(span.StartTimeUnixNano), $"{span.ExceptionType}: {message}");
            tagged ??= [.. spans];
            tagged[i] = span with { IssueId = fingerprint.Fingerprint };
        }

        return tagged ?? spans;
    }
}
