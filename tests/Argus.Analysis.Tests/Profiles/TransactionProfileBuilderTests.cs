using System.Text.Json;
using Argus.Analysis.Profiles;
using Argus.Analysis.Reports;
using Argus.Analysis.Sql;
using Argus.Core.Telemetry;

namespace Argus.Analysis.Tests.Profiles;

public sealed class TransactionProfileBuilderTests
{
    [Fact]
    public void Root_endpoint_and_steps_come_in_tree_order_with_shares()
    {
        var profile = TransactionProfileBuilder.Build(Traces.SlowSql());

        Assert.Equal("test-api", profile.Service);
        Assert.Equal("prod-test-api-pod-6945c568-2ghw8", profile.Instance);
        Assert.Equal("production", profile.Environment);
        Assert.Equal("GET /orders/{id}", profile.Endpoint);
        Assert.Equal(200, profile.HttpStatusCode);
        Assert.Equal(TraceBuilder.Start, profile.Start);
        Assert.Equal(9_000, profile.DurationMs);
        Assert.Equal([1, 2, 3, 4, 5], profile.Steps.Select(s => s.Index));
        Assert.Equal([0, 1, 1, 2, 1], profile.Steps.Select(s => s.Depth));
        Assert.Equal([StepType.Server, StepType.Sql, StepType.Internal, StepType.Sql, StepType.Sql], profile.Steps.Select(s => s.Type));
        Assert.Equal(profile.Steps[2].SpanId, profile.Steps[3].ParentSpanId);
        Assert.Null(profile.Steps[0].ParentSpanId);
        Assert.Equal(40, profile.Steps[3].StartOffsetMs);
        Assert.Equal(90.2, profile.Steps[3].SharePercent);
        Assert.Null(profile.Truncation);
    }

    [Fact]
    public void Sql_statements_carry_normalised_text_tables_crud_and_rows()
    {
        var profile = TransactionProfileBuilder.Build(Traces.SlowSql());

        Assert.Equal([2, 4, 5], profile.Sql.Select(s => s.StepIndex));
        var slow = profile.Sql[1];
        Assert.Equal("SELECT o.id, i.sku FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = ?", slow.NormalizedText);
        Assert.Equal(["orders", "order_items"], slow.Tables);
        Assert.Equal(CrudKind.Select, slow.Crud);
        Assert.Equal("postgresql", slow.DbSystem);
        Assert.Equal("shop", slow.DbName);
        Assert.Equal(8_120, slow.DurationMs);
        Assert.Equal(90.2, slow.SharePercent);
        Assert.Equal(120, slow.RowsReturned);
        Assert.Equal(16, slow.Fingerprint.Length);
        Assert.Equal(CrudKind.Update, profile.Sql[2].Crud);
        Assert.Equal(3, profile.Totals.SqlCount);
        Assert.Equal(8_170, profile.Totals.SqlTotalMs);
    }

