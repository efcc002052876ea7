using System.Globalization;
using Argus.Core.Telemetry;

namespace Argus.Web.Model;

/// <summary>An event of a span as the detail panel lists it: exceptions with their type, message and stack trace apart.</summary>
internal sealed record SpanEventView(
    string Name,
    double OffsetMs,
    string? ExceptionType,
    string? ExceptionMessage,
    string? StackTrace,
    IReadOnlyList<TelemetryAttribute> Attributes)
{
    public bool IsException => Name == "exception" || ExceptionType is not null;
}

/// <summary>What the span detail panel shows of one span: its facts, SQL, external call, attributes and events.</summary>
internal sealed record SpanDetails(
    SpanRecord Span,
    double StartOffsetMs,
    double DurationMs,
    string? SqlStatement,
    string? Fingerprint,
    string? CallTarget,
    string? ServerAddress,
    IReadOnlyList<TelemetryAttribute> Attributes,
    IReadOnlyList<TelemetryAttribute> ResourceAttributes,
    IReadOnlyList<SpanEventView> Events)
{
    // Keys shown by the panel's own rows; the attribute list still has them (the panel lists every attribute).
    private static readonly string[] UrlKeys = ["url.full", "http.url"];
    private static readonly string[] StatementKeys = ["db.query.text", "db.statement"];

    /// <summary>The issue id as its page's URL has it; null when the span's exception is not grouped into an issue.</summary>
    public string? IssueId => Span.IssueId == 0 ? null : Span.IssueId.ToString("x16", CultureInfo.InvariantCulture);

    public static SpanDetails Of(SpanRecord span, long traceStartUnixNano)
    {
        ArgumentNullException.ThrowIfNull(span);
        var attributes = span.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        var statement = span.DbStatement ?? Find(attributes, StatementKeys);
        var url = Find(attributes, UrlKeys) ?? span.Url;
        string? target = null;
        if (url is not null || span.HttpMethod is not null)
        {
            target = string.Join(" ", new[] { span.HttpMethod, url ?? span.HttpRoute }.Where(p => p is not null));
            if (span.HttpStatusCode is { } code)
            {
                target += $" → {code}";
            }
        }

        var address = span.ServerAddress is null ? null
            : span.ServerPort is { } port ? $"{span.ServerAddress}:{port.ToString(CultureInfo.InvariantCulture)}" : span.ServerAddress;
        var events = span.Events.Select(e =>
        {
            var type = Find(e.Attributes, ["exception.type"]);
            var message = Find(e.Attributes, ["exception.message"]);
            var stack = Find(e.Attributes, ["exception.stacktrace"]);
            var rest = e.Attributes.Where(a => a.Key is not ("exception.type" or "exception.message" or "exception.stacktrace")).ToList();
            var offset = e.TimeUnixNano == 0 ? 0 : (e.TimeUnixNano - traceStartUnixNano) / 1e6;
            return new SpanEventView(e.Name, offset, type, message, stack, rest);
        }).ToList();

        return new SpanDetails(
            span,
            (span.StartTimeUnixNano - traceStartUnixNano) / 1e6,
            span.DurationNano / 1e6,
            statement,
            span.DbFingerprint == 0 ? null : span.DbFingerprint.ToString("x16", CultureInfo.InvariantCulture),
            target,
            address,
            attributes,
            [.. span.ResourceAttributes.OrderBy(a => a.Key, StringComparer.Ordinal)],
            events);
    }

    private static string? Find(IReadOnlyList<TelemetryAttribute> attributes, string[] keys)
    {
        foreach (var key in keys)
        {
            foreach (var a in attributes)
            {
                if (a.Key == key)
                {
                    return a.Value;
                }
            }
        }

        return null;
    }
}
