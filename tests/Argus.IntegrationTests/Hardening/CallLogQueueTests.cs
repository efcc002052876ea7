using Argus.Core.Llm;
using Argus.IntegrationTests.Ai;
using Argus.Server.Ai;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.IntegrationTests.Hardening;

/// <summary>A full call-log queue refuses the record, counts it and logs event 4007 (they were dropped silently).</summary>
public sealed class CallLogQueueTests
{
    [Fact]
    public void A_record_that_does_not_fit_is_refused_counted_and_logged()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var queue = new LlmCallLogQueue(
            Options.Create(new AiOptions { CallLogQueueCapacity = 2 }), new NoStore(), TimeProvider.System, factory.CreateLogger<LlmCallLogQueue>());

        // The queue is not started, so nothing drains it.
        Assert.True(queue.TryWrite(Record("a")));
        Assert.True(queue.TryWrite(Record("b")));
        Assert.False(queue.TryWrite(Record("c")));
        Assert.False(queue.TryWrite(Record("d")));
        Assert.Equal(2, queue.Dropped);
        Assert.Single(logs.Lines, l => l.Contains("[4007]", StringComparison.Ordinal));
    }

    private static LlmCallRecord Record(string id) => new() { Id = id, TenantId = "t", Time = DateTimeOffset.UtcNow, RoleCode = "r", Status = "ok" };

    private sealed class NoStore : ILlmCallLog
    {
        public Task WriteCallsAsync(IReadOnlyList<LlmCallRecord> calls, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<LlmCallRecord>> QueryCallsAsync(string tenantId, LlmCallQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LlmCallRecord>>([]);

        public Task<IReadOnlyList<LlmUsagePoint>> GetUsageAsync(string tenantId, LlmUsageQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LlmUsagePoint>>([]);
    }
}
