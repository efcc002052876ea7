using System.Globalization;
using System.Text.Json.Serialization;

namespace Argus.Operations.Alerting;

/// <summary>What an alert rule watches. JSON and YAML use the snake_case names (<c>slow_sql</c>, ...).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertRuleKind>))]
public enum AlertRuleKind
{
    /// <summary>Database client spans at or over <see cref="AlertRule.ThresholdMs"/>.</summary>
    [JsonStringEnumMemberName("slow_sql")] SlowSql,

    /// <summary>Connection-pool acquisition spans at or over <see cref="AlertRule.ThresholdMs"/>.</summary>
    [JsonStringEnumMemberName("db_connection_wait")] DbConnectionWait,

    /// <summary>HTTP or RPC client calls at or over <see cref="AlertRule.ThresholdMs"/>, optionally to <see cref="AlertRule.Host"/>.</summary>
    [JsonStringEnumMemberName("external_delay")] ExternalDelay,

    /// <summary>Exceptions (span events, error spans, ERROR logs with an exception), optionally of <see cref="AlertRule.ExceptionType"/>.</summary>
    [JsonStringEnumMemberName("exception")] Exception,

    /// <summary>Transactions issuing at least <see cref="AlertRule.Threshold"/> SQL statements.</summary>
    [JsonStringEnumMemberName("excessive_sql")] ExcessiveSql,

    /// <summary>Statements returning at least <see cref="AlertRule.Threshold"/> rows (<c>db.response.returned_rows</c>).</summary>
    [JsonStringEnumMemberName("excessive_rows")] ExcessiveRows,

    /// <summary>The share of failed server requests at or over <see cref="AlertRule.Threshold"/> percent.</summary>
    [JsonStringEnumMemberName("error_rate")] ErrorRate,

    /// <summary>A latency percentile of server requests at or over <see cref="AlertRule.ThresholdMs"/>.</summary>
    [JsonStringEnumMemberName("latency")] Latency,

    /// <summary>At least <see cref="AlertRule.Threshold"/> log records at or above <see cref="AlertRule.LogLevel"/>.</summary>
    [JsonStringEnumMemberName("log_count")] LogCount,
}

/// <summary>
/// An alert rule of one tenant. The evaluator runs it every <see cref="EvaluateEvery"/> over the last
/// <see cref="Window"/>; it is breached when the watched signal occurred at least <see cref="MinOccurrences"/> times
/// (for ratio and percentile kinds: when the value reaches the threshold over at least that many requests).
/// </summary>
// Properties with a default other than the type's are settable rather than init-only: the source-generated
// deserializer assigns every init-only property in the object initializer, so a field missing from the JSON would
// get default(T) (null, zero, false) instead of the documented default.
public sealed record AlertRule
{
    /// <summary>Stable id (<c>rule_</c> and 12 hex digits).</summary>
    public string Id { get; init; } = "";

    /// <summary>The owning tenant.</summary>
    public string TenantId { get; init; } = "";

    /// <summary>Unique per tenant, e.g. <c>SlowSQL</c>.</summary>
    public required string Name { get; init; }

    public AlertRuleKind Kind { get; init; }

    /// <summary>The service watched; null for every service (not allowed for error rate and latency).</summary>
    public string? Service { get; init; }

    /// <summary>The phase (<c>deployment.environment</c>), compared case-insensitively; null for any.</summary>
    public string? Phase { get; init; }

    /// <summary>One endpoint (server span name) for error-rate and latency rules; null for all.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The duration threshold of duration kinds, in milliseconds.</summary>
    public double? ThresholdMs { get; init; }

    /// <summary>The threshold of count and ratio kinds: statements, rows, log records, or the error rate in percent.</summary>
    public double? Threshold { get; init; }

    /// <summary>The percentile of latency rules: 50, 90, 95 or 99.</summary>
    public double Percentile { get; set; } = 95;

    /// <summary>Exception rules: only this exception type (simple or qualified name).</summary>
    public string? ExceptionType { get; init; }

    /// <summary>External-delay rules: only calls to this host (<c>server.address</c>).</summary>
    public string? Host { get; init; }

