using Argus.Core;
using Argus.Core.Llm;

namespace Argus.Storage.DuckDb.Tests;

/// <summary>The call log's row cap: the oldest calls of every tenant go first, and age retention still applies.</summary>
public sealed class LlmCallRetentionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "argus-duckdb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static LlmCallRecord Call(string tenant, int second) => new()
    {
        Id = $"call_{tenant}_{second:D4}",
        TenantId = tenant,
        Time = T0.AddSeconds(second),
        RoleCode = "r",
        Status = "ok",
        Answer = new string('a', 200),
    };

    private static async Task<List<string>> IdsAsync(DuckDbTelemetryStore store, string tenant) =>
        [.. (await store.QueryCallsAsync(tenant, new LlmCallQuery(new TimeRange(T0.AddDays(-1), T0.AddDays(1)), Limit: 10_000), default)).Select(c => c.Id).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Trimming_keeps_the_newest_calls_across_tenants()
    {
        await using var store = DuckDbTelemetryStore.Open(new DuckDbStoreOptions { DatabasePath = Path.Combine(_directory, "telemetry.duckdb") });
        // Interleaved tenants, written out of time order, in several batches.
        var calls = Enumerable.Range(0, 300).Select(i => Call(i % 3 == 0 ? "b" : "a", i)).Reverse().ToList();
        foreach (var batch in calls.Chunk(70))
        {
            await store.WriteCallsAsync(batch, default);
        }

        Assert.Equal(0, await store.TrimLlmCallsAsync(300, default));
        Assert.Equal(50, await store.TrimLlmCallsAsync(250, default));
        var left = (await IdsAsync(store, "a")).Concat(await IdsAsync(store, "b")).ToList();
        Assert.Equal(250, left.Count);
        var expected = Enumerable.Range(50, 250).Select(i => Call(i % 3 == 0 ? "b" : "a", i).Id).Order(StringComparer.Ordinal);
        Assert.Equal(expected, left.Order(StringComparer.Ordinal));

        Assert.Equal(249, await store.TrimLlmCallsAsync(1, default));
        Assert.Equal(["call_a_0299"], await IdsAsync(store, "a"));
        Assert.Empty(await IdsAsync(store, "b"));
        Assert.Equal(1, await store.TrimLlmCallsAsync(0, default));
        Assert.Empty(await IdsAsync(store, "a"));
    }
}
