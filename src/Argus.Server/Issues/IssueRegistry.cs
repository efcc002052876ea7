using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Analysis.Logs;

namespace Argus.Server.Issues;

/// <summary>What Argus remembers of an issue beyond its occurrences: what it is, and when it was first and last seen.</summary>
internal sealed record IssueInfo(
    ulong Id,
    string Kind,
    string Title,
    string? ExceptionType,
    int MaxSeverity,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Sample);

/// <summary>
/// Per tenant: the log-template miner and the issues seen. Both are bounded (the miner by its template cap, the
/// issues by <see cref="MaxIssuesPerTenant"/>, least recently seen evicted first) and saved to the data folder, so
/// template ids and first-seen times survive restarts. Thread-safe: ingest requests tag records concurrently.
/// </summary>
internal sealed class IssueRegistry : Argus.Core.Issues.IIssueCatalog
{
    public const int MaxIssuesPerTenant = 50_000;

    private readonly Dictionary<string, TenantIssues> _tenants = new(StringComparer.Ordinal);
    private readonly LogTemplateMinerOptions _minerOptions;

    public IssueRegistry(LogTemplateMinerOptions? minerOptions = null) => _minerOptions = minerOptions ?? new LogTemplateMinerOptions();

    private sealed class TenantIssues(LogTemplateMiner miner)
    {
        public LogTemplateMiner Miner { get; set; } = miner;
        public Dictionary<ulong, IssueInfo> Issues { get; } = [];
    }

    /// <summary>The template of a log body, creating or generalising one as needed.</summary>
    public LogTemplateMatch MineTemplate(string tenantId, string body) => Tenant(tenantId).Miner.Add(body);

    /// <summary>Records one occurrence.</summary>
    /// <returns>True when the issue is new or its title changed: what <see cref="IssueJournal"/> must keep before the data is acknowledged.</returns>
    public bool Observe(string tenantId, ulong id, string kind, string title, string? exceptionType, int severity, DateTimeOffset time, string sample)
    {
        var tenant = Tenant(tenantId);
        lock (tenant)
        {
            if (tenant.Issues.TryGetValue(id, out var known))
            {
                tenant.Issues[id] = known with
                {
                    // A template is generalised as lines arrive: keep its latest text.
                    Title = title,
                    MaxSeverity = Math.Max(known.MaxSeverity, severity),
                    FirstSeen = time < known.FirstSeen ? time : known.FirstSeen,
                    LastSeen = time > known.LastSeen ? time : known.LastSeen,
                };
                return !string.Equals(known.Title, title, StringComparison.Ordinal);
            }

            if (tenant.Issues.Count >= MaxIssuesPerTenant)
            {
                var oldest = tenant.Issues.Values.MinBy(i => i.LastSeen)!;
                tenant.Issues.Remove(oldest.Id);
            }

            tenant.Issues[id] = new IssueInfo(id, kind, title, exceptionType, severity, time, time, sample.Length > 2_000 ? sample[..2_000] : sample);
            return true;
        }
    }

    /// <summary>The current text of a log template, or null when the miner no longer holds it.</summary>
    public string? FindTemplate(string tenantId, ulong id)
    {
        TenantIssues? tenant;
        lock (_tenants)
        {
            if (!_tenants.TryGetValue(tenantId, out tenant))
            {
                return null;
            }
        }

        return tenant.Miner.GetTemplate(id)?.Text;
    }

    /// <summary>
    /// Applies one journal entry on top of what <see cref="Load"/> read: the issue's title and kind as the entry has
    /// them, its first and last seen widened, and the template put back into the miner under its id.
    /// </summary>
    public void Apply(string tenantId, IssueInfo issue, string? template)
    {
        var tenant = Tenant(tenantId);
        if (template is not null)
        {
            tenant.Miner.Restore(issue.Id, template);
        }

        lock (tenant)
        {
            tenant.Issues[issue.Id] = tenant.Issues.TryGetValue(issue.Id, out var known)
                ? issue with
                {
                    MaxSeverity = Math.Max(known.MaxSeverity, issue.MaxSeverity),
                    FirstSeen = known.FirstSeen < issue.FirstSeen ? known.FirstSeen : issue.FirstSeen,
                    LastSeen = known.LastSeen > issue.LastSeen ? known.LastSeen : issue.LastSeen,
                }
                : issue;
        }
    }

