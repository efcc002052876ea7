using Argus.AI.Masking;

namespace Argus.AI.Tests.Masking;

/// <summary>
/// Text that must pass through unchanged with every detector on (SQL identifiers aside, which a role asks for):
/// ordinary words, version numbers, timestamps, durations, metric values, SQL keywords and statements, Java and .NET
/// class and package names, stack frames, file names, plain numeric ids, Korean prose, HTTP status lines, MAC
/// addresses and clock times.
/// </summary>
public sealed class FalsePositiveTests
{
    private static readonly SensitiveDataMasker Masker = new(MaskingOptions.Default);

    public static TheoryData<string> Cases() =>
    [
        // ordinary words and prose
        "The quick brown fox jumps over the lazy dog.",
        "Connection refused while retrying; the circuit breaker opened after 5 failures.",
        "e.g. the cache was cold, i.e. the first request was slow etc.",
        "ASP.NET Core and ADO.NET are used; socket.io is not.",
        // version numbers
        "Upgraded to 1.4.2 from 1.3.9",
        "release v2.0.0-rc1 and 3.11.0-beta.2 and 10.0.100",
        "Spring Boot 3.2.5, Java 21.0.3+9-LTS, .NET 10.0.0",
        // timestamps
        "2025-06-17 14:03",
        "2025-06-17T14:03:22.123Z",
        "2025-06-17T14:03:22+09:00 and 17/06/2025 and 2025.06.17",
        "at 14:03:22 KST",
        "1718633002123 epoch millis",
        // durations and metrics
        "took 8000 ms (1.5s), timeout=30s, backoff 1.6s",
        "p95=812.4 p99=1203.7 avg=234.1ms error_rate=0.42%",
        "cpu 93.5% mem 1.2GiB rps=1520.3 gc_pause=12ms",
        "max_tokens=1024 temperature=0.2 token_count=532",
        // SQL keywords and statements
        "SELECT id, name FROM users WHERE status = 'ACTIVE' ORDER BY created_at DESC LIMIT 10",
        "INSERT INTO orders (id, total) VALUES (?, ?)",
        "UPDATE accounts SET balance = balance - ? WHERE id = ?",
        // Java, Kotlin and .NET names
        "java.lang.String cannot be cast to java.lang.Integer",
        "com.example.Foo and org.apache.commons.io and io.netty.channel.epoll",
        "at com.acme.order.OrderService.place(OrderService.java:142)",
        "at org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)",
        "System.InvalidOperationException: Sequence contains no elements at System.Linq.Enumerable.First",
        "Microsoft.Extensions.AI and System.IO.Pipelines and Newtonsoft.Json",
        "log.info(\"started\") and user.name and request.host and spring.cloud",
        // file names
        "Program.cs, main.py, deploy.sh, README.md, lib.rs, libssl.so, main.tf, Makefile.mk",
        "appsettings.json application.yml V42__add_index.sql pom.xml build.gradle.kts",
        "/src/Orders.Api/PaymentClient.cs:line 152",
        // plain ids and numbers
        "order 42 failed, retry 3 of 5, item 1001",
        "HTTP/1.1 503 Service Unavailable",
        "build #4521 on runner 7",
        "MAC 00:1a:2b:3c:4d:5e on eth0",
        "localhost:8080 and 127.0.0.1:5432 and 0.0.0.0:4317",
        // Korean prose
        "결제 처리 시간이 1.5초 걸렸고 재시도 3회 후 성공했습니다.",
        "주문 42번의 상태가 변경되었습니다 (v2.4.1 배포 이후).",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Is_not_masked(string text)
    {
        var result = Masker.Mask(text, new MaskingSession("tenant-a"));
        Assert.Equal(text, result.Text);
        Assert.Empty(result.Counts);
    }

    [Fact]
    public void Sql_keywords_are_never_masked_even_with_sql_identifiers_on()
    {
        var masker = new SensitiveDataMasker(MaskingOptions.All);
        var session = new MaskingSession("t");
        var text = "SELECT o.id, o.total FROM shop.orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'PAID' ORDER BY o.created_at DESC LIMIT 20";
        var masked = masker.Mask(text, session).Text;

        foreach (var keyword in new[] { "SELECT", "FROM", "JOIN", "ON", "WHERE", "ORDER BY", "DESC", "LIMIT", "'PAID'", "o.", "c." })
        {
            Assert.Contains(keyword, masked, StringComparison.Ordinal);
        }

        foreach (var name in new[] { "orders", "customers", "total", "customer_id", "status", "created_at", "shop" })
        {
            Assert.DoesNotContain(name, masked, StringComparison.Ordinal);
        }

        Assert.Equal(text, session.Unmask(masked));
    }
}
