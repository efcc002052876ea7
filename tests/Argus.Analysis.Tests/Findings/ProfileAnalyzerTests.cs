using System.Text.Json;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;
using Argus.Analysis.Reports;
using Argus.Analysis.Sql;
using Argus.Analysis.Tests.Profiles;
using Argus.Core.Telemetry;

namespace Argus.Analysis.Tests.Findings;

public sealed class ProfileAnalyzerTests
{
    private static IReadOnlyList<Finding> Analyze(List<SpanRecord> spans, IReadOnlyList<LogRecord>? logs = null, AnalyzerOptions? options = null) =>
        ProfileAnalyzer.Analyze(TransactionProfileBuilder.Build(spans, logs), options);

    [Fact]
    public void A_slow_select_dominating_the_request_is_the_first_finding()
    {
        var findings = Analyze(Traces.SlowSql());

        var sql = Assert.IsType<DominantSqlFinding>(Assert.Single(findings));
        Assert.Equal(FindingSeverity.Critical, sql.Severity);
        Assert.Equal(4, sql.StepIndex);
        Assert.Equal(8_120, sql.DurationMs);
        Assert.Equal(90.2, sql.SharePercent);
        Assert.Equal(["orders", "order_items"], sql.Tables);
        Assert.Equal(CrudKind.Select, sql.Crud);
        Assert.Equal("shop", sql.DbName);
        Assert.Equal("postgresql", sql.DbSystem);
        Assert.Equal(120, sql.RowsReturned);
        Assert.Equal(1, sql.Executions);
    }

    [Fact]
    public void Three_hundred_identical_selects_are_an_n_plus_one()
    {
        var findings = Analyze(Traces.NPlusOne());

        var repeated = Assert.IsType<RepeatedSqlFinding>(Assert.Single(findings));
        Assert.Equal(300, repeated.Count);
        Assert.Equal(3, repeated.FirstStepIndex);
        Assert.Equal(1_500, repeated.TotalMs);
        Assert.Equal(50, repeated.SharePercent);
        Assert.Equal(FindingSeverity.Critical, repeated.Severity);
        Assert.Equal(["order_items"], repeated.Tables);
        Assert.Equal(CrudKind.Select, repeated.Crud);
    }

    [Fact]
    public void Many_different_statements_are_excessive_sql()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/report", 4_000);
        for (var i = 0; i < 120; i++)
        {
            t.Sql(root, i * 30, 20, $"SELECT * FROM table_{i} WHERE id = 1");
        }

