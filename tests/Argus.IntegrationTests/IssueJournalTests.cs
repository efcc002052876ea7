using Argus.IntegrationTests.Infrastructure;
using Argus.Server.Configuration;
using Argus.Server.Issues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Argus.IntegrationTests;

/// <summary>
/// The issue journal and the snapshot together, as a crash finds them: whatever was flushed before the crash is
/// there after a load, whether a snapshot was taken in between or not (the process-level test is in <see cref="CrashTests"/>).
/// </summary>
public sealed class IssueJournalTests
{
    private sealed class Node : IDisposable
    {
        public Node(string dataPath)
        {
            Registry = new IssueRegistry();
            Journal = new IssueJournal(Registry, Options.Create(new ArgusOptions { DataPath = dataPath }), NullLogger<IssueJournal>.Instance);
            State = new IssueStateService(Registry, Journal, TimeProvider.System, NullLogger<IssueStateService>.Instance);
            State.Load();
        }

        public IssueRegistry Registry { get; }

        public IssueJournal Journal { get; }

        public IssueStateService State { get; }

        /// <summary>Mines and records a log line as the tagging sink does, and flushes the journal as a request does before its answer.</summary>
        public async Task<ulong> LogAsync(string body)
        {
            var match = Registry.MineTemplate("t1", body);
            if (Registry.Observe("t1", match.TemplateId, IssueTaggingSink.KindLog, match.Template, null, 13, DateTimeOffset.UtcNow, body)
                || match.Change != Argus.Analysis.Logs.LogTemplateChange.None)
            {
                Journal.Mark("t1", match.TemplateId);
            }

            await Journal.FlushAsync(Journal.MarkedSequence, CancellationToken.None);
            return match.TemplateId;
        }

        public void Dispose() => Journal.Dispose();
    }

    [Fact]
    public async Task Titles_flushed_before_and_after_a_snapshot_survive_a_crash_and_templates_keep_their_ids()
    {
        using var folder = new TestDataFolder();
        ulong before, after;
        string? cacheTitle, movedTitle;
        using (var first = new Node(folder.Path))
        {
            before = await first.LogAsync("Cache node cache-1 evicted 120 keys");
            Assert.Single(Directory.GetFiles(first.Journal.Folder, "journal-*.jsonl"));

            // A snapshot (as every five minutes): the journal it covers is deleted; the next change starts a new one.
            await first.State.StopAsync(CancellationToken.None);
            Assert.Empty(Directory.GetFiles(first.Journal.Folder, "journal-*.jsonl"));

            after = await first.LogAsync("user alice logged in from 10.0.0.1 over ssh");
            Assert.Equal(after, await first.LogAsync("user bob logged in from 10.0.0.2 over ssh"));
            Assert.Single(Directory.GetFiles(first.Journal.Folder, "journal-*.jsonl"));
            cacheTitle = first.Registry.Find("t1", before)?.Title;
            movedTitle = first.Registry.Find("t1", after)?.Title;

            // No snapshot now: the process dies here (nothing else is saved).
        }

        using var second = new Node(folder.Path);
        Assert.NotNull(cacheTitle);
        Assert.Equal(cacheTitle, second.Registry.Find("t1", before)?.Title);
        Assert.NotNull(movedTitle);
        Assert.Equal(movedTitle, second.Registry.Find("t1", after)?.Title);
        Assert.Equal(movedTitle, second.Registry.FindTemplate("t1", after));

        // The restored miner puts new lines of the same events under the same ids.
        Assert.Contains("<*>", movedTitle, StringComparison.Ordinal);
        Assert.Equal(after, second.Registry.MineTemplate("t1", "user carol logged in from 10.0.0.9 over ssh").TemplateId);
        Assert.Equal(before, second.Registry.MineTemplate("t1", "Cache node cache-9 evicted 7 keys").TemplateId);
    }
}
