using System.Globalization;
using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Alerting;

/// <summary>
/// One transaction per incident kind, as OTLP/JSON, with the rule that should fire on it and what the findings must
/// name. Spans start a few seconds ago so that the rule's window (ending now) holds them.
/// </summary>
public sealed record IncidentScenario(string Kind, JsonObject Rule, Func<string, string, IReadOnlyList<string>> Traces, string ExpectedFinding, string[] ExpectedTexts)
{
    public override string ToString() => Kind;

    public static IReadOnlyDictionary<string, IncidentScenario> All { get; } = new Dictionary<string, IncidentScenario>
    {
        ["slow_sql"] = new("slow_sql", NewRule("slow_sql", thresholdMs: 8000), (service, instance) =>
            [Transaction(service, instance, "GET", "/api/orders/{id}", 9_200, 0,
                Sql(50, 20, "SELECT c.name FROM customers c WHERE c.id = 42"),
                Sql(80, 8_500, "SELECT o.id, o.total FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 42"),
                Sql(8_600, 30, "UPDATE inventory SET qty = qty - 1 WHERE sku = 'A1'"))],
            "dominant_sql", ["\"stepIndex\":3", "orders", "\"crud\":\"Select\""]),
        ["db_connection_wait"] = new("db_connection_wait", NewRule("db_connection_wait", thresholdMs: 2000), (service, instance) =>
            [Transaction(service, instance, "POST", "/api/checkout", 3_500, 0,
                Child(10, 3_000, "HikariPool.getConnection", 1, [("db.client.connection.pool.name", "HikariPool-1")]),
                Sql(3_020, 40, "INSERT INTO payments (order_id, amount) VALUES (7, 12.5)"))],
            "connection_wait", ["\"stepIndex\":2", "HikariPool"]),
        ["external_delay"] = new("external_delay", NewRule("external_delay", thresholdMs: 3000, host: "payments.example.com"), (service, instance) =>
            [Transaction(service, instance, "POST", "/api/pay", 5_600, 0,
                Child(100, 5_200, "POST", 3, [("http.request.method", "POST"), ("server.address", "payments.example.com"), ("server.port", "443"),
                    ("url.full", "https://payments.example.com/v1/charges"), ("http.response.status_code", "200")]))],
            "slow_external", ["payments.example.com"]),
        ["exception"] = new("exception", NewRule("exception", exceptionType: "SQLIntegrityConstraintViolationException"), (service, instance) =>
            [Transaction(service, instance, "POST", "/api/orders", 120, 2,
                Child(10, 90, "OrderService.place", 1, [], status: 2, events: ExceptionEvent(
                    "java.sql.SQLIntegrityConstraintViolationException", "Duplicate entry '42' for key 'PRIMARY'",
                    "java.sql.SQLIntegrityConstraintViolationException: Duplicate entry '42' for key 'PRIMARY'\n"
                    + "\tat com.shop.orders.OrderRepository.save(OrderRepository.java:57)\n"
                    + "\tat com.shop.orders.OrderService.place(OrderService.java:31)\n"
                    + "\tat org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:186)\n")))],
            "exception", ["SQLIntegrityConstraintViolationException", "OrderRepository.save"]),
        ["excessive_sql"] = new("excessive_sql", NewRule("excessive_sql", threshold: 100), (service, instance) =>
            [Transaction(service, instance, "GET", "/api/orders", 2_000, 0,
                [.. Enumerable.Range(0, 300).Select(i => Sql(10 + (i * 6), 5, $"SELECT * FROM order_items WHERE order_id = {i}"))])],
            "repeated_sql", ["\"count\":300", "order_items"]),
        ["excessive_rows"] = new("excessive_rows", NewRule("excessive_rows", threshold: 10_000), (service, instance) =>
            [Transaction(service, instance, "GET", "/api/audit", 1_500, 0,
                Sql(20, 1_200, "SELECT * FROM audit_log WHERE created_at > '2026-01-01'", [("db.response.returned_rows", "50000")]))],
            "excessive_rows", ["\"rows\":50000", "audit_log"]),
        ["error_rate"] = new("error_rate", NewRule("error_rate", threshold: 20, minOccurrences: 5), (service, instance) =>
            [.. Enumerable.Range(0, 10).Select(i => Transaction(service, instance, "POST", "/api/pay", 40, i % 2 == 0 ? 2 : 0,
                Child(5, 30, "POST", 3, [("http.request.method", "POST"), ("server.address", "bank.example.com"), ("server.port", "443"),
                    ("http.response.status_code", i % 2 == 0 ? "503" : "200")], status: i % 2 == 0 ? 2 : 0,
                    events: i % 2 == 0 ? ExceptionEvent("System.Net.Http.HttpRequestException", "Response status code does not indicate success: 503",
                        "System.Net.Http.HttpRequestException: Response status code does not indicate success: 503\n"
                        + "   at Shop.Payments.BankClient.ChargeAsync(Order order) in /src/Payments/BankClient.cs:line 44\n"
                        + "   at Shop.Payments.PayHandler.HandleAsync(HttpContext context) in /src/Payments/PayHandler.cs:line 18\n") : null)))],
            "exception", ["HttpRequestException", "BankClient.ChargeAsync"]),
        ["latency"] = new("latency", NewRule("latency", thresholdMs: 1000, minOccurrences: 5), (service, instance) =>
            [.. Enumerable.Range(0, 8).Select(_ => Transaction(service, instance, "GET", "/api/report", 1_500, 0,
                Sql(10, 1_400, "SELECT region, sum(total) FROM sales GROUP BY region")))],
            "dominant_sql", ["sales"]),
    };