        var excessive = Assert.IsType<ExcessiveSqlFinding>(Assert.Single(Analyze(t.Spans)));
        Assert.Equal(120, excessive.SqlCount);
        Assert.Equal(120, excessive.DistinctStatements);
        Assert.Equal(2_400, excessive.TotalMs);
        Assert.Equal(60, excessive.SharePercent);
    }

    [Fact]
    public void A_call_returning_too_many_rows_is_reported()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/export", 900);
        t.Sql(root, 10, 80, "SELECT * FROM events WHERE day = '2025-06-17'", rows: 250_000);

        var rows = Assert.IsType<ExcessiveRowsFinding>(Assert.Single(Analyze(t.Spans)));
        Assert.Equal(2, rows.StepIndex);
        Assert.Equal(250_000, rows.Rows);
        Assert.Equal(["events"], rows.Tables);
    }

    [Fact]
    public void Waiting_for_a_pooled_connection_is_reported()
    {
        var wait = Assert.IsType<ConnectionWaitFinding>(Assert.Single(Analyze(Traces.ConnectionWait())));

        Assert.Equal(2, wait.StepIndex);
        Assert.Equal(1_500, wait.TotalMs);
        Assert.Equal(75, wait.SharePercent);
        Assert.Equal("HikariPool-1", wait.PoolName);
        Assert.Equal(FindingSeverity.Critical, wait.Severity);
    }

    [Fact]
    public void Slow_calls_are_reported_by_address()
    {
        var external = Assert.IsType<SlowExternalFinding>(Assert.Single(Analyze(Traces.SlowExternal())));

        Assert.Equal("payments.example.com:443", external.Address);
        Assert.Equal(3, external.Count);
        Assert.Equal(3_650, external.TotalMs);
        Assert.Equal(1_250, external.MaxMs);
        Assert.Equal(73, external.SharePercent);
        Assert.Equal(4, external.SlowestStepIndex);
        Assert.Equal([200, 504], external.StatusCodes);
        Assert.Equal(1, external.ErrorCount);
    }

    [Fact]
    public void Exceptions_are_reported_with_type_service_and_thrown_at_frame()
    {
        var (spans, logs) = Traces.Exceptions();

        var findings = Analyze(spans, logs);

        Assert.Equal(2, findings.Count);
        var java = Assert.IsType<ExceptionFinding>(findings[0]);
        Assert.Equal(FindingSeverity.Critical, java.Severity);
        Assert.Equal("java.lang.IllegalStateException", java.Type);
        Assert.Equal("test-api", java.Service);
        Assert.Equal("com.shop.cart.CartService.checkout(CartService.java:120)", java.ThrownAt);
        Assert.Equal(["java.sql.SQLException"], java.Causes);
        var dotnet = Assert.IsType<ExceptionFinding>(findings[1]);
        Assert.Equal("System.InvalidOperationException", dotnet.Type);
        Assert.Equal("order-service", dotnet.Service);
        Assert.Equal("Shop.Orders.OrderService.ShipAsync(OrderService.cs:87)", dotnet.ThrownAt);
        Assert.Equal(3, dotnet.StepIndex);
    }

    [Fact]
    public void A_healthy_transaction_has_no_significant_problem()
    {
        var calm = Assert.IsType<NoSignificantProblemFinding>(Assert.Single(Analyze(Traces.Healthy())));

        Assert.Equal(FindingSeverity.Info, calm.Severity);
        Assert.Equal(3, calm.LargestStepIndex);
        Assert.Equal("render", calm.LargestStepName);
        Assert.Equal(60, calm.LargestStepMs);
        Assert.Equal(30, calm.SharePercent);
    }

    [Fact]
    public void A_large_share_of_a_tiny_request_is_not_significant()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/ping", 6);
        t.Sql(root, 1, 4, "SELECT 1");

        Assert.IsType<NoSignificantProblemFinding>(Assert.Single(Analyze(t.Spans)));
    }

    [Fact]
    public void Findings_come_most_important_first_and_thresholds_are_options()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/mixed", 10_000);
        t.Sql(root, 0, 3_500, "SELECT * FROM a WHERE x = 1");                          // 35 %: warning
        t.Http(root, 3_600, 6_000, "GET", "http://slow.example:80/q", "slow.example", 80, 200); // 60 %: critical

        var findings = Analyze(t.Spans);
        Assert.IsType<SlowExternalFinding>(findings[0]);
        Assert.IsType<DominantSqlFinding>(findings[1]);

        var stricter = Analyze(t.Spans, options: new AnalyzerOptions { DominantSqlSharePercent = 40, DominantSqlMs = 5_000 });
        Assert.IsType<SlowExternalFinding>(Assert.Single(stricter));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var options = new AnalyzerOptions { RepeatedSqlCount = 1, CriticalSharePercent = 120, MaxFindings = 0 };

        Assert.Equal(3, options.Validate().Count);
        Assert.Throws<ArgumentException>(() => Analyze(Traces.Healthy(), options: options));
    }

    [Fact]
    public void Findings_serialise_with_a_kind_and_read_back()
    {
        var (spans, logs) = Traces.Exceptions();
        IReadOnlyList<Finding> findings = [.. Analyze(Traces.SlowSql()), .. Analyze(Traces.NPlusOne()), .. Analyze(spans, logs), .. Analyze(Traces.Healthy())];

        var json = JsonSerializer.Serialize(findings, AnalysisJsonContext.Default.IReadOnlyListFinding);
        var back = JsonSerializer.Deserialize(json, AnalysisJsonContext.Default.IReadOnlyListFinding)!;

        Assert.Contains("\"kind\":\"dominant_sql\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"repeated_sql\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"exception\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"no_significant_problem\"", json, StringComparison.Ordinal);
        Assert.Contains("\"crud\":\"Select\"", json, StringComparison.Ordinal);
        Assert.Equal(findings.Select(f => f.GetType()), back.Select(f => f.GetType()));
        Assert.Equal(json, JsonSerializer.Serialize(back, AnalysisJsonContext.Default.IReadOnlyListFinding));
    }

    [Fact]
    public void A_profile_serialises_and_reads_back()
    {
        var profile = TransactionProfileBuilder.Build(Traces.SlowExternal());

        var json = JsonSerializer.Serialize(profile, AnalysisJsonContext.Default.TransactionProfile);
        var back = JsonSerializer.Deserialize(json, AnalysisJsonContext.Default.TransactionProfile)!;

        Assert.Contains("\"type\":\"External\"", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(back, AnalysisJsonContext.Default.TransactionProfile));
    }
}
