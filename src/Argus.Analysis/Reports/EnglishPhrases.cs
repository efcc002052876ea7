using System.Globalization;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Sql;

namespace Argus.Analysis.Reports;

/// <summary>English report sentences.</summary>
internal sealed class EnglishPhrases(AlertSubject alert) : ReportPhrases(alert)
{
    public override string AlertSentence() =>
        $"{Alert.RuleName} fired for {Alert.Service} ({Alert.Environment}): [{Alert.Condition}] occurred {Times(Alert.Occurrences)} "
        + $"between {Window(Alert.WindowStart)} and {Window(Alert.WindowEnd)}.";

    public override string Headline(Finding finding, TransactionProfile? profile) => finding switch
    {
        DominantSqlFinding f => $"SQL #{f.StepIndex} ({What(f.Crud, f.Tables)}) took {Ms(f.DurationMs)} of the {Total(profile)} response time ({Pct(f.SharePercent)}).",
        RepeatedSqlFinding f => $"The same {What(f.Crud, f.Tables)} ran {Times(f.Count)} (from SQL #{f.FirstStepIndex}), {Ms(f.TotalMs)} in all ({Pct(f.SharePercent)} of the response time).",
        ExcessiveSqlFinding f => $"The transaction ran {Num(f.SqlCount)} SQL statements, {Ms(f.TotalMs)} in all ({Pct(f.SharePercent)} of the response time).",
        ExcessiveRowsFinding f => $"SQL #{f.StepIndex} fetched {Num(f.Rows)} rows ({What(f.Crud, f.Tables)}).",
        ConnectionWaitFinding f => $"Waiting for database connections took {Ms(f.TotalMs)} ({Pct(f.SharePercent)} of the response time).",
        SlowExternalFinding f => $"Calls to {f.Address} took {Ms(f.TotalMs)} ({Pct(f.SharePercent)} of the response time).",
        ExceptionFinding f => $"{ShortType(f.Type)} was thrown {Where(f)}.",
        _ => string.Empty,
    };