    /// <summary>Log-count rules: the lowest level counted (WARN, ERROR, FATAL).</summary>
    public string LogLevel { get; set; } = "ERROR";

    /// <summary>Occurrences needed in the window (requests, for error rate and latency).</summary>
    public long MinOccurrences { get; set; } = 1;

    /// <summary>The window evaluated, ending at the evaluation time.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the rule is evaluated.</summary>
    public TimeSpan EvaluateEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a breach must last before the alert fires; zero fires at the first breached evaluation.</summary>
    public TimeSpan PendingFor { get; set; } = TimeSpan.Zero;

    /// <summary>The least time between two notifications of this rule; a firing within it is recorded, not sent.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Until then the rule is evaluated and its alerts recorded, but nothing is reported or sent.</summary>
    public DateTimeOffset? MutedUntil { get; init; }

    public bool Enabled { get; set; } = true;

    /// <summary>Channel names to notify; empty for every channel of the tenant.</summary>
    public IReadOnlyList<string> Channels { get; set; } = [];

    /// <summary>The report's language (<c>en</c>, <c>ko</c>); null for the tenant's default.</summary>
    public string? Language { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether the rule is muted at <paramref name="now"/>.</summary>
    public bool IsMutedAt(DateTimeOffset now) => MutedUntil is { } until && until > now;

    /// <summary>The condition as the classic alert text says it, e.g. <c>SQL Response time &gt;= 8000 ms</c>.</summary>
    public string Condition => Kind switch
    {
        AlertRuleKind.SlowSql => $"SQL Response time >= {Number(ThresholdMs)} ms",
        AlertRuleKind.DbConnectionWait => $"DB Connection wait time >= {Number(ThresholdMs)} ms",
        AlertRuleKind.ExternalDelay => $"External call response time >= {Number(ThresholdMs)} ms{(Host is null ? "" : $" ({Host})")}",
        AlertRuleKind.Exception => ExceptionType is null ? "Exception" : $"Exception {ExceptionType}",
        AlertRuleKind.ExcessiveSql => $"SQL executions per transaction >= {Number(Threshold)}",
        AlertRuleKind.ExcessiveRows => $"SQL rows fetched >= {Number(Threshold)}",
        AlertRuleKind.ErrorRate => $"Error rate >= {Number(Threshold)} %{(Endpoint is null ? "" : $" ({Endpoint})")}",
        AlertRuleKind.Latency => $"P{Number(Percentile)} response time >= {Number(ThresholdMs)} ms{(Endpoint is null ? "" : $" ({Endpoint})")}",
        AlertRuleKind.LogCount => $"{LogLevel.ToUpperInvariant()} logs >= {Number(Threshold)}",
        _ => Kind.ToString(),
    };

    /// <summary>The kind's wire name, e.g. <c>slow_sql</c>.</summary>
    public string KindName => KindNames.Of(Kind);

    private static string Number(double? value) => (value ?? 0).ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The snake_case names of <see cref="AlertRuleKind"/>.</summary>
public static class KindNames
{
    /// <summary>The wire name of a kind.</summary>
    public static string Of(AlertRuleKind kind) => kind switch
    {
        AlertRuleKind.SlowSql => "slow_sql",
        AlertRuleKind.DbConnectionWait => "db_connection_wait",
        AlertRuleKind.ExternalDelay => "external_delay",
        AlertRuleKind.Exception => "exception",
        AlertRuleKind.ExcessiveSql => "excessive_sql",
        AlertRuleKind.ExcessiveRows => "excessive_rows",
        AlertRuleKind.ErrorRate => "error_rate",
        AlertRuleKind.Latency => "latency",
        AlertRuleKind.LogCount => "log_count",
        _ => kind.ToString(),
    };

    /// <summary>Parses a wire name (or the enum name), case-insensitively.</summary>
    public static bool TryParse(string? name, out AlertRuleKind kind)
    {
        foreach (var k in Enum.GetValues<AlertRuleKind>())
        {
            if (string.Equals(Of(k), name, StringComparison.OrdinalIgnoreCase) || string.Equals(k.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
