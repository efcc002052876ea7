using System.Globalization;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Sql;

namespace Argus.Analysis.Reports;

/// <summary>Korean report sentences.</summary>
/// <remarks>
/// Korean particles depend on the last syllable of the word before them (이/가, 을/를, 으로/로), and a number or a name
/// read aloud can end either way. So a particle never follows a number, a name or a statement: the sentences put a
/// fixed noun there ("SQL #3의", "… 문이", "… 호출 시간이") or use a label ("쿼리: …").
/// </remarks>
internal sealed class KoreanPhrases(AlertSubject alert) : ReportPhrases(alert)
{
    public override string AlertSentence() =>
        $"{Alert.Service}({Alert.Environment})에서 {Window(Alert.WindowStart)} ~ {Window(Alert.WindowEnd)} 동안 {Alert.RuleName} 규칙의 조건 "
        + $"[{Alert.Condition}]에 해당하는 상황이 {Num(Alert.Occurrences)}회 발생했습니다.";

    public override string Headline(Finding finding, TransactionProfile? profile) => finding switch
    {
        DominantSqlFinding f => $"SQL #{f.StepIndex}({Statement(f.Crud, f.Tables)})의 수행 시간이 {Ms(f.DurationMs)}로 전체 응답 시간 {Total(profile)}의 {Pct(f.SharePercent)}를 차지합니다.",
        RepeatedSqlFinding f => $"SQL #{f.FirstStepIndex}부터 같은 {Statement(f.Crud, f.Tables)}이 {Num(f.Count)}회 반복 실행되어 총 {Ms(f.TotalMs)}, 응답 시간의 {Pct(f.SharePercent)}를 차지합니다.",
        ExcessiveSqlFinding f => $"한 트랜잭션에서 SQL 문이 {Num(f.SqlCount)}회 실행되어 총 {Ms(f.TotalMs)}, 응답 시간의 {Pct(f.SharePercent)}를 차지합니다.",
        ExcessiveRowsFinding f => $"SQL #{f.StepIndex}({Statement(f.Crud, f.Tables)})에서 {Num(f.Rows)}건의 행을 가져왔습니다.",
        ConnectionWaitFinding f => $"DB 커넥션 대기 시간이 총 {Ms(f.TotalMs)}로 응답 시간의 {Pct(f.SharePercent)}를 차지합니다.",
        SlowExternalFinding f => $"{f.Address} 호출 시간이 총 {Ms(f.TotalMs)}로 응답 시간의 {Pct(f.SharePercent)}를 차지합니다.",
        ExceptionFinding f => $"{Where(f)}에서 {ShortType(f.Type)} 예외가 발생했습니다.",
        _ => string.Empty,
    };