    public override string Point(Finding finding, TransactionProfile? profile) => finding switch
    {
        DominantSqlFinding f =>
            $"SQL #{f.StepIndex} took {Ms(f.DurationMs)}, {Pct(f.SharePercent)} of the {Total(profile)} response time: {What(f.Crud, f.Tables)}{Db(f.DbName, f.DbSystem)}"
            + (f.RowsReturned is { } rows ? $", {Num(rows)} rows returned" : string.Empty)
            + (f.Executions > 1 ? $", run {Times(f.Executions)} in this transaction" : string.Empty)
            + $". Statement: {Quote(f.NormalizedText)}",
        RepeatedSqlFinding f =>
            $"SQL #{f.FirstStepIndex} and the same statement after it ({What(f.Crud, f.Tables)}{Db(f.DbName, f.DbSystem)}) ran {Times(f.Count)}, "
            + $"{Ms(f.TotalMs)} in all ({Pct(f.SharePercent)} of the response time, at most {Ms(f.MaxMs)} each): one query per row, the N+1 pattern. "
            + $"Statement: {Quote(f.NormalizedText)}",
        ExcessiveSqlFinding f =>
            $"The transaction ran {Num(f.SqlCount)} SQL statements ({Num(f.DistinctStatements)} distinct), {Ms(f.TotalMs)} in all ({Pct(f.SharePercent)} of the response time).",
        ExcessiveRowsFinding f =>
            $"SQL #{f.StepIndex} returned {Num(f.Rows)} rows ({What(f.Crud, f.Tables)}{Db(f.DbName, null)}); fetching that many rows costs the application memory and time. "
            + $"Statement: {Quote(f.NormalizedText)}",
        ConnectionWaitFinding f =>
            $"The transaction waited {Times(f.Count)} for a database connection{(f.PoolName is null ? string.Empty : $" from pool {f.PoolName}")}, "
            + $"{Ms(f.TotalMs)} in all ({Pct(f.SharePercent)} of the response time); the longest wait was step #{f.StepIndex} ({f.Name}, {Ms(f.MaxMs)}).",
        SlowExternalFinding f =>
            $"{(f.Count == 1 ? "1 call" : $"{Num(f.Count)} calls")} to {f.Address} took {Ms(f.TotalMs)} ({Pct(f.SharePercent)} of the response time); "
            + $"the slowest was step #{f.SlowestStepIndex}{Request(f.Method, f.Url)} at {Ms(f.MaxMs)}"
            + (f.StatusCodes.Count > 0 ? $", status {string.Join(", ", f.StatusCodes)}" : string.Empty)
            + (f.ErrorCount > 0 ? $", {Num(f.ErrorCount)} failed" : string.Empty) + ".",
        ExceptionFinding f =>
            $"{f.Type}{(string.IsNullOrEmpty(f.Message) ? string.Empty : $" (\"{Quote(f.Message)}\")")} was thrown {Where(f)}"
            + (f.StepIndex > 0 ? $" (step #{f.StepIndex}" + (f.Count > 1 ? $", {Times(f.Count)})" : ")") : f.Count > 1 ? $" ({Times(f.Count)})" : string.Empty)
            + (f.Causes.Count > 0 ? $", caused by {string.Join(" ← ", f.Causes)}" : string.Empty) + ".",
        _ => string.Empty,
    };

    public override IReadOnlyList<string> Actions(Finding finding) => finding switch
    {
        DominantSqlFinding f when IsRead(f.Crud) =>
        [
            $"Check the execution plan of SQL #{f.StepIndex} (EXPLAIN ANALYZE{On(f.DbName)}) and add or fix the index on {Tables(f.Tables, "the table")} for the columns of its WHERE and JOIN clauses.",
            "Fetch only the rows and columns the request needs (paging, a narrower SELECT), and cache the result if it rarely changes.",
        ],
        DominantSqlFinding f when IsWrite(f.Crud) =>
        [
            $"Check SQL #{f.StepIndex} for lock waits and for the index its WHERE clause needs on {Tables(f.Tables, "the table")}, and keep the surrounding database transaction short.",
            "Batch the writes, and move work that need not happen in the request out of it.",
        ],
        DominantSqlFinding f =>
        [
            $"Check the execution plan and the wait events of SQL #{f.StepIndex}{On(f.DbName)} on the database side.",
        ],
        RepeatedSqlFinding f =>
        [
            $"Replace the {Num(f.Count)} executions of SQL #{f.FirstStepIndex} with one query: load the rows together (WHERE … IN (…), batch fetch) or with a JOIN / fetch join instead of one query per row.",
            "Cache the rows this lookup reads for the length of the request if they do not change within it.",
        ],
        ExcessiveSqlFinding =>
        [
            "Cut the number of statements per request: batch reads and writes, and load related data in fewer queries.",
            "Check the ORM for lazy loading that issues a query on each access.",
        ],
        ExcessiveRowsFinding f =>
        [
            $"Add paging or a tighter WHERE clause to SQL #{f.StepIndex} so that it does not fetch {Num(f.Rows)} rows, and aggregate in the database rather than in the application.",
        ],
        ConnectionWaitFinding f =>
        [
            $"Check that connections go back to the pool{(f.PoolName is null ? string.Empty : $" {f.PoolName}")}: look for connection leaks and long transactions holding connections, and turn on the pool's leak detection.",
            "If the database has headroom, raise the pool's maximum size, and shorten the statements that hold connections longest.",
        ],
        SlowExternalFinding f =>
        [
            $"Set a timeout on calls to {f.Address} below the request's own budget, and add a circuit breaker so that a slow {f.Address} fails fast instead of holding requests.",
            $"Ask the owner of {f.Address} about its latency{(f.StatusCodes.Any(s => s >= 400) ? $" and the {string.Join(", ", f.StatusCodes.Where(s => s >= 400))} responses" : string.Empty)}; call it asynchronously or cache its answers where possible.",
        ],
        ExceptionFinding f =>
        [
            f.ThrownAt is null
                ? $"Find where {ShortType(f.Type)} is thrown in {f.Service} and fix its cause{Because(f.Message)}."
                : $"Fix the cause at {f.ThrownAt}: prevent or handle {ShortType(f.Type)} there{Because(f.Message)}.",
            $"Add a test that reproduces {ShortType(f.Type)}, and check the logs of {f.Service} around {Window(Alert.WindowStart)} for the input that triggered it.",
        ],
        _ => [],
    };

    public override string Transaction(TransactionProfile p) =>
        $"{p.Endpoint} on {p.Service}{(p.Instance is null ? string.Empty : $" ({p.Instance})")} started {Started(p)} and took {Ms(p.DurationMs)}"
        + (p.HttpStatusCode is { } status ? $", HTTP {status.ToString(CultureInfo.InvariantCulture)}" : p.IsError ? ", failed" : string.Empty)
        + $"; trace {p.TraceId}. {Count(p.SpanCount, "span")}: {Count(p.Totals.SqlCount, "SQL statement")}{Time(p.Totals.SqlCount, p.Totals.SqlTotalMs, p.Totals.SqlSharePercent)}, "
        + $"{Count(p.Totals.ExternalCount, "external call")}{Time(p.Totals.ExternalCount, p.Totals.ExternalTotalMs, p.Totals.ExternalSharePercent)}, {Count(p.Totals.ExceptionCount, "exception")}."
        + (p.Truncation is { StepsOmitted: > 0 } t ? $" The profile lists the first {Num(p.Steps.Count)} steps; {Num(t.StepsOmitted)} more are counted but not listed." : string.Empty);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{Num(n)} {noun}s";

    private static string Time(int count, double ms, double share) => count == 0 ? string.Empty : $" ({Ms(ms)}, {Pct(share)})";

    public override string NoTransaction() => "No transaction was sampled for this alert; the report rests on the alert alone.";

    // A connection-wait alert without a transaction comes from the pool's wait-time histogram: it says how often and how
    // long, not which statements held the connections.
    public override string NoProfileHeadline() => IsPoolMetricAlert
        ? $"No transaction was sampled; the connection pool's wait-time metric shows the waits{Longest()}."
        : "No transaction trace was available to analyse.";

    public override string NoProfilePoint() => IsPoolMetricAlert
        ? $"Requests of {Alert.Service} waited for a database connection {Times(Alert.Occurrences)} at or over the threshold{Longest()}, "
          + "by the pool's wait-time histogram; with no trace, which statements held the connections is not known."
        : "No transaction trace was sampled for this alert, so no step could be measured.";

    public override IReadOnlyList<string> NoProfileActions() => IsPoolMetricAlert
        ?
        [
            $"Compare the pool's maximum size with the concurrent requests of {Alert.Service}: a pool exhausted at peak needs more connections (if the database has headroom) or less concurrency.",
            "Look for connections held too long: slow statements, transactions kept open across remote calls, and connections never returned (turn on the pool's leak detection).",
            $"Trace connection acquisition in {Alert.Service}, or sample more of its transactions, so that the next report can name the step.",
        ]
        :
        [
            $"Open the slowest and the failed transactions of {Alert.Service} between {Window(Alert.WindowStart)} and {Window(Alert.WindowEnd)} in Argus and see which step takes the time.",
            $"Check whether a deployment or a configuration change reached {Alert.Service} shortly before {Window(Alert.WindowStart)}.",
        ];

    private string Longest() => Alert.WorstValue is > 0 and var worst ? $", the longest at least {Ms(worst)}" : string.Empty;

    public override string NormalHeadline() => "No step of the analysed transaction passed the analysis thresholds; the system is operating normally.";

    public override string NormalPoint(NoSignificantProblemFinding calm, TransactionProfile profile) => calm.LargestStepIndex > 0
        ? $"No step passed the thresholds. The longest was {(calm.LargestStepType == StepType.Sql ? "SQL" : "step")} #{calm.LargestStepIndex} ({calm.LargestStepName}) at {Ms(calm.LargestStepMs)}, {Pct(calm.SharePercent)} of the {Ms(profile.DurationMs)} response time."
        : $"No step passed the thresholds; the transaction took {Ms(profile.DurationMs)} in a single span.";

    public override IReadOnlyList<string> NormalActions() =>
    [
        "No action is needed now.",
        $"If the alert repeats, review the threshold of rule {Alert.RuleName} against normal traffic.",
    ];

    private static string Times(int n) => n == 1 ? "once" : $"{Num(n)} times";

    private static string Total(TransactionProfile? profile) => profile is null ? "total" : Ms(profile.DurationMs);

    private static string What(CrudKind crud, IReadOnlyList<string> tables)
    {
        var verb = Crud(crud);
        var kind = verb.Length == 0 ? "statement" : verb;
        return tables.Count switch
        {
            0 => kind,
            1 => $"{kind} on {tables[0]}",
            _ => $"{kind} on {Tables(tables)}",
        };
    }

    private static string Tables(IReadOnlyList<string> tables, string none) => tables.Count == 0 ? none : Tables(tables);

    private static string Db(string? name, string? system) => (name, system) switch
    {
        (not null, not null) => $" in {name} ({system})",
        (not null, null) => $" in {name}",
        (null, not null) => $" ({system})",
        _ => string.Empty,
    };

    private static string On(string? db) => db is null ? string.Empty : $" on {db}";

    private static string Where(ExceptionFinding f) => f.ThrownAt is null ? $"in {f.Service}" : $"at {f.ThrownAt} in {f.Service}";

    private static string Request(string? method, string? url) => (method, url) switch
    {
        (null, null) => string.Empty,
        (null, _) => $" ({url})",
        (_, null) => $" ({method})",
        _ => $" ({method} {url})",
    };

    private static string Because(string? message) => string.IsNullOrEmpty(message) ? string.Empty : $" (\"{Quote(message)}\")";
}
