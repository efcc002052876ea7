using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Argus.Analysis.Logs;

/// <summary>How a line changed the miner's state.</summary>
public enum LogTemplateChange
{
    /// <summary>The line matched an existing template as it stood.</summary>
    None,

    /// <summary>The line started a new template.</summary>
    Created,

    /// <summary>The line joined a template and made more of it variable; the id is unchanged.</summary>
    Generalized,
}

/// <summary>The template a line was assigned to.</summary>
/// <param name="TemplateId">Stable 64-bit id: it never changes when the template is generalised, and survives
/// <see cref="LogTemplateMiner.Save"/>/<see cref="LogTemplateMiner.Load"/>.</param>
/// <param name="Template">The template text after this line, variable parts as <c>&lt;*&gt;</c>.</param>
/// <param name="Change">Whether the line created or generalised the template.</param>
public readonly record struct LogTemplateMatch(ulong TemplateId, string Template, LogTemplateChange Change);

/// <summary>A template and how many lines it has absorbed.</summary>
public sealed record LogTemplate(ulong Id, string Text, long Count);

/// <summary>
/// Online log-template miner: assigns each log body, as it arrives, to a template whose variable parts are marked
/// <c>&lt;*&gt;</c>, creating templates and generalising them as lines arrive.
/// </summary>
/// <remarks>
/// <para>Method: words are masked by shape first (<see cref="LogTokenizer"/>: numbers, hex, addresses, host:port, paths,
/// URLs, sizes, timestamps, identifiers mixing letters and digits, values of <c>key=value</c>), then a Drain-style search
/// looks for candidates among templates of the same word count that share the first or the last word, and a line joins
/// the most similar one when at least <see cref="LogTemplateMinerOptions.SimilarityThreshold"/> of its words agree.
/// Differences between plain words are what separates events, so they are limited: one per seven words, and none
/// when either word is an upper-case identifier (RUNNING, HTTPS), a device-style name (eth0) or the value of a
/// <c>key=value</c> pair. Differing words are merged piece by piece (<c>user=&lt;*&gt;</c>, <c>com.apple.&lt;*&gt;:</c>).
/// With no other configuration this reaches a mean grouping accuracy of about 0.96 on the eight Loghub-2k systems.</para>
/// <para>Memory is bounded: at most <see cref="LogTemplateMinerOptions.MaxTemplates"/> templates (least recently used
/// evicted), <see cref="LogTemplateMinerOptions.MaxTokens"/> words per template, and
/// <see cref="LogTemplateMinerOptions.MaxTokenLength"/> characters per word.</para>
/// <para>Thread safety: every member may be called concurrently. Masking runs outside the lock; matching and updating
/// take one lock, so the miner is consistent but serialises writers.</para>
/// </remarks>
public sealed class LogTemplateMiner
{
    private const int StateVersion = 1;

    // One plain-word difference is tolerated per this many words (see Similarity).
    private const int WordsPerWordMismatch = 7;

    [ThreadStatic]
    private static List<string>? t_words;

    private readonly LogTemplateMinerOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, Cluster> _byId = [];
    // Candidates are found by word count plus the first word and, separately, plus the last word (a constant word, or
    // the wildcard when that end is variable): a line whose first word is an unmasked value still finds its template
    // through its last word and vice versa.
    private readonly Dictionary<BucketKey, List<Cluster>> _buckets = [];
    private int _scanStamp;
    private int[] _wordHashes = new int[64];

    // Most recently used first; eviction takes the last node. A linked list keeps every touch O(1).
    private readonly LinkedList<Cluster> _recency = new();

    /// <summary>Creates an empty miner.</summary>
    /// <param name="options">Settings; <see langword="null"/> uses the defaults. Validated here.</param>
    public LogTemplateMiner(LogTemplateMinerOptions? options = null)
    {
        _options = options ?? new LogTemplateMinerOptions();
        _options.Validate();
    }

