using System.Security.Claims;
using Argus.Web.Authentication;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Argus.Web.Tests.Sessions;

/// <summary>A one-time sign-in link works once, within its lifetime, and only a bounded number are kept.</summary>
public sealed class ConsoleSignInLinksTests
{
    private static readonly Claim[] Claims = [new(ClaimTypes.Name, "demo-console")];

    [Fact]
    public void A_code_signs_in_once()
    {
        var links = new ConsoleSignInLinks(new FakeTimeProvider());
        var code = links.Issue(Claims);

        Assert.Equal("demo-console", Assert.Single(links.Redeem(code)!).Value);
        Assert.Null(links.Redeem(code));
    }

    [Fact]
    public void A_code_past_its_lifetime_or_never_issued_signs_in_nobody()
    {
        var time = new FakeTimeProvider();
        var links = new ConsoleSignInLinks(time);
        var code = links.Issue(Claims);
        time.Advance(ConsoleSignInLinks.Lifetime + TimeSpan.FromSeconds(1));

        Assert.Null(links.Redeem(code));
        Assert.Null(links.Redeem("not-a-code"));
        Assert.Null(links.Redeem(new string('a', 5000)));
        Assert.Null(links.Redeem(null));
    }

    [Fact]
    public void Issuing_past_the_capacity_drops_the_oldest_code_only()
    {
        var time = new FakeTimeProvider();
        var links = new ConsoleSignInLinks(time);
        var codes = new List<string>();
        for (var i = 0; i <= ConsoleSignInLinks.Capacity; i++)
        {
            codes.Add(links.Issue(Claims));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Null(links.Redeem(codes[0]));
        Assert.All(codes.Skip(1), c => Assert.NotNull(links.Redeem(c)));
    }
}
