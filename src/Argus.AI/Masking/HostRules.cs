using System.Collections.Frozen;

namespace Argus.AI.Masking;

/// <summary>
/// Decides whether a dotted word is a host name. Outside URLs, e-mail addresses and <c>host:port</c>, a dotted word is
/// a host only when its last label is a known top-level domain or internal suffix; file names, version numbers, Java
/// packages and .NET namespaces are told apart by their shape (see <see cref="IsHost"/>).
/// </summary>
internal static class HostRules
{
    // Generic TLDs that appear in real host names, minus words that are common as the last part of code
    // identifiers (user.name, spring.cloud, request.host, event.group). Country codes follow, minus file extensions
    // (.py .sh .md .rs .pl .so .cc .mk .pm .ml .tf ...) and minus those that read as code words (o.id, path.to).
    private static readonly FrozenSet<string> Tlds = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "ai", "app", "dev", "me", "tv", "xyz", "kr", "it", "no", "us", "my", "is", "to",
        "ad", "ae", "af", "ag", "al", "ao", "aq", "ar", "at", "au", "aw", "ax", "az", "ba", "bb", "bd", "be", "bf", "bg",
        "bh", "bi", "bj", "bm", "bn", "bo", "br", "bs", "bt", "bw", "by", "bz", "ca", "cd", "cf", "cg", "ch", "ci", "ck",
        "cl", "cm", "cn", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk", "dm", "dz", "ec", "ee", "eg", "er",
        "es", "et", "eu", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd", "ge", "gf", "gg", "gh", "gi", "gl", "gm",
        "gn", "gp", "gq", "gr", "gt", "gu", "gw", "gy", "hk", "hm", "hn", "hr", "ht", "hu", "ie", "il", "im", "iq", "ir",
        "je", "jm", "jo", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp", "kw", "ky", "kz", "la", "lb", "lc", "li", "lk",
        "lr", "ls", "lt", "lu", "lv", "ly", "ma", "mc", "md", "mg", "mh", "mm", "mn", "mp", "mq", "mr", "mt", "mu", "mv",
        "mw", "mx", "mz", "na", "nc", "ne", "nf", "ng", "ni", "nl", "np", "nr", "nu", "nz", "om", "pa", "pe", "pf", "pg",
        "ph", "pk", "pn", "pr", "pt", "pw", "qa", "re", "ro", "ru", "rw", "sa", "sb", "sd", "se", "sg", "si", "sk", "sl",
        "sm", "sn", "sr", "ss", "st", "sv", "sx", "sy", "sz", "tc", "td", "tg", "th", "tj", "tk", "tl", "tm", "tn", "tr",
        "tt", "tw", "tz", "ua", "ug", "uk", "uy", "uz", "va", "vc", "ve", "vg", "vi", "vn", "vu", "wf", "ws", "ye", "yt",
        "za", "zm", "zw");

    // Two-letter TLDs that double as English or code words ("see.me", "x.at"): hosts only with three or more labels.
    private static readonly FrozenSet<string> WordTlds = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "at", "be", "by", "me", "co", "ai", "tv", "is", "it", "no", "to", "my", "us", "am", "dev", "app", "st", "re");

    // Generic internal suffixes: any name ending so is a host, even with two labels (db01.local).
    private static readonly FrozenSet<string> InternalTlds = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "internal", "local", "corp", "lan", "intranet", "localdomain", "private", "arpa");

    // First labels of Java/Kotlin/Scala packages: "org.apache.commons.io" is a package, not a host in .io.
    private static readonly FrozenSet<string> PackageRoots = FrozenSet.Create(
        StringComparer.Ordinal, "com", "org", "net", "io", "edu", "gov", "java", "javax", "jakarta", "sun", "jdk", "kotlin",
        "kotlinx", "scala", "android", "androidx", "reactor", "akka", "lombok");

    private static readonly FrozenSet<string> Excluded = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "asp.net", "ado.net", "vb.net", "socket.io", "e.g", "i.e");

    private static readonly System.Buffers.SearchValues<char> PodChars = System.Buffers.SearchValues.Create(TokenFactory.PodAlphabet);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TldLookup = Tlds.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> WordTldLookup = WordTlds.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> InternalLookup = InternalTlds.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> PackageLookup = PackageRoots.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ExcludedLookup = Excluded.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Whether a dotted word (at least two labels, trailing dots trimmed) is a host name on its own, without a port or
    /// URL around it.
    /// </summary>
    public static bool IsHost(ReadOnlySpan<char> name)
    {
        var lastDot = name.LastIndexOf('.');
        var firstDot = name.IndexOf('.');
        if (lastDot <= 0 || lastDot == name.Length - 1)
        {
            return false;
        }

        var tld = name[(lastDot + 1)..];
        if (!IsLetters(tld))
        {
            return false;
        }

        var labels = name.Count('.') + 1;
        var isInternal = InternalLookup.Contains(tld) || name.EndsWith(".cluster.local", StringComparison.OrdinalIgnoreCase);
        if (!isInternal)
        {
            if (!TldLookup.Contains(tld) || (labels < 3 && WordTldLookup.Contains(tld)) || ExcludedLookup.Contains(name))
            {
                return false;
            }

            // Reverse-DNS package names (org.apache.commons.io, java.io).
            var first = name[..firstDot];
            if (PackageLookup.Contains(first) && (labels >= 3 || first.Length > 3))
            {
                return false;
            }
        }

        return HasHostCase(name) && HasHostLabels(name);
    }

    /// <summary>Whether a dot-less word is a Kubernetes pod name (<c>name-5d8f7c9b6-x2k9q</c>) or a host next to a port.</summary>
    public static bool IsPodName(ReadOnlySpan<char> word)
    {
        // deployment-name + '-' + ReplicaSet hash (6-10 chars) + '-' + 5-char suffix, hash and suffix from the
        // Kubernetes "safe" alphabet (no vowels, so ordinary dashed words do not match).
        var last = word.LastIndexOf('-');
        if (last < 0 || word.Length - last - 1 != 5)
        {
            return false;
        }

        var rest = word[..last];
        var second = rest.LastIndexOf('-');
        if (second <= 0)
        {
            return false;
        }

        var hash = rest[(second + 1)..];
        return hash.Length is >= 6 and <= 10 &&
               hash.IndexOfAnyExcept(PodChars) < 0 &&
               word[(last + 1)..].IndexOfAnyExcept(PodChars) < 0 &&
               IsLowerHostLabel(rest[..second]);
    }

    /// <summary>Whether a dot-less word followed by <c>:port</c> is a host (db01:5432, redis-master:6379): lower-case,
    /// with a digit or a dash, not <c>localhost</c>.</summary>
    public static bool IsBareHostBeforePort(ReadOnlySpan<char> word) =>
        word.Length >= 3 && IsLowerHostLabel(word) && word.IndexOfAnyInRange('a', 'z') >= 0 &&
        (word.Contains('-') || word.IndexOfAnyInRange('0', '9') >= 0) && !char.IsAsciiDigit(word[0]);

    private static bool IsLowerHostLabel(ReadOnlySpan<char> label)
    {
        foreach (var c in label)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return label.Length > 0 && label[0] != '-' && label[^1] != '-';
    }

    private static bool IsLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return s.Length >= 2;
    }

    // Host names are all lower-case or all upper-case (DB01.CORP.LOCAL); mixed case is code (System.IO,
    // java.lang.String, Program.Main, README.md).
    private static bool HasHostCase(ReadOnlySpan<char> name) =>
        name.IndexOfAnyInRange('A', 'Z') < 0 || name.IndexOfAnyInRange('a', 'z') < 0;

    private static bool HasHostLabels(ReadOnlySpan<char> name)
    {
        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
        }

        return true;
    }
}
