using System.Text;
using System.Text.Json.Nodes;

namespace Argus.AI.Masking;

/// <summary>
/// The bidirectional mapping between sensitive values and their tokens for one request or one conversation of one
/// tenant. The same value always gets the same token within a session, so the model can reason about it across turns;
/// tokens are random per session, so two tenants (or two conversations) never share one. The mapping lives only in
/// memory (see <see cref="MaskingSessionProtector"/> for encrypted persistence) and is never logged:
/// <see cref="ToString"/> shows the entry count only.
/// </summary>
/// <remarks>Thread-safe: masking takes a lock; unmasking works on an immutable snapshot.</remarks>
public sealed class MaskingSession
{
    /// <summary>The default bound on entries per session.</summary>
    public const int DefaultMaxEntries = 100_000;

    private readonly Dictionary<string, string> _forward = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reverse = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _forwardLookup;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _reverseLookup;
    private readonly Func<string, bool> _isTaken;
    private readonly Lock _lock = new();
    private long _version;
    private volatile UnmaskIndex _index = UnmaskIndex.Empty;
    private long _restored;
    private long _mangled;

    /// <summary>Creates an empty session for <paramref name="tenantId"/>.</summary>
    /// <param name="tenantId">The tenant; sessions are never shared between tenants.</param>
    /// <param name="maxEntries">Bound on distinct masked values; masking beyond it throws rather than send a value unmasked.</param>
    public MaskingSession(string tenantId, int maxEntries = DefaultMaxEntries)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        TenantId = tenantId;
        MaxEntries = maxEntries;
        _forwardLookup = _forward.GetAlternateLookup<ReadOnlySpan<char>>();
        _reverseLookup = _reverse.GetAlternateLookup<ReadOnlySpan<char>>();
        _isTaken = token => _reverse.ContainsKey(token) || _forward.ContainsKey(token);
    }

    /// <summary>The tenant this session belongs to.</summary>
    public string TenantId { get; }

    /// <summary>The bound on distinct masked values.</summary>
    public int MaxEntries { get; }

    /// <summary>The number of distinct masked values.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _forward.Count;
            }
        }
    }

    /// <summary>Tokens restored by unmasking so far.</summary>
    public long RestoredTokens => Interlocked.Read(ref _restored);

    /// <summary>Token-shaped strings in answers that matched no token (the model changed or truncated them), left as is.</summary>
    public long MangledTokens => Interlocked.Read(ref _mangled);

    /// <inheritdoc />
    public override string ToString() => $"MaskingSession({Count} entries)";

    /// <summary>Restores the original values of all tokens in <paramref name="text"/>.</summary>
    public string Unmask(string text) => Unmask(text, out _);

    /// <summary>Restores the original values of all tokens in <paramref name="text"/>, with counts.</summary>
    public string Unmask(string text, out UnmaskCounts counts)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = GetIndex();
        if (index.IsEmpty || text.Length < UnmaskIndex.ProbeLength)
        {
            counts = default;
            return text;
        }

        StringBuilder? output = null;
        int restored = 0, mangled = 0;
        index.Process(text, text.Length, '\0', ref output, ref restored, ref mangled);
        counts = Record(restored, mangled);
        return output?.ToString() ?? text;
    }

    /// <summary>
    /// Restores tokens in every string of a JSON document, property names included (schema property names never hold
    /// tokens, and maps keyed by host name must come back readable). A key that would collide with an existing key
    /// keeps its token. Returns the document re-serialised (compact).
    /// </summary>
    public string UnmaskJson(string json, out UnmaskCounts counts)
    {
        var node = JsonNode.Parse(json);
        counts = UnmaskJson(ref node);
        return node?.ToJsonString() ?? "null";
    }

    /// <summary>Restores tokens in every string of <paramref name="node"/> in place (a root string value is replaced).</summary>
    public UnmaskCounts UnmaskJson(ref JsonNode? node)
    {
        int restored = 0, mangled = 0;
        node = JsonStrings.Rewrite(node, s =>
        {
            var result = Unmask(s, out var c);
            restored += c.Restored;
            mangled += c.Mangled;
            return result;
        });
        return new UnmaskCounts(restored, mangled);
    }

    /// <summary>Creates an unmasker for one streamed answer.</summary>
    public StreamingUnmasker CreateStreamingUnmasker() => new(this);

    internal UnmaskCounts Record(int restored, int mangled)
    {
        if (restored != 0)
        {
            Interlocked.Add(ref _restored, restored);
        }

        if (mangled != 0)
        {
            Interlocked.Add(ref _mangled, mangled);
        }

        return new UnmaskCounts(restored, mangled);
    }

    internal UnmaskIndex GetIndex()
    {
        var index = _index;
        if (index.Version == Volatile.Read(ref _version))
        {
            return index;
        }

        lock (_lock)
        {
            if (_index.Version != _version)
            {
                _index = _version == 0 ? UnmaskIndex.Empty : new UnmaskIndex(_reverse, _version);
            }

            return _index;
        }
    }

    /// <summary>Enters the lock for a masking pass. Callers then use <see cref="GetOrAddToken"/>.</summary>
    internal Lock.Scope EnterMasking() => _lock.EnterScope();

    /// <summary>The token of <paramref name="original"/>, drawing a new one on first sight. Caller holds the lock.</summary>
    internal string GetOrAddToken(ReadOnlySpan<char> original, TokenShape shape)
    {
        if (_forwardLookup.TryGetValue(original, out var token))
        {
            return token;
        }

        if (_forward.Count >= MaxEntries)
        {
            throw new InvalidOperationException(
                $"The masking session holds {MaxEntries} values, its bound; refusing to send more unmasked. Start a new conversation or raise the bound.");
        }

        var value = original.ToString();
        token = TokenFactory.Create(shape, original, _isTaken);
        Add(value, token);
        return token;
    }

    /// <summary>Whether <paramref name="value"/> is one of this session's tokens (so re-masking a history that already
    /// holds tokens keeps them). Caller holds the lock.</summary>
    internal bool IsToken(ReadOnlySpan<char> value) => _reverseLookup.ContainsKey(value);

    internal void Add(string original, string token)
    {
        _forward.Add(original, token);
        _reverse.Add(token, original);
        Volatile.Write(ref _version, _version + 1);
    }

    /// <summary>The token of <paramref name="original"/> if it was masked (tests and diagnostics; never logged).</summary>
    internal bool TryGetToken(string original, out string token)
    {
        lock (_lock)
        {
            return _forward.TryGetValue(original, out token!);
        }
    }

    internal List<KeyValuePair<string, string>> Snapshot()
    {
        lock (_lock)
        {
            return [.. _forward];
        }
    }
}

/// <summary>Counts from one unmasking operation.</summary>
/// <param name="Restored">Tokens replaced by their original values.</param>
/// <param name="Mangled">Token-shaped strings that matched no token (changed case, truncated), left as is.</param>
public readonly record struct UnmaskCounts(int Restored, int Mangled)
{
    /// <summary>The sum of two counts.</summary>
    public static UnmaskCounts operator +(UnmaskCounts a, UnmaskCounts b) => new(a.Restored + b.Restored, a.Mangled + b.Mangled);

    /// <summary>The sum of two counts.</summary>
    public static UnmaskCounts Add(UnmaskCounts a, UnmaskCounts b) => a + b;
}
