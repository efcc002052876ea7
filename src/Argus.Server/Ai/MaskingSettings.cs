using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.AI.Masking;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>A tenant's masking settings on the wire (<c>GET/PUT /api/masking/settings</c>) and in configuration.</summary>
internal sealed class MaskingSettingsDocument
{
    /// <summary>The kinds switched on (wire names); null or absent: all. <c>sqlIdentifier</c> still needs the role to ask for it.</summary>
    public List<string>? Kinds { get; set; }

    /// <summary>Labelled regular expressions.</summary>
    public List<MaskingPatternDocument?>? Patterns { get; set; }

    /// <summary>Labelled word lists.</summary>
    public List<MaskingWordListDocument?>? WordLists { get; set; }

    /// <summary><c>masked</c> (default): the call log keeps the answer as the provider returned it; <c>restored</c>: with the originals back.</summary>
    public string? StoreAnswer { get; set; }
}

/// <summary>A labelled pattern.</summary>
internal sealed class MaskingPatternDocument
{
    public string? Label { get; set; }

    public string? Pattern { get; set; }
}

/// <summary>A labelled word list.</summary>
internal sealed class MaskingWordListDocument
{
    public string? Label { get; set; }

    public List<string?>? Words { get; set; }
}

/// <summary><c>GET /api/masking/settings</c>: the tenant's settings and where they come from.</summary>
internal sealed record MaskingSettingsResponse(string Source, MaskingSettingsDocument Settings, IReadOnlyList<string> AvailableKinds, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>
/// <c>Argus:Masking</c>: the masking settings of tenants that have not set their own (same shape as the API's), and the
/// limits on what a tenant may set.
/// </summary>
internal sealed class MaskingConfigOptions
{
    public const string SectionName = "Argus:Masking";

    /// <summary>Default kinds for tenants (null: all).</summary>
    public List<string>? Kinds { get; set; }

    /// <summary>Default patterns for tenants.</summary>
    public List<MaskingPatternDocument?>? Patterns { get; set; }

    /// <summary>Default word lists for tenants.</summary>
    public List<MaskingWordListDocument?>? WordLists { get; set; }

    /// <summary>Default stored answer: <c>masked</c> (default) or <c>restored</c>.</summary>
    public string? StoreAnswer { get; set; }

    /// <summary>
    /// How long one custom pattern may search one request text, in ms (default 1,000); longer fails the call and nothing
    /// is sent. Generous because a NonBacktracking pattern builds its automaton during its first searches.
    /// </summary>
    public int PatternTimeoutMs { get; set; } = 1_000;

    /// <summary>The most patterns a tenant may have (default 100).</summary>
    public int MaxPatterns { get; set; } = 100;

    /// <summary>The longest pattern, in characters (default 1,000).</summary>
    public int MaxPatternLength { get; set; } = 1_000;

    /// <summary>The most words over all of a tenant's word lists (default 10,000).</summary>
    public int MaxWords { get; set; } = 10_000;

    /// <summary>
    /// How long a server keeps a tenant's settings in memory before reading them again, in ms (default 5,000; 0: read on
    /// every call). A change saved through this server applies to its next call; other servers on the same control-plane
    /// database see it within this time.
    /// </summary>
    public int SettingsCacheMs { get; set; } = 5_000;

    public MaskingSettingsDocument Defaults() => new() { Kinds = Kinds, Patterns = Patterns, WordLists = WordLists, StoreAnswer = StoreAnswer };
}

/// <summary>Turns a settings document into the engine's settings, listing every problem (field → messages).</summary>
internal static class MaskingSettingsParser
{
    public const string StoreMasked = "masked";
    public const string StoreRestored = "restored";

    public static (TenantMaskingSettings? Settings, Dictionary<string, string[]> Problems) Parse(MaskingSettingsDocument document, MaskingConfigOptions limits)
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            if (!problems.TryGetValue(key, out var list))
            {
                problems[key] = list = [];
            }

            list.Add(message);
        }

        var kinds = new List<SensitiveKind>();
        if (document.Kinds is null)
        {
            kinds.AddRange(Enum.GetValues<SensitiveKind>());
        }
        else
        {
            for (var i = 0; i < document.Kinds.Count; i++)
            {
                if (SensitiveKindNames.TryParse(document.Kinds[i], out var kind))
                {
                    kinds.Add(kind);
                }
                else
                {
                    Add($"kinds[{i}]", $"'{document.Kinds[i]}' is not a masking kind; kinds: {string.Join(", ", SensitiveKindNames.All)}.");
                }
            }
        }

        var patterns = new List<MaskingPattern>();
        var patternDocs = document.Patterns ?? [];
        if (patternDocs.Count > limits.MaxPatterns)
        {
            Add("patterns", $"{patternDocs.Count} patterns; at most {limits.MaxPatterns} (Argus:Masking:MaxPatterns).");
        }

        for (var i = 0; i < patternDocs.Count; i++)
        {
            var p = patternDocs[i];
            if (p is null)
            {
                Add($"patterns[{i}]", "a pattern is an object { \"label\", \"pattern\" }.");
                continue;
            }

            if (p.Pattern is { Length: var length } && length > limits.MaxPatternLength)
            {
                Add($"patterns[{i}].pattern", $"the pattern has {length} characters; at most {limits.MaxPatternLength} (Argus:Masking:MaxPatternLength).");
                continue;
            }

            patterns.Add(new MaskingPattern(p.Label ?? "", p.Pattern ?? ""));
        }

        var lists = new List<MaskingWordList>();
        var listDocs = document.WordLists ?? [];
        var words = listDocs.Sum(l => l?.Words?.Count ?? 0);
        if (words > limits.MaxWords)
        {
            Add("wordLists", $"{words} words; at most {limits.MaxWords} over all lists (Argus:Masking:MaxWords).");
        }

        for (var i = 0; i < listDocs.Count; i++)
        {
            var l = listDocs[i];
            if (l is null)
            {
                Add($"wordLists[{i}]", "a word list is an object { \"label\", \"words\" }.");
                continue;
            }

            lists.Add(new MaskingWordList(l.Label ?? "", [.. (l.Words ?? []).Select(w => w ?? "")]));
        }

        var restored = false;
        switch (document.StoreAnswer?.ToLowerInvariant())
        {
            case null or StoreMasked:
                break;
            case StoreRestored:
                restored = true;
                break;
            default:
                Add("storeAnswer", $"'{document.StoreAnswer}' is not one of {StoreMasked}, {StoreRestored}.");
                break;
        }

        var options = new MaskingOptions
        {
            EnabledKinds = [.. kinds.Distinct()],
            Patterns = patterns,
            WordLists = lists,
            PatternTimeout = TimeSpan.FromMilliseconds(limits.PatternTimeoutMs),
        };

        // Indices of the engine's check match the document's unless a null entry was skipped; null entries are
        // reported above, so the document is refused anyway.
        foreach (var (field, messages) in options.Check().Where(p => p.Key != "patternTimeout"))
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }

        return problems.Count > 0
            ? (null, problems.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal))
            : (new TenantMaskingSettings(options, restored), []);
    }
}

