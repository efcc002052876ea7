using System.Text.Json.Serialization;
using Argus.Analysis.Profiles;
using Argus.Analysis.Sql;

namespace Argus.Analysis.Findings;

/// <summary>How much a finding matters.</summary>
public enum FindingSeverity
{
    /// <summary>Nothing to act on.</summary>
    Info,
    /// <summary>Worth acting on.</summary>
    Warning,
    /// <summary>The main cause of the response time (at least <see cref="AnalyzerOptions.CriticalSharePercent"/>), or an
    /// exception in a failed transaction.</summary>
    Critical,
}

/// <summary>
/// One thing <see cref="ProfileAnalyzer"/> found in a transaction. Serialised with a <c>kind</c> discriminator
/// (<c>dominant_sql</c>, <c>repeated_sql</c>, <c>excessive_sql</c>, <c>excessive_rows</c>, <c>connection_wait</c>,
/// <c>slow_external</c>, <c>exception</c>, <c>no_significant_problem</c>).
/// </summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">Share of the response time it accounts for (0 when it is not about time).</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(DominantSqlFinding), "dominant_sql")]
[JsonDerivedType(typeof(RepeatedSqlFinding), "repeated_sql")]
[JsonDerivedType(typeof(ExcessiveSqlFinding), "excessive_sql")]
[JsonDerivedType(typeof(ExcessiveRowsFinding), "excessive_rows")]
[JsonDerivedType(typeof(ConnectionWaitFinding), "connection_wait")]
[JsonDerivedType(typeof(SlowExternalFinding), "slow_external")]
[JsonDerivedType(typeof(ExceptionFinding), "exception")]
[JsonDerivedType(typeof(NoSignificantProblemFinding), "no_significant_problem")]
public abstract record Finding(FindingSeverity Severity, double SharePercent);

/// <summary>One database call takes a large part of the response time.</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">The call's share of the response time.</param>
/// <param name="StepIndex">The step of the call ("SQL #3").</param>
/// <param name="DurationMs">The call's duration.</param>
/// <param name="NormalizedText">The normalised statement.</param>
/// <param name="Tables">Tables it touches.</param>
/// <param name="Crud">The kind of access.</param>
/// <param name="DbSystem">Database system.</param>
/// <param name="DbName">Database.</param>
/// <param name="RowsReturned">Rows the call returned, when reported.</param>
/// <param name="Executions">How often the same statement ran in the transaction.</param>
public sealed record DominantSqlFinding(
    FindingSeverity Severity,
    double SharePercent,
    int StepIndex,
    double DurationMs,
    string NormalizedText,
    IReadOnlyList<string> Tables,
    CrudKind Crud,
    string? DbSystem,
    string? DbName,
    long? RowsReturned,
    int Executions) : Finding(Severity, SharePercent);

/// <summary>The same statement runs many times (typically N+1: one query per row of a previous result).</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">The executions' total share of the response time.</param>
/// <param name="FirstStepIndex">Step of the first execution.</param>
/// <param name="Count">Executions.</param>
/// <param name="TotalMs">Their total time.</param>
/// <param name="MaxMs">The longest one.</param>
/// <param name="NormalizedText">The normalised statement.</param>
/// <param name="Tables">Tables it touches.</param>
/// <param name="Crud">The kind of access.</param>
/// <param name="DbSystem">Database system.</param>
/// <param name="DbName">Database.</param>
public sealed record RepeatedSqlFinding(
    FindingSeverity Severity,
    double SharePercent,
    int FirstStepIndex,
    int Count,
    double TotalMs,
    double MaxMs,
    string NormalizedText,
    IReadOnlyList<string> Tables,
    CrudKind Crud,
    string? DbSystem,
    string? DbName) : Finding(Severity, SharePercent);

/// <summary>The transaction runs very many statements, not explained by one repeated statement.</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">All database time as a share of the response time.</param>
/// <param name="SqlCount">Database calls.</param>
/// <param name="TotalMs">Their total time.</param>
/// <param name="DistinctStatements">Distinct normalised statements among them.</param>
public sealed record ExcessiveSqlFinding(
    FindingSeverity Severity,
    double SharePercent,
    int SqlCount,
    double TotalMs,
    int DistinctStatements) : Finding(Severity, SharePercent);

