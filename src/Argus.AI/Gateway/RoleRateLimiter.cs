using System.Threading.RateLimiting;
using Argus.AI.Roles;

namespace Argus.AI.Gateway;

/// <summary>
/// A <see cref="RateLimiter"/> that lets one permit through every <c>interval</c>, with a burst, on a
/// <see cref="TimeProvider"/> (the generic cell rate algorithm). The framework's token bucket reads the system clock,
/// which tests cannot move; this one runs on <see cref="TimeProvider"/>, so <c>FakeTimeProvider</c> drives it.
/// Never queues: a refused lease says when to retry.
/// </summary>
internal sealed class IntervalRateLimiter(TimeSpan interval, int burst, TimeProvider time) : RateLimiter
{
    private readonly Lock _lock = new();
    private DateTimeOffset _theoreticalArrival = DateTimeOffset.MinValue;
    private long _successful;
    private long _failed;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                return now >= _theoreticalArrival ? now - (_theoreticalArrival == DateTimeOffset.MinValue ? now : _theoreticalArrival) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            return new RateLimiterStatistics { TotalSuccessfulLeases = _successful, TotalFailedLeases = _failed, CurrentAvailablePermits = Available(time.GetUtcNow()) };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var tat = _theoreticalArrival < now ? now : _theoreticalArrival;
            // A request may start once the backlog (tat - now) is within the burst allowance.
            var allowAt = tat - (interval * (burst - permitCount));
            if (permitCount > burst || now < allowAt)
            {
                _failed++;
                return new IntervalLease(false, permitCount > burst ? TimeSpan.MaxValue : allowAt - now);
            }

            _theoreticalArrival = tat + (interval * permitCount);
            _successful++;
            return new IntervalLease(true, null);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private long Available(DateTimeOffset now)
    {
        if (interval <= TimeSpan.Zero)
        {
            return burst;
        }

        var backlog = _theoreticalArrival > now ? _theoreticalArrival - now : TimeSpan.Zero;
        return Math.Max(0, burst - (long)Math.Ceiling(backlog / interval));
    }

    private sealed class IntervalLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = r;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}

/// <summary>
/// The gateway's rate limits: per role and client (API key), and optionally per role for the whole tenant. Partitions
/// are keyed by the limit's settings too, so a new role version with another interval takes effect at the next call.
/// </summary>
public sealed class RoleRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Key> _clients;
    private readonly PartitionedRateLimiter<Key> _tenants;

    /// <summary>Creates the limiter on <paramref name="time"/>.</summary>
    public RoleRateLimiter(TimeProvider time)
    {
        _clients = PartitionedRateLimiter.Create<Key, Key>(k => RateLimitPartition.Get(k, p => new IntervalRateLimiter(p.Interval, p.Burst, time)));
        _tenants = PartitionedRateLimiter.Create<Key, Key>(k => RateLimitPartition.Get(k, p => new IntervalRateLimiter(p.Interval, p.Burst, time)));
    }

    /// <summary>Takes one call of <paramref name="role"/> by <paramref name="client"/>; throws <see cref="RoleRateLimitedException"/> when the limit refuses.</summary>
    public void Acquire(string tenantId, string roleCode, RoleRateLimit? limit, string client)
    {
        if (limit is null)
        {
            return;
        }

        if (limit.TenantLimit is { } cap)
        {
            var window = limit.TenantWindow ?? TimeSpan.FromMinutes(1);
            Take(_tenants, new Key(tenantId, roleCode, "", window / cap, cap), "per tenant");
        }

        if (limit.Interval > TimeSpan.Zero)
        {
            Take(_clients, new Key(tenantId, roleCode, client, limit.Interval, Math.Max(1, limit.Burst)), "per client");
        }
    }

    private static void Take(PartitionedRateLimiter<Key> limiter, Key key, string scope)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var r) ? r : key.Interval;
            throw new RoleRateLimitedException(retryAfter, scope);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _clients.Dispose();
        _tenants.Dispose();
    }

    private readonly record struct Key(string Tenant, string Role, string Client, TimeSpan Interval, int Burst);
}