    [Fact]
    public void The_same_spans_in_any_order_give_the_same_profile()
    {
        var spans = Traces.SlowSql();
        var reversed = Enumerable.Reverse(spans).ToList();

        var a = JsonSerializer.Serialize(TransactionProfileBuilder.Build(spans), AnalysisJsonContext.Default.TransactionProfile);
        var b = JsonSerializer.Serialize(TransactionProfileBuilder.Build(reversed), AnalysisJsonContext.Default.TransactionProfile);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Repeated_statements_group_by_fingerprint_over_every_call()
    {
        var profile = TransactionProfileBuilder.Build(Traces.NPlusOne());

        var top = profile.SqlGroups[0];
        Assert.Equal(300, top.Count);
        Assert.Equal(1_500, top.TotalMs);
        Assert.Equal(50, top.SharePercent);
        Assert.Equal(3, top.FirstStepIndex);
        Assert.Equal("SELECT sku, qty FROM order_items WHERE order_id = ?", top.NormalizedText);
        Assert.Equal(300, top.RowsReturned);
        Assert.Equal(301, profile.Totals.SqlCount);
    }

    [Theory]
    [InlineData("HikariPool.getConnection", null)]
    [InlineData("DataSource.getConnection", null)]
    [InlineData("connection acquire", null)]
    [InlineData("db.client.connection.wait", null)]
    [InlineData("pool wait", "main")]
    public void Connection_pool_waits_are_recognised(string name, string? pool)
    {
        var span = new TraceBuilder().Add(null, name, 0, 10, with: s => s with
        {
            Attributes = pool is null ? [] : [new TelemetryAttribute("db.client.connection.pool.name", pool)],
        });

        Assert.Equal(StepType.ConnectionWait, TransactionProfileBuilder.Classify(span));
    }

    [Fact]
    public void A_span_merely_named_wait_is_not_a_connection_wait()
    {
        var span = new TraceBuilder().Add(null, "wait for approval", 0, 10);

        Assert.Equal(StepType.Internal, TransactionProfileBuilder.Classify(span));
    }

    [Fact]
    public void Connection_waits_are_listed_with_pool_and_share()
    {
        var profile = TransactionProfileBuilder.Build(Traces.ConnectionWait());

        var wait = Assert.Single(profile.ConnectionWaits);
        Assert.Equal(2, wait.StepIndex);
        Assert.Equal("HikariPool-1", wait.PoolName);
        Assert.Equal(1_500, wait.DurationMs);
        Assert.Equal(75, wait.SharePercent);
        Assert.Equal(1, profile.Totals.ConnectionWaitCount);
        Assert.Equal(1, profile.Totals.SqlCount);
    }

    [Fact]
    public void External_calls_have_address_status_and_no_query_string()
    {
        var profile = TransactionProfileBuilder.Build(Traces.SlowExternal());

        Assert.Equal(4, profile.ExternalCalls.Count);
        var failed = profile.ExternalCalls[2];
        Assert.Equal(4, failed.StepIndex);
        Assert.Equal("payments.example.com:443", failed.Address);
        Assert.Equal("https://payments.example.com/v1/charge", failed.Url);
        Assert.Equal(504, failed.StatusCode);
        Assert.True(failed.IsError);
        Assert.Equal("stock.internal:8080", profile.ExternalCalls[3].Address);

        var target = profile.ExternalTargets[0];
        Assert.Equal("payments.example.com:443", target.Address);
        Assert.Equal(3, target.Count);
        Assert.Equal(3_650, target.TotalMs);
        Assert.Equal(1_250, target.MaxMs);
        Assert.Equal(73, target.SharePercent);
        Assert.Equal([200, 504], target.StatusCodes);
        Assert.Equal(1, target.ErrorCount);
        Assert.Equal(4, target.SlowestStepIndex);
        Assert.DoesNotContain("secret", JsonSerializer.Serialize(profile, AnalysisJsonContext.Default.TransactionProfile), StringComparison.Ordinal);
    }

    [Fact]
    public void Exceptions_come_from_span_events_and_error_logs_with_in_app_frames()
    {
        var (spans, logs) = Traces.Exceptions();
        var profile = TransactionProfileBuilder.Build(spans, logs);

        Assert.True(profile.IsError);
        Assert.Equal(2, profile.Totals.ExceptionCount);
        var java = profile.Exceptions[0];
        Assert.Equal(2, java.StepIndex);
        Assert.Equal(ExceptionSource.Span, java.Source);
        Assert.Equal("java.lang.IllegalStateException", java.Type);
        Assert.Equal("Cart 77 is locked", java.Message);
        Assert.Equal(["java.sql.SQLException"], java.Causes);
        Assert.Equal("com.shop.cart.CartService.checkout(CartService.java:120)", java.ThrownAt);
        Assert.Equal(
            ["com.shop.cart.CartService.checkout(CartService.java:120)", "com.shop.cart.CartService.checkout", "com.shop.api.CartController.checkout(CartController.java:55)", "com.shop.db.Locks.acquire(Locks.java:44)"],
            java.InAppFrames);

        var dotnet = profile.Exceptions[1];
        Assert.Equal(3, dotnet.StepIndex);
        Assert.Equal("order-service", dotnet.Service);
        Assert.Equal(ExceptionSource.Log, dotnet.Source);
        Assert.Equal("System.InvalidOperationException", dotnet.Type);
        Assert.Equal("Shop.Orders.OrderService.ShipAsync(OrderService.cs:87)", dotnet.ThrownAt);
        Assert.Equal(["Shop.Orders.OrderService.ShipAsync(OrderService.cs:87)", "Shop.Api.OrdersEndpoint.Ship(OrdersEndpoint.cs:21)"], dotnet.InAppFrames);
    }

    [Fact]
    public void A_logged_exception_already_on_its_span_counts_once()
    {
        var (spans, _) = Traces.Exceptions();
        var java = spans[1];
        var log = new LogRecord
        {
            TenantId = "t1",
            SeverityNumber = 17,
            Body = "checkout failed",
            ServiceName = "test-api",
            TraceId = java.TraceId,
            SpanId = java.SpanId,
            ExceptionType = "java.lang.IllegalStateException",
            ExceptionStacktrace = Traces.JavaTrace,
        };

        var profile = TransactionProfileBuilder.Build(spans, [log]);

        Assert.Equal(1, profile.Totals.ExceptionCount);
    }

    [Fact]
    public void A_ten_thousand_span_trace_gives_a_bounded_profile_with_exact_totals()
    {
        var t = new TraceBuilder();
        var root = t.Root("POST", "/batch", 60_000);
        var parent = root;
        for (var i = 0; i < 9_999; i++)
        {
            // Every tenth span nests one level deeper, so the tree is 1,000 levels deep as well as wide.
            var span = i % 10 == 0
                ? t.Add(parent, $"chunk {i}", i * 5, 5)
                : t.Sql(parent, i * 5, 5, $"SELECT * FROM table_{i % 100} WHERE id = {i} AND note = '{new string('x', 3_000)}'");
            if (i % 10 == 0)
            {
                parent = span;
            }
        }

        var profile = TransactionProfileBuilder.Build(t.Spans);

        Assert.Equal(10_000, profile.SpanCount);
        Assert.Equal(ProfileOptions.Default.MaxSteps, profile.Steps.Count);
        Assert.Equal(ProfileOptions.Default.MaxSqlStatements, profile.Sql.Count);
        Assert.Equal(8_999, profile.Totals.SqlCount); // 1,000 of the 9,999 children are "chunk" spans
        Assert.Equal(44_995, profile.Totals.SqlTotalMs);
        Assert.Equal(90, profile.SqlGroups.Count);
        Assert.Equal(100, profile.SqlGroups[0].Count);
        Assert.True(profile.Truncated);
        Assert.Equal(9_500, profile.Truncation!.StepsOmitted);
        Assert.Equal(8_699, profile.Truncation.SqlOmitted);
        Assert.Equal(ProfileOptions.Default.MaxSqlStatements, profile.Truncation.StatementsShortened);
        Assert.All(profile.Sql, s => Assert.True(s.Statement!.Length <= ProfileOptions.Default.MaxStatementLength));
        var json = JsonSerializer.Serialize(profile, AnalysisJsonContext.Default.TransactionProfile);
        Assert.InRange(json.Length, 1, 2_000_000);

        // With room for every step, the walk reaches the deepest span (no recursion to overflow).
        var whole = TransactionProfileBuilder.Build(t.Spans, options: new ProfileOptions { MaxSteps = 10_000 });
        Assert.Equal(1_001, whole.Steps.Max(s => s.Depth));
        Assert.Null(whole.Truncation is { StepsOmitted: > 0 } ? whole.Truncation : null);
    }

    [Fact]
    public void Invalid_options_are_rejected_with_every_problem()
    {
        var options = new ProfileOptions { MaxSteps = 0, MaxStatementLength = 3 };

        Assert.Equal(2, options.Validate().Count);
        var e = Assert.Throws<ArgumentException>(() => TransactionProfileBuilder.Build(Traces.Healthy(), options: options));
        Assert.Contains("MaxSteps", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxStatementLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_spans_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => TransactionProfileBuilder.Build([]));
    }

    [Fact]
    public void Spans_whose_parent_is_missing_hang_at_the_root_level()
    {
        var t = new TraceBuilder();
        var root = t.Root("GET", "/x", 100);
        var lost = t.Add(null, "late", 10, 5, with: s => s with { ParentSpanId = new SpanId(0xdead) });
        t.Add(root, "child", 20, 5);

        var profile = TransactionProfileBuilder.Build(t.Spans);

        Assert.Equal(root.SpanId.ToString(), profile.RootSpanId);
        Assert.Equal(["GET /x", "child", "late"], profile.Steps.Select(s => s.Name));
        Assert.Equal(0, profile.Steps[2].Depth);
        Assert.Equal(lost.SpanId.ToString(), profile.Steps[2].SpanId);
    }
}