    public IssueInfo? Find(string tenantId, ulong id)
    {
        TenantIssues? tenant;
        lock (_tenants)
        {
            if (!_tenants.TryGetValue(tenantId, out tenant))
            {
                return null;
            }
        }

        lock (tenant)
        {
            return tenant.Issues.GetValueOrDefault(id);
        }
    }

    /// <inheritdoc />
    Argus.Core.Issues.IssueIdentity? Argus.Core.Issues.IIssueCatalog.Find(string tenantId, ulong issueId) => Identity(Find(tenantId, issueId));

    /// <summary>The registry's record in the shape the rest of Argus reads.</summary>
    public static Argus.Core.Issues.IssueIdentity? Identity(IssueInfo? info) =>
        info is null ? null : new(info.Id, info.Kind, info.Title, info.ExceptionType, info.MaxSeverity, info.FirstSeen, info.LastSeen);

    private TenantIssues Tenant(string tenantId)
    {
        lock (_tenants)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                _tenants[tenantId] = tenant = new TenantIssues(new LogTemplateMiner(_minerOptions));
            }

            return tenant;
        }
    }

    /// <summary>Writes every tenant's miner and issues under <paramref name="folder"/> (one pair of files per tenant, replaced atomically).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        KeyValuePair<string, TenantIssues>[] tenants;
        lock (_tenants)
        {
            tenants = [.. _tenants];
        }

        foreach (var (tenantId, tenant) in tenants)
        {
            var name = FileNameOf(tenantId);
            Replace(Path.Combine(folder, name + ".templates.json"), stream => tenant.Miner.Save(stream));
            IssueInfo[] issues;
            lock (tenant)
            {
                issues = [.. tenant.Issues.Values];
            }

            Replace(Path.Combine(folder, name + ".issues.json"), stream =>
                JsonSerializer.Serialize(stream, new IssueFile(tenantId, issues), IssueStateJsonContext.Default.IssueFile));
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote; unreadable files are skipped and reported, never fatal.</summary>
    public IReadOnlyList<string> Load(string folder)
    {
        var problems = new List<string>();
        if (!Directory.Exists(folder))
        {
            return problems;
        }

        foreach (var issuesFile in Directory.EnumerateFiles(folder, "*.issues.json"))
        {
            try
            {
                IssueFile? file;
                using (var stream = File.OpenRead(issuesFile))
                {
                    file = JsonSerializer.Deserialize(stream, IssueStateJsonContext.Default.IssueFile);
                }

                if (file is null)
                {
                    continue;
                }

                var tenant = Tenant(file.TenantId);
                var templates = issuesFile[..^".issues.json".Length] + ".templates.json";
                if (File.Exists(templates))
                {
                    using var stream = File.OpenRead(templates);
                    tenant.Miner = LogTemplateMiner.Load(stream, _minerOptions);
                }

                lock (tenant)
                {
                    foreach (var issue in file.Issues)
                    {
                        tenant.Issues[issue.Id] = issue;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
            {
                problems.Add($"{Path.GetFileName(issuesFile)}: {ex.Message}");
            }
        }

        return problems;
    }

    // Tenant ids are [a-z0-9-], but the file name must not depend on that staying true.
    private static string FileNameOf(string tenantId) => Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(tenantId));

    private static void Replace(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            write(stream);

            // On disk before the rename, and before the journal it replaces is deleted.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The saved form of one tenant's issues.</summary>
internal sealed record IssueFile(string TenantId, IReadOnlyList<IssueInfo> Issues);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IssueFile))]
[JsonSerializable(typeof(IssueJournalEntry))]
internal sealed partial class IssueStateJsonContext : JsonSerializerContext;
