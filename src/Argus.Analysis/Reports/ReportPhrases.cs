using System.Globalization;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Sql;

namespace Argus.Analysis.Reports;

/// <summary>The sentences of a report in one language; one subclass per language.</summary>
internal abstract class ReportPhrases(AlertSubject alert)
{
    /// <summary>Longest statement or message quoted in a point.</summary>
    protected const int MaxQuote = 200;

    protected AlertSubject Alert => alert;

    /// <summary>A connection-wait alert without a transaction: its waits were counted from the pool's wait-time histogram.</summary>
    protected bool IsPoolMetricAlert => alert.Kind == AlertKinds.DbConnectionWait;

    public abstract string AlertSentence();
    public abstract string Headline(Finding finding, TransactionProfile? profile);
    public abstract string Point(Finding finding, TransactionProfile? profile);
    public abstract IReadOnlyList<string> Actions(Finding finding);
    public abstract string Transaction(TransactionProfile profile);
    public abstract string NoTransaction();
    public abstract string NoProfileHeadline();
    public abstract string NoProfilePoint();
    public abstract IReadOnlyList<string> NoProfileActions();
    public abstract string NormalHeadline();
    public abstract string NormalPoint(NoSignificantProblemFinding calm, TransactionProfile profile);
    public abstract IReadOnlyList<string> NormalActions();

    /// <summary><c>8,120 ms</c>; below 10 ms one decimal (<c>2.5 ms</c>).</summary>
    protected static string Ms(double ms) => ms >= 10
        ? ms.ToString("N0", CultureInfo.InvariantCulture) + " ms"
        : ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    protected static string Pct(double share) => share.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    protected static string Num(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    protected static string Crud(CrudKind crud) => crud switch
    {
        CrudKind.Unknown or CrudKind.Other => string.Empty,
        CrudKind.Ddl => "DDL",
        _ => crud.ToString().ToUpperInvariant(),
    };

    protected static string Tables(IReadOnlyList<string> tables) => string.Join(", ", tables);

    protected static string Quote(string? text) => text is null ? string.Empty : TransactionProfileBuilder.Truncate(OneLine(text), MaxQuote);

    protected static string ShortType(string type) => type[(type.LastIndexOfAny(['.', '$', '+']) + 1)..];

    protected static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    protected string Window(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The transaction's start in the alert's time zone.</summary>
    protected string Started(TransactionProfile profile) =>
        profile.Start.ToOffset(alert.WindowStart.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    protected static bool IsRead(CrudKind crud) => crud == CrudKind.Select;

    protected static bool IsWrite(CrudKind crud) => crud is CrudKind.Insert or CrudKind.Update or CrudKind.Delete or CrudKind.Merge;
}