/// <summary>Checks <c>Argus:Masking</c> at start-up: the limits and the default settings, every problem listed.</summary>
internal sealed class ValidateMaskingConfigOptions : IValidateOptions<MaskingConfigOptions>
{
    public ValidateOptionsResult Validate(string? name, MaskingConfigOptions options)
    {
        var problems = new List<string>();
        if (options.PatternTimeoutMs is < 1 or > 10_000)
        {
            problems.Add("Argus:Masking:PatternTimeoutMs must be from 1 to 10000.");
        }

        if (options.MaxPatterns is < 0 or > 10_000)
        {
            problems.Add("Argus:Masking:MaxPatterns must be from 0 to 10000.");
        }

        if (options.MaxPatternLength is < 1 or > 100_000)
        {
            problems.Add("Argus:Masking:MaxPatternLength must be from 1 to 100000.");
        }

        if (options.MaxWords is < 0 or > 1_000_000)
        {
            problems.Add("Argus:Masking:MaxWords must be from 0 to 1000000.");
        }

        if (options.SettingsCacheMs is < 0 or > 300_000)
        {
            problems.Add("Argus:Masking:SettingsCacheMs must be from 0 to 300000.");
        }

        if (problems.Count == 0)
        {
            var (_, errors) = MaskingSettingsParser.Parse(options.Defaults(), options);
            problems.AddRange(errors.SelectMany(e => e.Value.Select(m => $"Argus:Masking {e.Key}: {m}")));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>A tenant's own masking settings (one row per tenant that set them; others use <c>Argus:Masking</c>).</summary>
internal sealed class MaskingSettingsEntity
{
    public required string TenantId { get; set; }

    /// <summary>The <see cref="MaskingSettingsDocument"/> as JSON.</summary>
    public required string Settings { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The control-plane table of the masking settings.</summary>
internal static class MaskingSettingsModel
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<MaskingSettingsEntity>(e =>
        {
            e.ToTable("ai_masking_settings");
            e.HasKey(s => s.TenantId);
            e.Property(s => s.TenantId).HasMaxLength(64);
            e.Property(s => s.UpdatedBy).HasMaxLength(200);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(s => s.TenantId);
        });
}

/// <summary>
/// Reads and writes tenants' masking settings. Every role call needs its tenant's settings, so they are kept in memory per
/// tenant (a control-plane read per call cost more than the rest of the gateway together; see the gateway benchmark).
/// A write through this server drops the tenant's entry, so the next call uses the new settings; other servers on the same
/// control-plane database keep theirs for at most <see cref="MaskingConfigOptions.SettingsCacheMs"/> and then read again.
/// The parsed settings object is kept while the row's JSON is unchanged, because the masking engine caches its compiled
/// detectors per settings object.
/// </summary>
internal sealed class MaskingSettingsStore(IDbContextFactory<ControlPlaneDbContext> dbFactory, IOptions<MaskingConfigOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Json, TenantMaskingSettings Settings)> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TenantMaskingSettings Settings, long ReadAt)> _current = new(StringComparer.Ordinal);
    private TenantMaskingSettings? _defaults;
    private long _generation;

    public MaskingConfigOptions Limits => options.Value;

    /// <summary>The settings of tenants without their own (validated at start-up).</summary>
    public TenantMaskingSettings Defaults => _defaults ??= MaskingSettingsParser.Parse(options.Value.Defaults(), options.Value).Settings ?? TenantMaskingSettings.Default;

    /// <summary>The settings a call of <paramref name="tenantId"/> masks with.</summary>
    public async ValueTask<TenantMaskingSettings> GetAsync(string tenantId, CancellationToken ct)
    {
        var maxAge = options.Value.SettingsCacheMs;
        if (maxAge > 0 && _current.TryGetValue(tenantId, out var current) && time.GetElapsedTime(current.ReadAt).TotalMilliseconds < maxAge)
        {
            return current.Settings;
        }

        // A write through this server while the read runs may make what it returns old: keep it only when none happened.
        var generation = Interlocked.Read(ref _generation);
        var readAt = time.GetTimestamp();
        var settings = Parse(tenantId, await ReadJsonAsync(tenantId, ct));
        if (maxAge > 0 && generation == Interlocked.Read(ref _generation))
        {
            _current[tenantId] = (settings, readAt);
        }

        return settings;
    }

    private TenantMaskingSettings Parse(string tenantId, string? json)
    {
        if (json is null)
        {
            return Defaults;
        }

        if (_parsed.TryGetValue(tenantId, out var cached) && cached.Json == json)
        {
            return cached.Settings;
        }

        var document = JsonSerializer.Deserialize(json, MaskingJsonContext.Default.MaskingSettingsDocument) ?? new MaskingSettingsDocument();
        // Stored settings were valid when saved; a limit lowered since then must not switch masking off, so they apply as saved.
        var relaxed = new MaskingConfigOptions { PatternTimeoutMs = options.Value.PatternTimeoutMs, MaxPatterns = int.MaxValue, MaxPatternLength = int.MaxValue, MaxWords = int.MaxValue };
        var settings = MaskingSettingsParser.Parse(document, relaxed).Settings ?? Defaults;
        _parsed[tenantId] = (json, settings);
        return settings;
    }

    private void Forget(string tenantId)
    {
        Interlocked.Increment(ref _generation);
        _current.TryRemove(tenantId, out _);
    }

    /// <summary>The tenant's document as the API shows it, with where it comes from.</summary>
    public async Task<MaskingSettingsResponse> DescribeAsync(string tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<MaskingSettingsEntity>().AsNoTracking().FirstOrDefaultAsync(e => e.TenantId == tenantId, ct);
        return row is null
            ? new MaskingSettingsResponse("configuration", options.Value.Defaults(), SensitiveKindNames.All, null, null)
            : new MaskingSettingsResponse(
                "tenant",
                JsonSerializer.Deserialize(row.Settings, MaskingJsonContext.Default.MaskingSettingsDocument) ?? new MaskingSettingsDocument(),
                SensitiveKindNames.All,
                row.UpdatedAt,
                row.UpdatedBy);
    }

    /// <summary>Saves the tenant's settings (validate them with <see cref="MaskingSettingsParser"/> first).</summary>
    public async Task SaveAsync(string tenantId, MaskingSettingsDocument document, string author, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(document, MaskingJsonContext.Default.MaskingSettingsDocument);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<MaskingSettingsEntity>().FirstOrDefaultAsync(e => e.TenantId == tenantId, ct);
        if (row is null)
        {
            db.Add(new MaskingSettingsEntity { TenantId = tenantId, Settings = json, UpdatedBy = author, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            row.Settings = json;
            row.UpdatedBy = author;
            row.UpdatedAt = time.GetUtcNow();
        }

        await db.SaveChangesAsync(ct);
        Forget(tenantId);
    }

    /// <summary>Removes the tenant's own settings: it uses <c>Argus:Masking</c> again. Returns whether there were any.</summary>
    public async Task<bool> ResetAsync(string tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var removed = await db.Set<MaskingSettingsEntity>().Where(e => e.TenantId == tenantId).ExecuteDeleteAsync(ct);
        _parsed.TryRemove(tenantId, out _);
        Forget(tenantId);
        return removed > 0;
    }

    private async Task<string?> ReadJsonAsync(string tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<MaskingSettingsEntity>().AsNoTracking().Where(e => e.TenantId == tenantId).Select(e => e.Settings).FirstOrDefaultAsync(ct);
    }
}

/// <summary>Source-generated JSON of the masking settings and the masking API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MaskingSettingsDocument))]
[JsonSerializable(typeof(MaskingSettingsResponse))]
internal sealed partial class MaskingJsonContext : JsonSerializerContext;
