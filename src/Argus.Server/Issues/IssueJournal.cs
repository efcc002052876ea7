using System.Globalization;
using System.Text.Json;
using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server.Issues;

/// <summary>One line of the issue journal: an issue as it stood when written, and for a log issue its template's words.</summary>
internal sealed record IssueJournalEntry(string TenantId, IssueInfo Issue, string? Template);

/// <summary>
/// An append-only journal of new and renamed issues (and the templates behind log issues), written and flushed to
/// disk before the data that created them is acknowledged, so a crash loses no title or template the snapshot of
/// <see cref="IssueStateService"/> (every five minutes) had not caught yet.
/// </summary>
/// <remarks>
/// <para>Receivers <see cref="Mark"/> what changed and then wait on <see cref="FlushAsync"/>: a flush writes the
/// current state of everything marked so far, so concurrent requests share one write and one fsync (group commit), and
/// the journal always ends with the latest title of an issue whatever order the marks came in. Requests that change
/// nothing (nearly all of them, once the templates have settled) never wait on it.</para>
/// <para>Files are <c>{DataPath}/issues/journal-{generation}.jsonl</c>. A snapshot first starts a new generation, then
/// saves, then deletes the older generations, so every change is in a journal or in a snapshot at every moment; at start
/// the snapshot is loaded and every journal replayed on top (replaying a change the snapshot has already is harmless).</para>
/// </remarks>
internal sealed partial class IssueJournal : IDisposable
{
    private const string Prefix = "journal-";
    private const string Suffix = ".jsonl";

    private readonly IssueRegistry _registry;
    private readonly ILogger<IssueJournal> _logger;
    private readonly Lock _marksGate = new();
    private readonly SemaphoreSlim _fileGate = new(1, 1);
    private HashSet<(string TenantId, ulong IssueId)> _marked = [];
    private long _markSequence;
    private long _flushedSequence;
    private long _generation;
    private FileStream? _file;

    public IssueJournal(IssueRegistry registry, IOptions<ArgusOptions> options, ILogger<IssueJournal> logger)
    {
        _registry = registry;
        _logger = logger;
        Folder = Path.Combine(Path.GetFullPath(options.Value.DataPath), "issues");
    }

    /// <summary>Where the journal (and the snapshot beside it) lives.</summary>
    public string Folder { get; }

    /// <summary>Notes that an issue is new or renamed; returns the sequence number to pass to <see cref="FlushAsync"/>.</summary>
    public long Mark(string tenantId, ulong issueId)
    {
        lock (_marksGate)
        {
            _marked.Add((tenantId, issueId));
            return ++_markSequence;
        }
    }

    /// <summary>The sequence number of the latest mark: a request that used any issue waits until this is flushed.</summary>
    public long MarkedSequence
    {
        get
        {
            lock (_marksGate)
            {
                return _markSequence;
            }
        }
    }

    /// <summary>Returns once everything marked up to <paramref name="sequence"/> is on disk.</summary>
    /// <exception cref="IOException">The journal could not be written; the marks are kept for the next flush.</exception>
    public async Task FlushAsync(long sequence, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _flushedSequence) >= sequence)
        {
            return;
        }

        await _fileGate.WaitAsync(cancellationToken);
        try
        {
            // Another request's flush may have written this one's marks while it waited.
            if (_flushedSequence >= sequence)
            {
                return;
            }

            HashSet<(string TenantId, ulong IssueId)> marked;
            long upTo;
            lock (_marksGate)
            {
                marked = _marked;
                _marked = [];
                upTo = _markSequence;
            }

            try
            {
                Write(marked);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (_marksGate)
                {
                    _marked.UnionWith(marked);
                }

                LogWriteFailed(_logger, ex, marked.Count);
                throw new IOException("The issue journal could not be written.", ex);
            }

            Volatile.Write(ref _flushedSequence, upTo);
        }
        finally
        {
            _fileGate.Release();
        }
    }

    private void Write(HashSet<(string TenantId, ulong IssueId)> marked)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            foreach (var (tenantId, issueId) in marked)
            {
                // The state now, not at the mark: it is at least as new as the change that was marked.
                var issue = _registry.Find(tenantId, issueId);
                if (issue is null)
                {
                    continue;
                }

                var template = issue.Kind == IssueTaggingSink.KindLog ? _registry.FindTemplate(tenantId, issueId) : null;
                JsonSerializer.Serialize(json, new IssueJournalEntry(tenantId, issue, template), IssueStateJsonContext.Default.IssueJournalEntry);
                json.Flush();
                buffer.WriteByte((byte)'\n');
                json.Reset();
            }
        }

        if (buffer.Length == 0)
        {
            return;
        }

        var file = _file ??= Open(_generation);
        file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);

        // fsync: the acknowledgement that waits on this promises the title survives a crash of the machine too.
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Starts a new generation; returns it. Called before a snapshot is taken, so changes made while it is written go
    /// to the new file and the older files can be deleted once the snapshot is saved.
    /// </summary>
    public async Task<long> StartGenerationAsync(CancellationToken cancellationToken)
    {
        await _fileGate.WaitAsync(cancellationToken);
        try
        {
            _file?.Dispose();
            _file = null;
            return ++_generation;
        }
        finally
        {
            _fileGate.Release();
        }
    }

    /// <summary>Deletes the journals older than <paramref name="generation"/>: a snapshot now holds what they held.</summary>
    public void DeleteBefore(long generation)
    {
        foreach (var (path, number) in Generations())
        {
            if (number < generation)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>
    /// Replays every journal into the registry, oldest first, after the snapshot was loaded; new lines go to a
    /// generation after the last one found. A torn last line (the crash came mid-write) is skipped: its request was
    /// not acknowledged. Returns the problems met, for the log.
    /// </summary>
    public IReadOnlyList<string> Replay()
    {
        var problems = new List<string>();
        var entries = 0;
        foreach (var (path, number) in Generations())
        {
            _generation = Math.Max(_generation, number);
            var line = 0;
            foreach (var text in File.ReadLines(path))
            {
                line++;
                if (text.Length == 0)
                {
                    continue;
                }

                try
                {
                    var entry = JsonSerializer.Deserialize(text, IssueStateJsonContext.Default.IssueJournalEntry);
                    if (entry?.Issue is not null && entry.TenantId is not null)
                    {
                        _registry.Apply(entry.TenantId, entry.Issue, entry.Template);
                        entries++;
                    }
                }
                catch (JsonException ex)
                {
                    problems.Add($"{Path.GetFileName(path)} line {line}: {ex.Message}");
                }
            }
        }

        _generation++;
        if (entries > 0)
        {
            LogReplayed(_logger, entries);
        }

        return problems;
    }

    private List<(string Path, long Generation)> Generations()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(Folder, Prefix + "*" + Suffix)
            .Select(path => (path, name: Path.GetFileName(path)))
            .Select(f => (f.path, ok: long.TryParse(f.name.AsSpan(Prefix.Length, f.name.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n), n))
            .Where(f => f.ok)
            .OrderBy(f => f.n)
            .Select(f => (f.path, f.n))
            .ToList();
    }

    private FileStream Open(long generation)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, Prefix + generation.ToString("D8", CultureInfo.InvariantCulture) + Suffix);
        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _fileGate.Dispose();
    }

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "Writing {Count} new or renamed issues to the issue journal failed; their requests are answered retry-later")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Replayed {Entries} issue journal entries written after the last snapshot")]
    private static partial void LogReplayed(ILogger logger, int entries);
}