    public override string Point(Finding finding, TransactionProfile? profile) => finding switch
    {
        DominantSqlFinding f =>
            $"SQL #{f.StepIndex}의 수행 시간은 {Ms(f.DurationMs)}로 전체 응답 시간 {Total(profile)}의 {Pct(f.SharePercent)}를 차지합니다"
            + $"({Db(f.DbName, f.DbSystem)}{Statement(f.Crud, f.Tables)}"
            + (f.RowsReturned is { } rows ? $", 반환 {Num(rows)}건" : string.Empty)
            + (f.Executions > 1 ? $", 이 트랜잭션에서 {Num(f.Executions)}회 실행" : string.Empty)
            + $"). 쿼리: {Quote(f.NormalizedText)}",
        RepeatedSqlFinding f =>
            $"SQL #{f.FirstStepIndex}부터 같은 {Statement(f.Crud, f.Tables)}이 {Num(f.Count)}회 반복 실행되어 총 {Ms(f.TotalMs)}"
            + $"(응답 시간의 {Pct(f.SharePercent)}, 1회 최대 {Ms(f.MaxMs)})가 소요되었습니다. 행마다 쿼리를 한 번씩 실행하는 N+1 패턴입니다. "
            + $"쿼리: {Quote(f.NormalizedText)}",
        ExcessiveSqlFinding f =>
            $"한 트랜잭션에서 SQL 문이 {Num(f.SqlCount)}회({Num(f.DistinctStatements)}종류) 실행되어 총 {Ms(f.TotalMs)}, 응답 시간의 {Pct(f.SharePercent)}를 차지합니다.",
        ExcessiveRowsFinding f =>
            $"SQL #{f.StepIndex}({Db(f.DbName, null)}{Statement(f.Crud, f.Tables)})에서 {Num(f.Rows)}건의 행을 반환했습니다. "
            + $"이렇게 많은 행을 가져오면 애플리케이션의 메모리 사용량과 처리 시간이 늘어납니다. 쿼리: {Quote(f.NormalizedText)}",
        ConnectionWaitFinding f =>
            $"DB 커넥션 풀{(f.PoolName is null ? string.Empty : $" {f.PoolName}")}에서 커넥션을 얻기 위해 {Num(f.Count)}회 대기했으며, "
            + $"대기 시간은 총 {Ms(f.TotalMs)}로 응답 시간의 {Pct(f.SharePercent)}를 차지합니다. 가장 긴 대기: 단계 #{f.StepIndex}({f.Name}, {Ms(f.MaxMs)}).",
        SlowExternalFinding f =>
            $"{f.Address} 호출 {Num(f.Count)}건의 시간이 총 {Ms(f.TotalMs)}로 응답 시간의 {Pct(f.SharePercent)}를 차지합니다. "
            + $"가장 느린 호출: 단계 #{f.SlowestStepIndex}({Request(f.Method, f.Url)}{Ms(f.MaxMs)})"
            + (f.StatusCodes.Count > 0 ? $", 응답 코드 {string.Join(", ", f.StatusCodes)}" : string.Empty)
            + (f.ErrorCount > 0 ? $", 실패 {Num(f.ErrorCount)}건" : string.Empty) + ".",
        ExceptionFinding f =>
            $"{Where(f)}에서 {f.Type} 예외가 발생했습니다"
            + (f.StepIndex > 0 ? $"(단계 #{f.StepIndex}, {Num(f.Count)}회)" : $"({Num(f.Count)}회)") + "."
            + (string.IsNullOrEmpty(f.Message) ? string.Empty : $" 메시지: \"{Quote(f.Message)}\".")
            + (f.Causes.Count > 0 ? $" 원인 예외: {string.Join(" ← ", f.Causes)}." : string.Empty),
        _ => string.Empty,
    };

    public override IReadOnlyList<string> Actions(Finding finding) => finding switch
    {
        DominantSqlFinding f when IsRead(f.Crud) =>
        [
            $"SQL #{f.StepIndex}의 실행 계획(EXPLAIN ANALYZE)을 확인하고, WHERE·JOIN 조건에 쓰인 {TablesOrDefault(f.Tables)} 컬럼에 인덱스를 추가하거나 조정하세요.",
            "요청에 필요한 행과 컬럼만 조회하도록 페이징을 적용하고 조회 컬럼을 줄이세요. 자주 바뀌지 않는 결과라면 캐시를 적용하세요.",
        ],
        DominantSqlFinding f when IsWrite(f.Crud) =>
        [
            $"SQL #{f.StepIndex}의 락 대기와 {TablesOrDefault(f.Tables)}의 인덱스(WHERE 조건에 필요한 인덱스)를 확인하고, 이 문장을 감싸는 DB 트랜잭션을 짧게 유지하세요.",
            "쓰기 작업을 배치로 묶고, 요청 안에서 처리할 필요가 없는 작업은 요청 밖으로 분리하세요.",
        ],
        DominantSqlFinding f =>
        [
            $"DB에서 SQL #{f.StepIndex}의 실행 계획과 대기 이벤트를 확인하세요.",
        ],
        RepeatedSqlFinding f =>
        [
            $"{Num(f.Count)}회 반복 실행되는 SQL #{f.FirstStepIndex} 대신 IN 조건 일괄 조회(batch fetch)나 JOIN(fetch join)으로 필요한 행을 한 번에 가져오도록 바꾸세요.",
            "요청을 처리하는 동안 바뀌지 않는 데이터라면 조회 결과를 요청 범위에서 캐시하세요.",
        ],
        ExcessiveSqlFinding =>
        [
            "요청당 SQL 수를 줄이세요. 읽기와 쓰기를 배치로 묶고, 연관 데이터는 더 적은 쿼리로 조회하세요.",
            "ORM의 지연 로딩(lazy loading)이 접근할 때마다 쿼리를 실행하고 있지 않은지 확인하세요.",
        ],
        ExcessiveRowsFinding f =>
        [
            $"SQL #{f.StepIndex}에 페이징이나 더 좁은 WHERE 조건을 적용해 {Num(f.Rows)}건을 한 번에 가져오지 않도록 하고, 집계는 애플리케이션이 아닌 DB에서 수행하세요.",
        ],
        ConnectionWaitFinding f =>
        [
            $"커넥션이 풀{(f.PoolName is null ? string.Empty : $" {f.PoolName}")}에 제대로 반환되는지 확인하세요. 커넥션 누수와 커넥션을 오래 잡고 있는 긴 트랜잭션을 찾고, 풀의 누수 감지(leak detection)를 켜세요.",
            "DB에 여유가 있다면 커넥션 풀의 최대 크기를 늘리고, 커넥션을 오래 점유하는 쿼리의 수행 시간을 줄이세요.",
        ],
        SlowExternalFinding f =>
        [
            $"{f.Address} 호출에 요청 전체 제한 시간보다 짧은 타임아웃을 설정하고, 서킷 브레이커를 적용해 응답이 느릴 때 빠르게 실패하도록 하세요.",
            $"{f.Address} 담당자에게 지연{(f.StatusCodes.Any(s => s >= 400) ? $" 및 {string.Join(", ", f.StatusCodes.Where(s => s >= 400))} 응답의" : "의")} 원인을 확인하고, 가능하면 비동기 호출이나 응답 캐시를 적용하세요.",
        ],
        ExceptionFinding f =>
        [
            f.ThrownAt is null
                ? $"{f.Service}에서 {ShortType(f.Type)} 예외{Because(f.Message)}가 발생하는 위치를 찾아 원인을 수정하세요."
                : $"{f.ThrownAt}에서 발생한 {ShortType(f.Type)} 예외{Because(f.Message)}의 원인을 수정하세요. 해당 위치에서 이 상황을 미리 검증하거나 처리하도록 하세요.",
            $"{ShortType(f.Type)} 예외를 재현하는 테스트를 추가하고, {Window(Alert.WindowStart)} 전후의 {f.Service} 로그에서 원인이 된 입력을 확인하세요.",
        ],
        _ => [],
    };