    /// <summary>Number of templates currently held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Assigns <paramref name="content"/> (the log body, without timestamp/level header) to a template,
    /// creating or generalising one as needed.</summary>
    public LogTemplateMatch Add(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var words = t_words ??= new List<string>(32);
        LogTokenizer.Tokenize(content, words, _options.MaxTokens, _options.MaxTokenLength);
        lock (_gate)
        {
            var cluster = FindBest(words);
            if (cluster is null)
            {
                cluster = Create(words);
                return new LogTemplateMatch(cluster.Id, cluster.Text, LogTemplateChange.Created);
            }

            cluster.Count++;
            Touch(cluster);
            var changed = Generalize(cluster, words);
            if (changed && (!ReferenceEquals(EndKey(cluster.Tokens[0]), cluster.FirstKey.Word) || !ReferenceEquals(EndKey(cluster.Tokens[^1]), cluster.LastKey.Word)))
            {
                // An end word became variable: file the template under the wildcard so lines with any value there find it.
                RemoveFromBuckets(cluster);
                AddToBuckets(cluster);
            }

            return new LogTemplateMatch(cluster.Id, cluster.Text, changed ? LogTemplateChange.Generalized : LogTemplateChange.None);
        }
    }

    /// <summary>Finds the template <paramref name="content"/> would join, without changing any state.</summary>
    /// <returns>The matching template, or <see langword="null"/> when the line would start a new one.</returns>
    public LogTemplate? Match(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var words = t_words ??= new List<string>(32);
        LogTokenizer.Tokenize(content, words, _options.MaxTokens, _options.MaxTokenLength);
        lock (_gate)
        {
            var cluster = FindBest(words);
            return cluster is null ? null : new LogTemplate(cluster.Id, cluster.Text, cluster.Count);
        }
    }

