using Argus.AI.Gateway;
using Argus.AI.Roles;
using Microsoft.Extensions.Time.Testing;

namespace Argus.AI.Tests.Gateway;

public sealed class RateLimiterTests
{
    [Fact]
    public void Interval_limit_refuses_until_the_interval_has_passed_and_says_when()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var limiter = new RoleRateLimiter(time);
        var limit = new RoleRateLimit { Interval = TimeSpan.FromSeconds(10), Burst = 1 };

        limiter.Acquire("t", "role", limit, "client-a");
        var refused = Assert.Throws<RoleRateLimitedException>(() => limiter.Acquire("t", "role", limit, "client-a"));
        Assert.Equal(TimeSpan.FromSeconds(10), refused.RetryAfter);

        // Other clients and other roles are not affected.
        limiter.Acquire("t", "role", limit, "client-b");
        limiter.Acquire("t", "other-role", limit, "client-a");

        time.Advance(TimeSpan.FromSeconds(4));
        refused = Assert.Throws<RoleRateLimitedException>(() => limiter.Acquire("t", "role", limit, "client-a"));
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(6));
        limiter.Acquire("t", "role", limit, "client-a");
    }

    [Fact]
    public void Burst_allows_that_many_calls_at_once()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RoleRateLimiter(time);
        var limit = new RoleRateLimit { Interval = TimeSpan.FromMinutes(1), Burst = 3 };
        for (var i = 0; i < 3; i++)
        {
            limiter.Acquire("t", "r", limit, "c");
        }

        Assert.Throws<RoleRateLimitedException>(() => limiter.Acquire("t", "r", limit, "c"));
        time.Advance(TimeSpan.FromMinutes(1));
        limiter.Acquire("t", "r", limit, "c");
        Assert.Throws<RoleRateLimitedException>(() => limiter.Acquire("t", "r", limit, "c"));
    }

    [Fact]
    public void Tenant_cap_applies_across_clients()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RoleRateLimiter(time);
        var limit = new RoleRateLimit { Interval = TimeSpan.Zero, TenantLimit = 2, TenantWindow = TimeSpan.FromMinutes(1) };
        limiter.Acquire("t", "r", limit, "a");
        limiter.Acquire("t", "r", limit, "b");
        var refused = Assert.Throws<RoleRateLimitedException>(() => limiter.Acquire("t", "r", limit, "c"));
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        limiter.Acquire("other-tenant", "r", limit, "c");
        time.Advance(TimeSpan.FromSeconds(30));
        limiter.Acquire("t", "r", limit, "c");
    }

    [Fact]
    public void A_changed_limit_takes_effect_at_the_next_call()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RoleRateLimiter(time);
        limiter.Acquire("t", "r", new RoleRateLimit { Interval = TimeSpan.FromHours(1) }, "c");
        Assert.Throws<RoleRateLimitedException>(() => limiter.Acquire("t", "r", new RoleRateLimit { Interval = TimeSpan.FromHours(1) }, "c"));
        limiter.Acquire("t", "r", null, "c");
        limiter.Acquire("t", "r", new RoleRateLimit { Interval = TimeSpan.FromSeconds(1), Burst = 2 }, "c");
    }
}