    public override string Transaction(TransactionProfile p) =>
        $"{p.Endpoint} 요청({p.Service}{(p.Instance is null ? string.Empty : $", {p.Instance}")})이 {Started(p)}에 시작되어 {Ms(p.DurationMs)} 동안 수행되었습니다"
        + (p.HttpStatusCode is { } status ? $"(HTTP {status.ToString(CultureInfo.InvariantCulture)})" : p.IsError ? "(실패)" : string.Empty)
        + $". 트레이스 {p.TraceId}: 스팬 {Num(p.SpanCount)}개, SQL {Num(p.Totals.SqlCount)}건{Time(p.Totals.SqlCount, p.Totals.SqlTotalMs, p.Totals.SqlSharePercent)}, "
        + $"외부 호출 {Num(p.Totals.ExternalCount)}건{Time(p.Totals.ExternalCount, p.Totals.ExternalTotalMs, p.Totals.ExternalSharePercent)}, 예외 {Num(p.Totals.ExceptionCount)}건."
        + (p.Truncation is { StepsOmitted: > 0 } t
            ? $" 프로파일에는 처음 {Num(p.Steps.Count)}개 단계만 표시되며, 나머지 {Num(t.StepsOmitted)}개 단계는 집계에만 포함되었습니다."
            : string.Empty);

    public override string NoTransaction() => "이 알림에 해당하는 트랜잭션이 수집되지 않아 알림 정보만으로 작성했습니다.";

    public override string NoProfileHeadline() => IsPoolMetricAlert
        ? $"수집된 트랜잭션이 없어 커넥션 풀 대기 시간 메트릭으로 대기를 확인했습니다{Longest()}."
        : "분석할 트랜잭션 트레이스가 없습니다.";

    public override string NoProfilePoint() => IsPoolMetricAlert
        ? $"커넥션 풀 대기 시간 히스토그램에 따르면 {Alert.Service}의 요청이 기준 이상으로 DB 커넥션을 {Alert.Occurrences.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}회 기다렸습니다{Longest()}. "
          + "트레이스가 없어 어떤 SQL이 커넥션을 점유했는지는 알 수 없습니다."
        : "이 알림에 해당하는 트랜잭션 트레이스가 수집되지 않아 단계별 시간을 측정할 수 없었습니다.";