    private static JsonObject NewRule(string kind, double? thresholdMs = null, double? threshold = null, string? host = null, string? exceptionType = null, int minOccurrences = 1)
    {
        var rule = new JsonObject
        {
            ["kind"] = kind,
            ["minOccurrences"] = minOccurrences,
            ["window"] = "00:10:00",
            ["evaluateEvery"] = "00:00:01",
            ["channels"] = new JsonArray("hook"),
        };
        if (thresholdMs is not null)
        {
            rule["thresholdMs"] = thresholdMs;
        }

        if (threshold is not null)
        {
            rule["threshold"] = threshold;
        }

        if (host is not null)
        {
            rule["host"] = host;
        }

        if (exceptionType is not null)
        {
            rule["exceptionType"] = exceptionType;
        }

        return rule;
    }

    /// <summary>A child span: (offset ms, duration ms, name, kind, attributes).</summary>
    public sealed record ChildSpan(double OffsetMs, double DurationMs, string Name, int Kind, (string, string)[] Attributes, int Status = 0, string? Events = null);

    private static ChildSpan Child(double offsetMs, double durationMs, string name, int kind, (string, string)[] attributes, int status = 0, string? events = null) =>
        new(offsetMs, durationMs, name, kind, attributes, status, events);

    private static ChildSpan Sql(double offsetMs, double durationMs, string statement, (string, string)[]? extra = null) =>
        new(offsetMs, durationMs, statement.Split(' ')[0] + " shop", 3,
            [("db.system", "mysql"), ("db.namespace", "shop"), ("db.query.text", statement), ("server.address", "mysql-prod-1.internal"), .. extra ?? []]);

    private static string ExceptionEvent(string type, string message, string stack) =>
        $$"""{"name":"exception","timeUnixNano":"{{OtlpJson.Nanos(DateTimeOffset.UtcNow)}}","attributes":[{{OtlpJson.Attr("exception.type", type)}},{{OtlpJson.Attr("exception.message", message)}},{{OtlpJson.Attr("exception.stacktrace", stack)}}]}""";

    /// <summary>A whole request: a server span with the children under it, as one OTLP/JSON traces body.</summary>
    public static string Transaction(string service, string instance, string method, string route, double durationMs, int status, params ChildSpan[] children)
    {
        var traceId = OtlpJson.NewTraceId();
        var rootId = OtlpJson.NewSpanId();
        var start = DateTimeOffset.UtcNow.AddSeconds(-5);
        var spans = new List<string>
        {
            OtlpJson.Span(traceId, rootId, null, $"{method} {route}", 2, start, durationMs, status,
                [("http.request.method", method), ("http.route", route), ("url.path", route.Replace("{id}", "42", StringComparison.Ordinal)),
                 ("http.response.status_code", status == 2 ? "500" : "200")]),
        };
        spans.AddRange(children.Select(c => OtlpJson.Span(
            traceId, OtlpJson.NewSpanId(), rootId, c.Name, c.Kind, start.AddMilliseconds(c.OffsetMs), c.DurationMs, c.Status, c.Attributes, c.Events)));
        return $$"""
            {"resourceSpans":[{"resource":{"attributes":[{{OtlpJson.Attr("service.name", service)}},{{OtlpJson.Attr("service.instance.id", instance)}},{{OtlpJson.Attr("deployment.environment", "PRODUCTION")}}]},
              "scopeSpans":[{"scope":{"name":"test"},"spans":[{{string.Join(",", spans)}}]}]}]}
            """;
    }

    public static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
