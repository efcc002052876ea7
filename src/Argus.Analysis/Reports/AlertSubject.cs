using System.Globalization;
using System.Text;

namespace Argus.Analysis.Reports;

/// <summary>The alert kinds that <see cref="IncidentReportWriter"/> matches to findings.</summary>
public static class AlertKinds
{
    /// <summary>A slow SQL statement.</summary>
    public const string SlowSql = "slow_sql";
    /// <summary>Waiting for database connections.</summary>
    public const string DbConnectionWait = "db_connection_wait";
    /// <summary>A slow external call.</summary>
    public const string ExternalDelay = "external_delay";
    /// <summary>Exceptions.</summary>
    public const string Exception = "exception";
    /// <summary>Too many SQL statements per transaction.</summary>
    public const string ExcessiveSql = "excessive_sql";
    /// <summary>Too many rows fetched.</summary>
    public const string ExcessiveRows = "excessive_rows";
    /// <summary>Error rate over a threshold.</summary>
    public const string ErrorRate = "error_rate";
    /// <summary>Response time over a threshold.</summary>
    public const string Latency = "latency";
    /// <summary>Log records matching a filter over a threshold.</summary>
    public const string LogCount = "log_count";
}

/// <summary>How often one instance (host, pod) met the alert's condition.</summary>
/// <param name="Name">Instance name, e.g. the pod.</param>
/// <param name="Count">Occurrences on that instance.</param>
public sealed record AlertInstanceCount(string Name, int Count);

/// <summary>The alert an incident report is about.</summary>
/// <param name="RuleName">Rule name, e.g. <c>SlowSQL</c>.</param>
/// <param name="Kind">Rule kind, one of <see cref="AlertKinds"/> (others are allowed and match no finding).</param>
/// <param name="Service">Service the alert is about.</param>
/// <param name="Environment">Deployment environment (phase), e.g. <c>production</c>.</param>
/// <param name="Condition">The condition in words, e.g. <c>SQL Response time &gt;= 8000 ms</c>.</param>
/// <param name="WindowStart">Start of the evaluation window, in the time zone it should be shown in.</param>
/// <param name="WindowEnd">End of the evaluation window.</param>
/// <param name="Occurrences">How often the condition was met in the window.</param>
/// <param name="Instances">Occurrences per instance.</param>
public sealed record AlertSubject(
    string RuleName,
    string Kind,
    string Service,
    string Environment,
    string Condition,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int Occurrences,
    IReadOnlyList<AlertInstanceCount> Instances)
{
    /// <summary>Project (tenant) name, shown as <c>SERVICE(PROJECT)</c>; null to show the service alone.</summary>
    public string? Project { get; init; }

    /// <summary>The worst occurrence's value (milliseconds for duration kinds, statements or rows for count kinds); null when unknown.</summary>
    public double? WorstValue { get; init; }
}

/// <summary>The classic alert header, as operators know it from APM tools.</summary>
public static class AlertText
{
    /// <summary>
    /// Renders the header, lines separated by <c>\n</c>:
    /// <code>
    /// [ARGUS-APM]
    /// Phase: PRODUCTION
    /// TEST-API(TEST-PROJECT)
    /// Rule Name: SlowSQL
    /// [SQL Response time &gt;= 8000 ms] occurred 1 times.
    /// [2025-06-17 14:03 ~ 2025-06-17 14:13]
    /// [prod-test-api-pod-6945c568-2ghw8: 1 times]
    /// </code>
    /// The phase is upper-cased; names are shown as given; times in the offset of the window; one line per instance
    /// (none when there are no instances).
    /// </summary>
    public static string Render(AlertSubject subject, string product = "ARGUS-APM")
    {
        ArgumentNullException.ThrowIfNull(subject);
        var text = new StringBuilder();
        text.Append('[').Append(product).Append("]\n");
        text.Append("Phase: ").Append(subject.Environment.ToUpperInvariant()).Append('\n');
        text.Append(subject.Service);
        if (!string.IsNullOrEmpty(subject.Project))
        {
            text.Append('(').Append(subject.Project).Append(')');
        }

        text.Append('\n');
        text.Append("Rule Name: ").Append(subject.RuleName).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"[{subject.Condition}] occurred {subject.Occurrences} times.\n");
        text.Append(CultureInfo.InvariantCulture, $"[{subject.WindowStart:yyyy-MM-dd HH:mm} ~ {subject.WindowEnd:yyyy-MM-dd HH:mm}]");
        foreach (var instance in subject.Instances)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[{instance.Name}: {instance.Count} times]");
        }

        return text.ToString();
    }
}
