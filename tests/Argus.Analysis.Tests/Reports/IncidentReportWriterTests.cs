using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Reports;
using Argus.Analysis.Tests.Profiles;
using Argus.Core.Telemetry;

namespace Argus.Analysis.Tests.Reports;

public sealed class IncidentReportWriterTests
{
    private static readonly TimeSpan Seoul = TimeSpan.FromHours(9);

    internal static AlertSubject Alert(string kind = AlertKinds.SlowSql) => new(
        "SlowSQL", kind, "TEST-API", "production", "SQL Response time >= 8000 ms",
        new DateTimeOffset(2025, 6, 17, 14, 3, 0, Seoul), new DateTimeOffset(2025, 6, 17, 14, 13, 0, Seoul), 1,
        [new AlertInstanceCount("prod-test-api-pod-6945c568-2ghw8", 1)])
    {
        Project = "TEST-PROJECT",
    };

    internal static IncidentReportContent Write(List<SpanRecord> spans, string language, string kind = AlertKinds.SlowSql, List<LogRecord>? logs = null)
    {
        var profile = TransactionProfileBuilder.Build(spans, logs);
        return IncidentReportWriter.Write(Alert(kind), profile, ProfileAnalyzer.Analyze(profile), language);
    }

    [Fact]
    public void Slow_sql_in_english_names_the_statement_its_share_tables_and_a_plan()
    {
        var report = Write(Traces.SlowSql(), "en");

        Assert.False(report.OperatingNormally);
        Assert.StartsWith("SlowSQL fired for TEST-API (production): [SQL Response time >= 8000 ms] occurred once between 2025-06-17 14:03 and 2025-06-17 14:13.", report.Summary, StringComparison.Ordinal);
        Assert.Contains("SQL #4 (SELECT on orders, order_items) took 8,120 ms of the 9,000 ms response time (90.2%)", report.Summary, StringComparison.Ordinal);
        Assert.StartsWith("GET /orders/{id} on test-api (prod-test-api-pod-6945c568-2ghw8) started 2025-06-17 14:03:10 and took 9,000 ms, HTTP 200", report.Transaction, StringComparison.Ordinal);
        var point = Assert.Single(report.ProfileAnalysis);
        Assert.StartsWith("SQL #4 took 8,120 ms, 90.2% of the 9,000 ms response time: SELECT on orders, order_items in shop (postgresql), 120 rows returned.", point, StringComparison.Ordinal);
        Assert.Contains("WHERE o.customer_id = ?", point, StringComparison.Ordinal);
        Assert.Equal(2, report.ActionPlan.Count);
        Assert.StartsWith("Check the execution plan of SQL #4", report.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("index on orders, order_items", report.ActionPlan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Slow_sql_in_korean()
    {
        var report = Write(Traces.SlowSql(), "ko");

        Assert.StartsWith("TEST-API(production)에서 2025-06-17 14:03 ~ 2025-06-17 14:13 동안 SlowSQL 규칙의 조건 [SQL Response time >= 8000 ms]에 해당하는 상황이 1회 발생했습니다.", report.Summary, StringComparison.Ordinal);
        Assert.StartsWith("GET /orders/{id} 요청(test-api, prod-test-api-pod-6945c568-2ghw8)이 2025-06-17 14:03:10에 시작되어 9,000 ms 동안 수행되었습니다(HTTP 200).", report.Transaction, StringComparison.Ordinal);
        Assert.StartsWith(
            "SQL #4의 수행 시간은 8,120 ms로 전체 응답 시간 9,000 ms의 90.2%를 차지합니다(shop(postgresql) DB, orders, order_items 테이블 SELECT 문, 반환 120건).",
            Assert.Single(report.ProfileAnalysis), StringComparison.Ordinal);
        Assert.StartsWith("SQL #4의 실행 계획(EXPLAIN ANALYZE)을 확인하고, WHERE·JOIN 조건에 쓰인 orders, order_items 테이블 컬럼에 인덱스를", report.ActionPlan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void N_plus_one_asks_for_a_batch_or_join()
    {
        var en = Write(Traces.NPlusOne(), "en");
        var ko = Write(Traces.NPlusOne(), "ko");

        Assert.Contains("ran 300 times, 1,500 ms in all (50% of the response time", en.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.Contains("N+1", en.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.StartsWith("Replace the 300 executions of SQL #3 with one query", en.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("JOIN", en.ActionPlan[0], StringComparison.Ordinal);
        Assert.StartsWith("SQL #3부터 같은 order_items 테이블 SELECT 문이 300회 반복 실행되어 총 1,500 ms", ko.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.StartsWith("300회 반복 실행되는 SQL #3 대신 IN 조건 일괄 조회(batch fetch)나 JOIN(fetch join)으로", ko.ActionPlan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_wait_asks_about_leaks_and_pool_size()
    {
        var en = Write(Traces.ConnectionWait(), "en", AlertKinds.DbConnectionWait);
        var ko = Write(Traces.ConnectionWait(), "ko", AlertKinds.DbConnectionWait);

        Assert.StartsWith("The transaction waited once for a database connection from pool HikariPool-1, 1,500 ms in all (75% of the response time)", en.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.Contains("connection leaks", en.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("raise the pool's maximum size", en.ActionPlan[1], StringComparison.Ordinal);
        Assert.StartsWith("DB 커넥션 풀 HikariPool-1에서 커넥션을 얻기 위해 1회 대기했으며, 대기 시간은 총 1,500 ms로 응답 시간의 75%를 차지합니다.", ko.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.Contains("커넥션 누수", ko.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("최대 크기를 늘리고", ko.ActionPlan[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Slow_external_names_the_host_and_asks_for_timeout_and_circuit_breaker()
    {
        var en = Write(Traces.SlowExternal(), "en", AlertKinds.ExternalDelay);
        var ko = Write(Traces.SlowExternal(), "ko", AlertKinds.ExternalDelay);

        Assert.StartsWith("3 calls to payments.example.com:443 took 3,650 ms (73% of the response time); the slowest was step #4 (POST https://payments.example.com/v1/charge) at 1,250 ms, status 200, 504, 1 failed.", en.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.StartsWith("Set a timeout on calls to payments.example.com:443", en.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("circuit breaker", en.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("the 504 responses", en.ActionPlan[1], StringComparison.Ordinal);
        Assert.StartsWith("payments.example.com:443 호출 3건의 시간이 총 3,650 ms로 응답 시간의 73%를 차지합니다.", ko.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.Contains("타임아웃", ko.ActionPlan[0], StringComparison.Ordinal);
        Assert.Contains("서킷 브레이커", ko.ActionPlan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Exceptions_are_fixed_where_they_were_thrown()
    {
        var (spans, logs) = Traces.Exceptions();
        var en = Write(spans, "en", AlertKinds.Exception, logs);
        var ko = Write(spans, "ko", AlertKinds.Exception, logs);

        Assert.Contains("IllegalStateException was thrown at com.shop.cart.CartService.checkout(CartService.java:120) in test-api.", en.Summary, StringComparison.Ordinal);
        Assert.Equal(2, en.ProfileAnalysis.Count);
        Assert.Contains("caused by java.sql.SQLException", en.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.StartsWith("System.InvalidOperationException (\"Order 1234 is already shipped\") was thrown at Shop.Orders.OrderService.ShipAsync(OrderService.cs:87) in order-service (step #3)", en.ProfileAnalysis[1], StringComparison.Ordinal);
        Assert.Equal(3, en.ActionPlan.Count);
        Assert.StartsWith("Fix the cause at com.shop.cart.CartService.checkout(CartService.java:120)", en.ActionPlan[0], StringComparison.Ordinal);
        Assert.StartsWith("Fix the cause at Shop.Orders.OrderService.ShipAsync(OrderService.cs:87)", en.ActionPlan[1], StringComparison.Ordinal);
        Assert.Contains("test-api의 com.shop.cart.CartService.checkout(CartService.java:120)에서 IllegalStateException 예외가 발생했습니다.", ko.Summary, StringComparison.Ordinal);
        Assert.StartsWith("com.shop.cart.CartService.checkout(CartService.java:120)에서 발생한 IllegalStateException 예외", ko.ActionPlan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_of_the_alerts_kind_come_first()
    {
        var t = new TraceBuilder();
        var root = t.Root("POST", "/pay", 5_000, status: 500);
        t.Http(root, 10, 4_000, "POST", "https://payments.example.com/v1/charge", "payments.example.com", 443, 200);
        t.Add(root, "PaymentService.confirm", 4_100, 50, with: s => s with
        {
            Events = [TraceBuilder.ExceptionEvent("java.lang.IllegalStateException", "Cart 77 is locked", Traces.JavaTrace)],
        });

        var asException = Write(t.Spans, "en", AlertKinds.Exception);
        var asDelay = Write(t.Spans, "en", AlertKinds.ExternalDelay);

        Assert.StartsWith("java.lang.IllegalStateException", asException.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.StartsWith("1 call to payments.example.com:443", asDelay.ProfileAnalysis[0], StringComparison.Ordinal);
        Assert.Equal(2, asDelay.ProfileAnalysis.Count);
    }

    [Fact]
    public void At_most_three_points_and_three_steps()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/everything", 10_000, status: 500);
        t.Sql(root, 0, 3_100, "SELECT * FROM a WHERE id = 1", rows: 50_000);
        t.Add(root, "HikariPool.getConnection", 3_200, 1_000);
        t.Http(root, 4_300, 3_000, "GET", "http://slow.example:80/q", "slow.example", 80, 503);
        for (var i = 0; i < 12; i++)
        {
            t.Sql(root, 7_400 + (i * 10), 5, $"SELECT * FROM b WHERE id = {i}");
        }

        t.Add(root, "boom", 7_600, 10, with: s => s with { ExceptionType = "System.InvalidOperationException", ExceptionMessage = "boom" });

        var report = Write(t.Spans, "en");

        Assert.Equal(3, report.ProfileAnalysis.Count);
        Assert.Equal(3, report.ActionPlan.Count);
        Assert.StartsWith("SQL #2", report.ProfileAnalysis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_healthy_transaction_reads_as_operating_normally()
    {
        var en = Write(Traces.Healthy(), "en");
        var ko = Write(Traces.Healthy(), "ko");

        Assert.True(en.OperatingNormally);
        Assert.EndsWith("the system is operating normally.", en.Summary, StringComparison.Ordinal);
        Assert.Equal("No step passed the thresholds. The longest was step #3 (render) at 60 ms, 30% of the 200 ms response time.", Assert.Single(en.ProfileAnalysis));
        Assert.Equal("No action is needed now.", en.ActionPlan[0]);
        Assert.True(ko.OperatingNormally);
        Assert.EndsWith("시스템은 정상 동작 중입니다.", ko.Summary, StringComparison.Ordinal);
        Assert.Equal("지금 조치할 사항은 없습니다.", ko.ActionPlan[0]);
    }

    [Fact]
    public void Without_a_transaction_the_report_says_so_and_is_not_called_normal()
    {
        var report = IncidentReportWriter.Write(Alert(), null, [], "en");

        Assert.False(report.OperatingNormally);
        Assert.Equal("No transaction was sampled for this alert; the report rests on the alert alone.", report.Transaction);
        Assert.Contains("TEST-API between 2025-06-17 14:03 and 2025-06-17 14:13", report.ActionPlan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_wait_alert_without_a_transaction_reports_the_pools_histogram_and_a_pool_plan()
    {
        var alert = Alert(AlertKinds.DbConnectionWait) with { Condition = "DB Connection wait time >= 1000 ms", Occurrences = 12, WorstValue = 5000 };

        var en = IncidentReportWriter.Write(alert, null, [], "en");
        Assert.False(en.OperatingNormally);
        Assert.EndsWith("No transaction was sampled; the connection pool's wait-time metric shows the waits, the longest at least 5,000 ms.", en.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Requests of TEST-API waited for a database connection 12 times at or over the threshold, the longest at least 5,000 ms", Assert.Single(en.ProfileAnalysis), StringComparison.Ordinal);
        Assert.Equal(3, en.ActionPlan.Count);
        Assert.StartsWith("Compare the pool's maximum size with the concurrent requests of TEST-API", en.ActionPlan[0], StringComparison.Ordinal);

        var ko = IncidentReportWriter.Write(alert, null, [], "ko");
        Assert.Contains("커넥션 풀 대기 시간 메트릭", ko.Summary, StringComparison.Ordinal);
        Assert.Contains("DB 커넥션을 12회 기다렸습니다 (가장 긴 대기 5,000 ms 이상)", Assert.Single(ko.ProfileAnalysis), StringComparison.Ordinal);
        Assert.Equal(3, ko.ActionPlan.Count);

        // Without a known worst value the sentence leaves the length out rather than guessing.
        var unknown = IncidentReportWriter.Write(alert with { WorstValue = null }, null, [], "en");
        Assert.EndsWith("the connection pool's wait-time metric shows the waits.", unknown.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_other_language_gets_english()
    {
        Assert.Equal(Write(Traces.SlowSql(), "en"), Write(Traces.SlowSql(), "fr"), ContentComparer.Instance);
        Assert.Equal(Write(Traces.SlowSql(), "ko"), Write(Traces.SlowSql(), "ko-KR"), ContentComparer.Instance);
    }
}

/// <summary>Compares reports by value (records compare lists by reference).</summary>
internal sealed class ContentComparer : IEqualityComparer<IncidentReportContent>
{
    public static ContentComparer Instance { get; } = new();

    public bool Equals(IncidentReportContent? x, IncidentReportContent? y) =>
        x is not null && y is not null && x.Summary == y.Summary && x.Transaction == y.Transaction
        && x.ProfileAnalysis.SequenceEqual(y.ProfileAnalysis) && x.ActionPlan.SequenceEqual(y.ActionPlan)
        && x.OperatingNormally == y.OperatingNormally;

    public int GetHashCode(IncidentReportContent obj) => obj.Summary.GetHashCode(StringComparison.Ordinal);
}
