using Argus.Analysis.Logs;

namespace Argus.Analysis.Tests.Logs;

public sealed class ExceptionFingerprinterTests
{
    private const string DotNetTrace = """
        System.InvalidOperationException: Order 1234 is already shipped
           at Shop.Orders.OrderService.<ShipAsync>d__12.MoveNext() in /src/Shop/Orders/OrderService.cs:line 87
        --- End of stack trace from previous location ---
           at System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)
           at Shop.Orders.OrderService.<>c__DisplayClass5_0.<Retry>b__0() in /src/Shop/Orders/OrderService.cs:line 40
           at Shop.Api.OrdersEndpoint.Ship(Int32 id) in /src/Shop/Api/OrdersEndpoint.cs:line 21
           at Microsoft.AspNetCore.Http.RequestDelegateFactory.ExecuteTaskResult[T](Task`1 task, HttpContext httpContext)
        """;

    private const string JavaTrace = """
        java.lang.IllegalStateException: Cart 77 is locked
        	at com.shop.cart.CartService.lambda$checkout$0(CartService.java:120)
        	at java.base/java.util.Optional.map(Optional.java:260)
        	at com.shop.cart.CartService$$EnhancerBySpringCGLIB$$a1b2c3.checkout(<generated>)
        	at com.shop.api.CartController$$Lambda$1234/0x0000000800c4b040.apply(Unknown Source)
        	at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
        Caused by: java.sql.SQLException: lock timeout after 5000 ms
        	at com.shop.db.Locks.acquire(Locks.java:44)
        	... 12 more
        """;

    [Fact]
    public void DotNet_frames_are_normalised_and_framework_frames_dropped()
    {
        var fp = ExceptionFingerprinter.FromText(DotNetTrace);

        Assert.Equal("System.InvalidOperationException", fp.ExceptionType);
        Assert.Equal(["Shop.Orders.OrderService.ShipAsync", "Shop.Orders.OrderService.Retry", "Shop.Api.OrdersEndpoint.Ship"], fp.Frames);
        Assert.Equal("InvalidOperationException at Shop.Orders.OrderService.ShipAsync", fp.Title);
    }

    [Fact]
    public void Line_numbers_messages_and_generated_names_do_not_change_the_fingerprint()
    {
        var moved = DotNetTrace.Replace("line 87", "line 91", StringComparison.Ordinal)
            .Replace("d__12", "d__15", StringComparison.Ordinal)
            .Replace("DisplayClass5_0", "DisplayClass7_1", StringComparison.Ordinal)
            .Replace("Order 1234", "Order 99", StringComparison.Ordinal);

        Assert.Equal(ExceptionFingerprinter.FromText(DotNetTrace).Fingerprint, ExceptionFingerprinter.FromText(moved).Fingerprint);
    }

    [Fact]
    public void Java_frames_drop_lambdas_proxies_and_framework_frames()
    {
        var fp = ExceptionFingerprinter.FromText(JavaTrace);

        Assert.Equal("java.lang.IllegalStateException", fp.ExceptionType);
        Assert.Equal(["com.shop.cart.CartService.checkout", "com.shop.api.CartController.apply", "com.shop.db.Locks.acquire"], fp.Frames);

        var regenerated = JavaTrace.Replace("$$Lambda$1234/0x0000000800c4b040", "$$Lambda$77/0x0000000800aa0000", StringComparison.Ordinal)
            .Replace("a1b2c3", "ffee99", StringComparison.Ordinal)
            .Replace("lambda$checkout$0", "lambda$checkout$3", StringComparison.Ordinal)
            .Replace("CartService.java:120", "CartService.java:133", StringComparison.Ordinal);
        Assert.Equal(fp.Fingerprint, ExceptionFingerprinter.FromText(regenerated).Fingerprint);
    }

    [Fact]
    public void Different_in_app_frames_or_types_give_different_fingerprints()
    {
        var other = DotNetTrace.Replace("OrdersEndpoint.Ship", "OrdersEndpoint.Cancel", StringComparison.Ordinal);
        var otherType = DotNetTrace.Replace("InvalidOperationException", "ArgumentException", StringComparison.Ordinal);

        var fp = ExceptionFingerprinter.FromText(DotNetTrace).Fingerprint;
        Assert.NotEqual(fp, ExceptionFingerprinter.FromText(other).Fingerprint);
        Assert.NotEqual(fp, ExceptionFingerprinter.FromText(otherType).Fingerprint);
    }

    [Fact]
    public void Without_a_stack_the_message_template_is_used()
    {
        var a = ExceptionFingerprinter.Compute("TimeoutException", "Timed out after 30 s calling 10.0.0.5:443", null);
        var b = ExceptionFingerprinter.Compute("TimeoutException", "Timed out after 12 s calling 10.0.0.9:443", "");
        var c = ExceptionFingerprinter.Compute("TimeoutException", "Connection refused by 10.0.0.9:443", null);

        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
        Assert.Empty(a.Frames);
        Assert.Equal("TimeoutException: Timed out after <*> s calling <*>", a.Title);
    }

    [Fact]
    public void Type_attribute_and_header_line_agree()
    {
        var fromText = ExceptionFingerprinter.FromText(DotNetTrace);
        var fromParts = ExceptionFingerprinter.Compute("System.InvalidOperationException", "Order 1234 is already shipped", DotNetTrace);
        Assert.Equal(fromText.Fingerprint, fromParts.Fingerprint);
    }
}