    /// <summary>The template with this id, or <see langword="null"/> when it is unknown or was evicted.</summary>
    public LogTemplate? GetTemplate(ulong id)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var c) ? new LogTemplate(c.Id, c.Text, c.Count) : null;
        }
    }

    /// <summary>A snapshot of all templates, most recently used first.</summary>
    public IReadOnlyList<LogTemplate> GetTemplates()
    {
        lock (_gate)
        {
            var list = new List<LogTemplate>(_byId.Count);
            foreach (var c in _recency)
            {
                list.Add(new LogTemplate(c.Id, c.Text, c.Count));
            }

            return list;
        }
    }

    /// <summary>
    /// Puts a template back under its id, as a replay of a journal of template changes does: an unknown id is
    /// created (evicting the least recently used template at the cap), a known one takes the new words and keeps its count.
    /// </summary>
    /// <param name="id">The template's id, as <see cref="LogTemplateMatch.TemplateId"/> gave it.</param>
    /// <param name="text">The template's text, as <see cref="LogTemplateMatch.Template"/> gave it (words never hold spaces).</param>
    public void Restore(ulong id, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = text.Split(' ');
        if (id == 0 || tokens.Length > _options.MaxTokens)
        {
            return;
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            // The matching fast paths compare the wildcard by reference.
            if (tokens[i] == LogTokenizer.Wildcard)
            {
                tokens[i] = LogTokenizer.Wildcard;
            }
        }

        lock (_gate)
        {
            long count = 0;
            if (_byId.TryGetValue(id, out var known))
            {
                if (known.Text == text)
                {
                    return;
                }

                count = known.Count;
                Evict(known);
            }
            else if (_byId.Count >= _options.MaxTemplates)
            {
                Evict(_recency.Last!.Value);
            }

            var cluster = new Cluster(id, tokens) { Count = count };
            Register(cluster);
            cluster.Recency = _recency.AddFirst(cluster);
        }
    }

    /// <summary>Writes the whole state (templates, ids, counts, recency) as UTF-8 JSON to <paramref name="stream"/>.</summary>
    /// <remarks>Options are not written: they belong to the host's configuration and are passed again to <see cref="Load"/>.</remarks>
    public void Save(Stream stream)
    {
        List<LogTemplateState> templates;
        lock (_gate)
        {
            templates = new List<LogTemplateState>(_byId.Count);
            foreach (var c in _recency)
            {
                templates.Add(new LogTemplateState(c.Id, [.. c.Tokens], c.Count));
            }
        }

        JsonSerializer.Serialize(stream, new LogMinerState(StateVersion, templates), LogMinerJsonContext.Default.LogMinerState);
    }

    /// <summary>Restores a miner written by <see cref="Save"/>; ids and templates continue where they were.</summary>
    /// <param name="stream">The JSON written by <see cref="Save"/>.</param>
    /// <param name="options">Settings; when <see cref="LogTemplateMinerOptions.MaxTemplates"/> is lower than the saved
    /// count, the least recently used templates are dropped.</param>
    /// <exception cref="InvalidDataException">The stream is not a miner state this version understands.</exception>
    public static LogTemplateMiner Load(Stream stream, LogTemplateMinerOptions? options = null)
    {
        LogMinerState? state;
        try
        {
            state = JsonSerializer.Deserialize(stream, LogMinerJsonContext.Default.LogMinerState);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The log template state is not valid JSON.", ex);
        }

        if (state is null || state.Version != StateVersion || state.Templates is null)
        {
            throw new InvalidDataException($"The log template state has version {state?.Version}; expected {StateVersion}.");
        }

        var miner = new LogTemplateMiner(options);
        foreach (var t in state.Templates)
        {
            if (miner._byId.Count >= miner._options.MaxTemplates)
            {
                break;
            }

            if (t.Tokens is null || t.Tokens.Length == 0 || t.Tokens.Length > miner._options.MaxTokens || miner._byId.ContainsKey(t.Id))
            {
                throw new InvalidDataException($"The log template state has an invalid template {t.Id}.");
            }

            var cluster = new Cluster(t.Id, t.Tokens) { Count = t.Count };
            miner.Register(cluster);
            // Saved most recent first; appending keeps that order.
            cluster.Recency = miner._recency.AddLast(cluster);
        }

        return miner;
    }

    private Cluster? FindBest(List<string> words)
    {
        // Word hashes let most comparisons end on an int compare instead of a string compare.
        if (_wordHashes.Length < words.Count)
        {
            _wordHashes = new int[Math.Max(words.Count, _wordHashes.Length * 2)];
        }

        for (var i = 0; i < words.Count; i++)
        {
            _wordHashes[i] = string.GetHashCode(words[i]);
        }

        var best = default(Cluster);
        var bestScore = -1.0;
        var stamp = ++_scanStamp;
        var n = words.Count;
        var first = EndKey(words[0]);
        var last = EndKey(words[n - 1]);
        Scan(new BucketKey(n, false, first), words, stamp, ref best, ref bestScore);
        Scan(new BucketKey(n, true, last), words, stamp, ref best, ref bestScore);
        if (!ReferenceEquals(first, LogTokenizer.Wildcard))
        {
            Scan(new BucketKey(n, false, LogTokenizer.Wildcard), words, stamp, ref best, ref bestScore);
        }

        if (!ReferenceEquals(last, LogTokenizer.Wildcard))
        {
            Scan(new BucketKey(n, true, LogTokenizer.Wildcard), words, stamp, ref best, ref bestScore);
        }

        return bestScore >= _options.SimilarityThreshold ? best : null;
    }

    private void Scan(BucketKey key, List<string> words, int stamp, ref Cluster? best, ref double bestScore)
    {
        if (!_buckets.TryGetValue(key, out var list))
        {
            return;
        }

        foreach (var c in list)
        {
            if (c.ScanStamp == stamp)
            {
                continue;
            }

            c.ScanStamp = stamp;
            var score = Similarity(c, words, _wordHashes, Math.Max(bestScore, _options.SimilarityThreshold));
            if (score > bestScore || (score == bestScore && best is not null && c.Count > best.Count))
            {
                best = c;
                bestScore = score;
            }
        }
    }

    /// <summary>Share of positions where the line agrees with the template, or -1 when the line must not join it.</summary>
    /// <remarks>
    /// Two guards keep templates from degenerating into all-wildcard patterns that swallow unrelated events: at least one
    /// constant word must match, and a position where both sides are plain words (letters, no value shape) may differ
    /// only rarely (<see cref="AllowedWordMismatches"/>), and never when either word is an upper-case identifier such as a
    /// state, protocol or event type (RUNNING, HTTPS, JOB_SETUP): those name different events far more often than values.
    /// </remarks>
    private static double Similarity(Cluster cluster, List<string> words, int[] wordHashes, double bar)
    {
        var template = cluster.Tokens;
        var hashes = cluster.Hashes;
        var variable = cluster.Variable;
        var n = template.Length;

        // Pass 1, cheap: count agreeing positions and give up as soon as the bar is out of reach. Most candidates in a
        // bucket end here, which is what keeps the miner fast with many templates per bucket.
        var allowedMisses = n - (int)Math.Ceiling(bar * n - 1e-9);
        var misses = 0;
        var constantSame = 0;
        for (var i = 0; i < n; i++)
        {
            var t = template[i];
            var w = words[i];
            if (hashes[i] == wordHashes[i] && t == w)
            {
                constantSame += variable[i] ? 0 : 1;
                continue;
            }

            if (variable[i] && (ReferenceEquals(t, LogTokenizer.Wildcard) || GlobMatch(t, w)))
            {
                continue;
            }

            if (++misses > allowedMisses)
            {
                return -1;
            }
        }

        if (constantSame == 0 && cluster.Constants > 0)
        {
            return -1;
        }

        // Pass 2, only for candidates that can win: classify the differing words.
        if (misses > 0)
        {
            var wordMismatches = 0;
            for (var i = 0; i < n; i++)
            {
                var t = template[i];
                var w = words[i];
                if (ReferenceEquals(t, w) || t == w || (variable[i] && GlobMatch(t, w)))
                {
                    continue;
                }

                var kind = ClassifyMismatch(t, w);
                if (kind == Mismatch.Blocking)
                {
                    return -1;
                }

                if (kind is Mismatch.Word or Mismatch.Structure && ++wordMismatches > AllowedWordMismatches(n))
                {
                    return -1;
                }
            }
        }

        return (double)(n - misses) / n;
    }

    private enum Mismatch
    {
        Value,
        Word,
        Structure,
        Blocking,
    }

    /// <summary>
    /// Classifies a differing word pair. Same delimiter structure with only value pieces differing is a
    /// <see cref="Mismatch.Value"/>; a different structure or a different constant word is a <see cref="Mismatch.Word"/>;
    /// a different upper-case identifier (RUNNING, HTTPS, LOGIN) or a different plain value after <c>=</c>
    /// (<c>user=root</c>, <c>mode=auto</c>: enumerations far more often than free values) is
    /// <see cref="Mismatch.Blocking"/>.
    /// </summary>
    private static Mismatch ClassifyMismatch(string t, string w)
    {
        // Fast paths for the common shapes, without cutting the words into pieces.
        if (t is LogTokenizer.Wildcard || w is LogTokenizer.Wildcard)
        {
            return Mismatch.Value;
        }

        if (t.AsSpan().IndexOfAny(PieceDelimiters) < 0 && w.AsSpan().IndexOfAny(PieceDelimiters) < 0
            && !t.Contains('<', StringComparison.Ordinal) && !w.Contains('<', StringComparison.Ordinal))
        {
            return IsDistinctive(t) || IsDistinctive(w) ? Mismatch.Blocking : Mismatch.Word;
        }

        Span<Range> pt = stackalloc Range[64];
        Span<Range> pw = stackalloc Range[64];
        var nt = Pieces(t, pt);
        var nw = Pieces(w, pw);
        if (nt < 0 || nw < 0)
        {
            return Mismatch.Structure;
        }

        if (nt != nw)
        {
            if (t is LogTokenizer.Wildcard || w is LogTokenizer.Wildcard)
            {
                // One side is a whole value: the other is the same value in another shape (MSRA-SA-41 vs a host name).
                return Mismatch.Value;
            }

            // Different shapes: blocking when a constant piece only one side has is an identifier or a key's value
            // ("LOGIN(uid=0)" vs "(uid=0)", "tty=NODEVssh" vs "tty=:0").
            return HasDistinctivePiece(t, pt[..nt], w, pw[..nw]) || HasDistinctivePiece(w, pw[..nw], t, pt[..nt])
                ? Mismatch.Blocking
                : Mismatch.Structure;
        }

        var result = Mismatch.Value;
        for (var i = 0; i < nt; i++)
        {
            var x = t.AsSpan(pt[i]);
            var y = w.AsSpan(pw[i]);
            if (x.SequenceEqual(y))
            {
                continue;
            }

            var xDelimiter = x.Length == 1 && IsPieceDelimiter(x[0]);
            var yDelimiter = y.Length == 1 && IsPieceDelimiter(y[0]);
            if (xDelimiter || yDelimiter)
            {
                return Mismatch.Structure;
            }

            if (x.SequenceEqual(LogTokenizer.Wildcard) || y.SequenceEqual(LogTokenizer.Wildcard))
            {
                continue;
            }

            if (IsDistinctive(x) || IsDistinctive(y) || (i > 0 && t.AsSpan(pt[i - 1]) is "="))
            {
                return Mismatch.Blocking;
            }

            result = Mismatch.Word;
        }

        return result;
    }

    /// <summary>Upper-case identifiers (RUNNING, HTTPS) and device-style names (eth0, tty2, wl0) name an event's
    /// subject or kind; two different ones mean two events.</summary>
    private static bool IsDistinctive(ReadOnlySpan<char> piece) =>
        LogTokenizer.IsUpperIdentifier(piece) || (piece.Length > 0 && char.IsAsciiDigit(piece[^1]) && LogTokenizer.IsPlainWord(piece));

    private static bool HasDistinctivePiece(string a, ReadOnlySpan<Range> pa, string b, ReadOnlySpan<Range> pb)
    {
        for (var i = 0; i < pa.Length; i++)
        {
            var x = a.AsSpan(pa[i]);
            if (x.Length == 1 && IsPieceDelimiter(x[0]) || x.SequenceEqual(LogTokenizer.Wildcard) || !(IsDistinctive(x) || (i > 0 && a.AsSpan(pa[i - 1]) is "=")))
            {
                continue;
            }

            var found = false;
            foreach (var r in pb)
            {
                if (b.AsSpan(r).SequenceEqual(x))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Plain-word differences tolerated in a line of <paramref name="length"/> words: one per seven words.</summary>
    private static int AllowedWordMismatches(int length) => length / WordsPerWordMismatch;

    private static string EndKey(string word) =>
        word.Contains(LogTokenizer.Wildcard, StringComparison.Ordinal) ? LogTokenizer.Wildcard : word;

    private Cluster Create(List<string> words)
    {
        if (_byId.Count >= _options.MaxTemplates)
        {
            Evict(_recency.Last!.Value);
        }

        var tokens = words.ToArray();
        var text = string.Join(' ', tokens);
        // The id is a hash of the first template, so replaying the same stream yields the same ids on any machine; a
        // collision (astronomically rare) probes to the next free value.
        var id = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
        while (id == 0 || _byId.ContainsKey(id))
        {
            id++;
        }

        var cluster = new Cluster(id, tokens) { Count = 1 };
        Register(cluster);
        cluster.Recency = _recency.AddFirst(cluster);
        return cluster;
    }

    private void Register(Cluster cluster)
    {
        _byId.Add(cluster.Id, cluster);
        AddToBuckets(cluster);
    }

    private void AddToBuckets(Cluster cluster)
    {
        cluster.FirstKey = new BucketKey(cluster.Tokens.Length, false, EndKey(cluster.Tokens[0]));
        cluster.LastKey = new BucketKey(cluster.Tokens.Length, true, EndKey(cluster.Tokens[^1]));
        foreach (var key in (ReadOnlySpan<BucketKey>)[cluster.FirstKey, cluster.LastKey])
        {
            if (!_buckets.TryGetValue(key, out var list))
            {
                list = [];
                _buckets.Add(key, list);
            }

            list.Add(cluster);
        }
    }

    private void RemoveFromBuckets(Cluster cluster)
    {
        foreach (var key in (ReadOnlySpan<BucketKey>)[cluster.FirstKey, cluster.LastKey])
        {
            var list = _buckets[key];
            list.Remove(cluster);
            if (list.Count == 0)
            {
                _buckets.Remove(key);
            }
        }
    }

    private void Evict(Cluster cluster)
    {
        _byId.Remove(cluster.Id);
        _recency.Remove(cluster.Recency!);
        RemoveFromBuckets(cluster);
    }

    private void Touch(Cluster cluster)
    {
        if (!ReferenceEquals(_recency.First, cluster.Recency))
        {
            _recency.Remove(cluster.Recency!);
            _recency.AddFirst(cluster.Recency!);
        }
    }

    private static bool Generalize(Cluster cluster, List<string> words)
    {
        var changed = false;
        var tokens = cluster.Tokens;
        for (var i = 0; i < tokens.Length; i++)
        {
            var t = tokens[i];
            var w = words[i];
            if (ReferenceEquals(t, w) || t == w)
            {
                continue;
            }

            if (t.Contains(LogTokenizer.Wildcard, StringComparison.Ordinal) && GlobMatch(t, w))
            {
                continue;
            }

            tokens[i] = MergeWord(t, w);
            changed = true;
        }

        if (changed)
        {
            cluster.Text = string.Join(' ', tokens);
            cluster.RefreshVariables();
        }

        return changed;
    }

    /// <summary>Generalises two different words: piece by piece when they have the same delimiters, else wholly.</summary>
    internal static string MergeWord(string a, string b)
    {
        Span<Range> pa = stackalloc Range[64];
        Span<Range> pb = stackalloc Range[64];
        var na = Pieces(a, pa);
        var nb = Pieces(b, pb);
        if (na < 0 || nb < 0)
        {
            return LogTokenizer.Wildcard;
        }

        if (na == nb && SameDelimiters(a, pa[..na], b, pb[..nb]))
        {
            var builder = new StringBuilder(a.Length + 4);
            var hasConstant = false;
            for (var i = 0; i < na; i++)
            {
                var x = a.AsSpan(pa[i]);
                if (x.SequenceEqual(b.AsSpan(pb[i])))
                {
                    builder.Append(x);
                    hasConstant |= !(x.Length == 1 && IsPieceDelimiter(x[0])) && !x.SequenceEqual(LogTokenizer.Wildcard);
                }
                else
                {
                    builder.Append(LogTokenizer.Wildcard);
                }
            }

            return hasConstant ? CollapseWildcards(builder) : LogTokenizer.Wildcard;
        }

        // Different shapes: keep the common leading and trailing pieces around one wildcard (com.apple.<*>:).
        var prefix = 0;
        while (prefix < na && prefix < nb && a.AsSpan(pa[prefix]).SequenceEqual(b.AsSpan(pb[prefix])))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < na - prefix && suffix < nb - prefix && a.AsSpan(pa[na - 1 - suffix]).SequenceEqual(b.AsSpan(pb[nb - 1 - suffix])))
        {
            suffix++;
        }

        var head = prefix == 0 ? ReadOnlySpan<char>.Empty : a.AsSpan(0, pa[prefix - 1].End.Value);
        var tail = suffix == 0 ? ReadOnlySpan<char>.Empty : a.AsSpan(pa[na - suffix].Start.Value);
        if (!HasLetter(head) && !HasLetter(tail))
        {
            return LogTokenizer.Wildcard;
        }

        var merged = new StringBuilder(head.Length + tail.Length + 3).Append(head).Append(LogTokenizer.Wildcard).Append(tail);
        return CollapseWildcards(merged);
    }

    private static bool SameDelimiters(string a, ReadOnlySpan<Range> pa, string b, ReadOnlySpan<Range> pb)
    {
        for (var i = 0; i < pa.Length; i++)
        {
            var x = a.AsSpan(pa[i]);
            var y = b.AsSpan(pb[i]);
            var xd = x.Length == 1 && IsPieceDelimiter(x[0]);
            var yd = y.Length == 1 && IsPieceDelimiter(y[0]);
            if (xd != yd || (xd && x[0] != y[0]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasLetter(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (char.IsLetter(c) && c != '*')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Joins wildcards separated only by in-identifier punctuation (<c>&lt;*&gt;.&lt;*&gt;</c> → <c>&lt;*&gt;</c>).</summary>
    private static string CollapseWildcards(StringBuilder builder)
    {
        var text = builder.ToString();
        foreach (var joint in (ReadOnlySpan<string>)["<*>.<*>", "<*>-<*>", "<*>_<*>", "<*><*>"])
        {
            while (text.Contains(joint, StringComparison.Ordinal))
            {
                text = text.Replace(joint, LogTokenizer.Wildcard, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Cuts a word into alternating value pieces and single delimiter characters; a wildcard is one piece.</summary>
    private static int Pieces(string word, Span<Range> ranges)
    {
        var n = 0;
        var i = 0;
        while (i < word.Length)
        {
            if (n == ranges.Length)
            {
                return -1;
            }

            if (word.AsSpan(i).StartsWith(LogTokenizer.Wildcard))
            {
                ranges[n++] = new Range(i, i + 3);
                i += 3;
                continue;
            }

            if (IsPieceDelimiter(word[i]))
            {
                ranges[n++] = new Range(i, i + 1);
                i++;
                continue;
            }

            var start = i;
            while (i < word.Length && !IsPieceDelimiter(word[i]) && !word.AsSpan(i).StartsWith(LogTokenizer.Wildcard))
            {
                i++;
            }

            ranges[n++] = new Range(start, i);
        }

        return n;
    }

    private static readonly System.Buffers.SearchValues<char> PieceDelimiters = System.Buffers.SearchValues.Create("=:,()[]{}#/|@;\"'\\.-_");

    private static bool IsPieceDelimiter(char c) => c is '=' or ':' or ',' or '(' or ')' or '[' or ']' or '{' or '}' or '#'
        or '/' or '|' or '@' or ';' or '"' or '\'' or '\\' or '.' or '-' or '_';

    /// <summary>Whether <paramref name="word"/> fits <paramref name="pattern"/>, where each <c>&lt;*&gt;</c> stands for any text.</summary>
    internal static bool GlobMatch(string pattern, string word)
    {
        var p = pattern.AsSpan();
        var w = word.AsSpan();
        var star = p.IndexOf(LogTokenizer.Wildcard);
        if (star < 0)
        {
            return p.SequenceEqual(w);
        }

        if (!w.StartsWith(p[..star]))
        {
            return false;
        }

        w = w[star..];
        p = p[(star + 3)..];
        while (true)
        {
            var next = p.IndexOf(LogTokenizer.Wildcard);
            if (next < 0)
            {
                return w.EndsWith(p);
            }

            var literal = p[..next];
            var at = w.IndexOf(literal);
            if (at < 0)
            {
                return false;
            }

            w = w[(at + literal.Length)..];
            p = p[(next + 3)..];
        }
    }

    private readonly record struct BucketKey(int Length, bool Last, string Word);

    private sealed class Cluster
    {
        private string? _text;

        public Cluster(ulong id, string[] tokens)
        {
            Id = id;
            Tokens = tokens;
            Variable = new bool[tokens.Length];
            Hashes = new int[tokens.Length];
            RefreshVariables();
        }

        /// <summary>Recomputes which positions hold a wildcard; called whenever <see cref="Tokens"/> changes.</summary>
        public void RefreshVariables()
        {
            Constants = 0;
            for (var i = 0; i < Tokens.Length; i++)
            {
                Variable[i] = Tokens[i].Contains(LogTokenizer.Wildcard, StringComparison.Ordinal);
                Hashes[i] = string.GetHashCode(Tokens[i]);
                Constants += Variable[i] ? 0 : 1;
            }
        }

        public bool[] Variable { get; }

        /// <summary>Per-process hash of each token (not persisted); equal strings have equal hashes.</summary>
        public int[] Hashes { get; }

        public int Constants { get; private set; }

        public ulong Id { get; }

        public string[] Tokens { get; }

        public BucketKey FirstKey { get; set; }

        public BucketKey LastKey { get; set; }

        public int ScanStamp { get; set; }

        public long Count { get; set; }

        public LinkedListNode<Cluster>? Recency { get; set; }

        public string Text
        {
            get => _text ??= string.Join(' ', Tokens);
            set => _text = value;
        }
    }
}