/// <summary>One call fetches very many rows.</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">The call's share of the response time.</param>
/// <param name="StepIndex">The step of the call.</param>
/// <param name="Rows">Rows returned.</param>
/// <param name="NormalizedText">The normalised statement.</param>
/// <param name="Tables">Tables it touches.</param>
/// <param name="Crud">The kind of access.</param>
/// <param name="DbName">Database.</param>
public sealed record ExcessiveRowsFinding(
    FindingSeverity Severity,
    double SharePercent,
    int StepIndex,
    long Rows,
    string NormalizedText,
    IReadOnlyList<string> Tables,
    CrudKind Crud,
    string? DbName) : Finding(Severity, SharePercent);

/// <summary>The transaction waited for database connections from a pool.</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">Total wait as a share of the response time.</param>
/// <param name="StepIndex">Step of the longest wait.</param>
/// <param name="Count">Waits.</param>
/// <param name="TotalMs">Their total time.</param>
/// <param name="MaxMs">The longest one.</param>
/// <param name="Name">Span name of the longest wait.</param>
/// <param name="PoolName">Pool name, when reported.</param>
public sealed record ConnectionWaitFinding(
    FindingSeverity Severity,
    double SharePercent,
    int StepIndex,
    int Count,
    double TotalMs,
    double MaxMs,
    string Name,
    string? PoolName) : Finding(Severity, SharePercent);

/// <summary>Calls to one external address take a large part of the response time.</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="SharePercent">Total time of the calls as a share of the response time.</param>
/// <param name="Address">Host and port.</param>
/// <param name="Count">Calls.</param>
/// <param name="TotalMs">Their total time.</param>
/// <param name="MaxMs">The longest one.</param>
/// <param name="SlowestStepIndex">Step of the longest one.</param>
/// <param name="Method">Method of the longest one.</param>
/// <param name="Url">URL of the longest one, without query.</param>
/// <param name="StatusCodes">Distinct HTTP status codes.</param>
/// <param name="ErrorCount">Calls that failed.</param>
public sealed record SlowExternalFinding(
    FindingSeverity Severity,
    double SharePercent,
    string Address,
    int Count,
    double TotalMs,
    double MaxMs,
    int SlowestStepIndex,
    string? Method,
    string? Url,
    IReadOnlyList<int> StatusCodes,
    int ErrorCount) : Finding(Severity, SharePercent);

/// <summary>An exception was thrown (the same type thrown at the same place counts once, with a count).</summary>
/// <param name="Severity">Critical when the transaction failed, else Warning.</param>
/// <param name="SharePercent">Share of the response time of the step that threw.</param>
/// <param name="StepIndex">Step where it was first recorded; 0 when only a log record outside the profile had it.</param>
/// <param name="Service">Service that threw it.</param>
/// <param name="Type">Exception type.</param>
/// <param name="Message">Message of the first one.</param>
/// <param name="ThrownAt">First application frame, <c>Method(File:Line)</c>.</param>
/// <param name="InAppFrames">Application frames (up to five), top first.</param>
/// <param name="Causes">Wrapped exception types.</param>
/// <param name="Count">How often it was recorded.</param>
public sealed record ExceptionFinding(
    FindingSeverity Severity,
    double SharePercent,
    int StepIndex,
    string Service,
    string Type,
    string? Message,
    string? ThrownAt,
    IReadOnlyList<string> InAppFrames,
    IReadOnlyList<string> Causes,
    int Count) : Finding(Severity, SharePercent);

/// <summary>Nothing passed the thresholds; carries the largest step for context.</summary>
/// <param name="Severity">Always Info.</param>
/// <param name="SharePercent">The largest step's share of the response time.</param>
/// <param name="DurationMs">The response time.</param>
/// <param name="LargestStepIndex">The longest step below the root; 0 when the transaction has a single span.</param>
/// <param name="LargestStepName">Its name.</param>
/// <param name="LargestStepType">Its type.</param>
/// <param name="LargestStepMs">Its duration.</param>
public sealed record NoSignificantProblemFinding(
    FindingSeverity Severity,
    double SharePercent,
    double DurationMs,
    int LargestStepIndex,
    string? LargestStepName,
    StepType? LargestStepType,
    double LargestStepMs) : Finding(Severity, SharePercent);