    public override IReadOnlyList<string> NoProfileActions() => IsPoolMetricAlert
        ?
        [
            $"커넥션 풀 최대 크기를 {Alert.Service}의 동시 요청 수와 비교하세요. 피크 때 풀이 고갈된다면 DB에 여유가 있을 때 풀을 늘리거나 동시성을 줄이세요.",
            "커넥션을 오래 점유하는 원인을 찾으세요: 느린 SQL, 원격 호출 동안 열려 있는 트랜잭션, 반환되지 않는 커넥션(풀의 누수 탐지 기능을 켜세요).",
            $"{Alert.Service}의 커넥션 획득 구간을 트레이싱하거나 트랜잭션 샘플링을 늘려 다음 보고서가 해당 단계를 짚을 수 있게 하세요.",
        ]
        :
        [
            $"Argus에서 {Window(Alert.WindowStart)} ~ {Window(Alert.WindowEnd)} 사이 {Alert.Service}의 가장 느린 트랜잭션과 실패한 트랜잭션을 열어 어느 단계에서 시간이 걸리는지 확인하세요.",
            $"{Window(Alert.WindowStart)} 직전에 {Alert.Service}에 배포나 설정 변경이 있었는지 확인하세요.",
        ];

    private string Longest() => Alert.WorstValue is > 0 and var worst ? $" (가장 긴 대기 {Ms(worst)} 이상)" : string.Empty;

    public override string NormalHeadline() => "분석한 트랜잭션에서 기준을 넘은 단계가 없어 시스템은 정상 동작 중입니다.";

    public override string NormalPoint(NoSignificantProblemFinding calm, TransactionProfile profile) => calm.LargestStepIndex > 0
        ? $"분석 기준을 넘은 단계가 없습니다. 가장 긴 단계: {(calm.LargestStepType == StepType.Sql ? "SQL" : "단계")} #{calm.LargestStepIndex}({calm.LargestStepName}), "
          + $"{Ms(calm.LargestStepMs)}, 전체 응답 시간 {Ms(profile.DurationMs)}의 {Pct(calm.SharePercent)}."
        : $"분석 기준을 넘은 단계가 없습니다. 트랜잭션은 단일 스팬으로 {Ms(profile.DurationMs)} 동안 수행되었습니다.";

    public override IReadOnlyList<string> NormalActions() =>
    [
        "지금 조치할 사항은 없습니다.",
        $"알림이 반복되면 평상시 트래픽을 기준으로 {Alert.RuleName} 규칙의 임계값을 검토하세요.",
    ];

    private static string Total(TransactionProfile? profile) => profile is null ? "전체" : Ms(profile.DurationMs);

    private static string Time(int count, double ms, double share) => count == 0 ? string.Empty : $"({Ms(ms)}, {Pct(share)})";

    /// <summary>"orders 테이블 SELECT 문", "SELECT 문", "orders 테이블 SQL 문": always ending in 문, so the particle is fixed.</summary>
    private static string Statement(CrudKind crud, IReadOnlyList<string> tables)
    {
        var verb = Crud(crud);
        var kind = verb.Length == 0 ? "SQL 문" : $"{verb} 문";
        return tables.Count == 0 ? kind : $"{Tables(tables)} 테이블 {kind}";
    }

    private static string TablesOrDefault(IReadOnlyList<string> tables) => tables.Count == 0 ? "대상 테이블" : $"{Tables(tables)} 테이블";

    private static string Db(string? name, string? system) => (name, system) switch
    {
        (not null, not null) => $"{name}({system}) DB, ",
        (not null, null) => $"{name} DB, ",
        (null, not null) => $"{system} DB, ",
        _ => string.Empty,
    };

    private static string Where(ExceptionFinding f) => f.ThrownAt is null ? f.Service : $"{f.Service}의 {f.ThrownAt}";

    private static string Request(string? method, string? url) => (method, url) switch
    {
        (null, null) => string.Empty,
        (null, _) => $"{url}, ",
        (_, null) => $"{method}, ",
        _ => $"{method} {url}, ",
    };

    private static string Because(string? message) => string.IsNullOrEmpty(message) ? string.Empty : $"(메시지: \"{Quote(message)}\")";
}
