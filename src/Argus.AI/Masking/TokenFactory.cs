using System.Security.Cryptography;

namespace Argus.AI.Masking;

/// <summary>
/// Creates format-preserving random tokens. Every token is drawn from <see cref="RandomNumberGenerator"/> (so a token
/// says nothing about its value, and two sessions never agree on one) and is at least
/// <see cref="UnmaskIndex.ProbeLength"/> characters long, which is what lets the unmasker find tokens with one
/// vectorised search over fixed-length prefixes.
/// </summary>
internal static class TokenFactory
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string LowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Digits = "0123456789";
    private const string HexLower = "0123456789abcdef";

    // The alphabet Kubernetes uses for ReplicaSet hashes and pod suffixes (no vowels, no 0/1/3), so masked pod names
    // still read as pod names.
    internal const string PodAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private static readonly string[] InternalSuffixes =
        [".svc.cluster.local", ".cluster.local", ".home.arpa", ".localdomain", ".internal", ".intranet", ".private", ".local", ".corp", ".lan"];

    // 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737) give 762 usable addresses; a session that needs
    // more continues in 198.18.0.0/15 (RFC 2544, benchmarking), which is just as unroutable on the internet.
    private static readonly string[] DocumentationNets = ["192.0.2.", "198.51.100.", "203.0.113."];

    public static string Create(TokenShape shape, ReadOnlySpan<char> original, Func<string, bool> isTaken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = shape switch
            {
                TokenShape.Host => Label(9) + HostSuffix(original),
                TokenShape.Label => Label(9),
                TokenShape.Pod => Label(9) + "-" + SecureRandom.String(PodAlphabet, 8) + "-" +
                                  SecureRandom.String(PodAlphabet, 5),
                TokenShape.Identifier => Identifier(original),
                TokenShape.Secret => Secret(original),
                TokenShape.IPv4 => IPv4(attempt),
                TokenShape.IPv6 => IPv6(),
                TokenShape.Email => Label(8) + "@" + Label(6) + ".example",
                TokenShape.Phone => Phone(original),
                TokenShape.Rrn => Rrn(original),
                TokenShape.Card => Card(original),
                TokenShape.Digits => SecureRandom.String("123456789", 1) +
                                     SecureRandom.String(Digits, Math.Max(original.Length, UnmaskIndex.ProbeLength) - 1),
                TokenShape.Uuid => Uuid(original),
                TokenShape.Hex => SameCase(SecureRandom.String(HexLower, Math.Max(original.Length, UnmaskIndex.ProbeLength)), original),
                _ => throw new ArgumentOutOfRangeException(nameof(shape)),
            };

            if (!isTaken(token) && !original.SequenceEqual(token))
            {
                return token;
            }

            if (attempt > 10_000)
            {
                throw new InvalidOperationException($"No free {shape} token could be drawn; the masking session is too large.");
            }
        }
    }

    private static string Label(int length) =>
        SecureRandom.String(Lower, 1) + SecureRandom.String(LowerDigits, length - 1);

    private static string HostSuffix(ReadOnlySpan<char> original)
    {
        // Generic internal suffixes carry no company information and tell the model what kind of name it is.
        foreach (var suffix in InternalSuffixes)
        {
            if (original.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return suffix;
            }
        }

        return ".example";
    }

    private static string Identifier(ReadOnlySpan<char> original)
    {
        var token = Label(8);
        var hasLower = false;
        foreach (var c in original)
        {
            hasLower |= char.IsAsciiLetterLower(c);
        }

        // Upper-case schemas (Oracle) stay upper-case.
        return hasLower || original.IsEmpty ? token : token.ToUpperInvariant();
    }

    private static string Secret(ReadOnlySpan<char> original)
    {
        if (original.Length == 20 && (original.StartsWith("AKIA") || original.StartsWith("ASIA")))
        {
            return original[..4].ToString() + SecureRandom.String("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        }

        return SecureRandom.String(Lower, 1) + SecureRandom.String(Alnum, 15);
    }

    private static string IPv4(int attempt)
    {
        if (attempt < 64)
        {
            var n = SecureRandom.Int(DocumentationNets.Length * 254);
            return DocumentationNets[n / 254] + (n % 254 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var host = SecureRandom.Int(2 * 256 * 254);
        return $"198.{18 + host / (256 * 254)}.{host / 254 % 256}.{host % 254 + 1}";
    }

    private static string IPv6() =>
        "2001:db8:" + SecureRandom.String(HexLower, 4) + ":" + SecureRandom.String(HexLower, 4) + "::" +
        SecureRandom.String("123456789abcdef", 1) + SecureRandom.String(HexLower, 3);

    private static string Phone(ReadOnlySpan<char> original)
    {
        // Keep the country code and the first group (mobile prefix or area code) so the model still sees "a Korean
        // mobile number"; every other digit is random; punctuation stays where it was.
        var chars = original.ToArray();
        var keep = KeptPhonePrefix(original);
        for (var i = keep; i < chars.Length; i++)
        {
            if (char.IsAsciiDigit(chars[i]))
            {
                chars[i] = (char)('0' + SecureRandom.Int(10));
            }
        }

        return new string(chars);
    }

    private static int KeptPhonePrefix(ReadOnlySpan<char> original)
    {
        var i = 0;
        if (original.StartsWith("+"))
        {
            i = 1;
            var groupEnd = original[1..].IndexOfAnyExceptInRange('0', '9');
            if (groupEnd < 0 || groupEnd > 3)
            {
                // +821012345678: no separators; keep the country code only.
                return original.StartsWith("+1") ? 2 : 3;
            }

            i += groupEnd;
            while (i < original.Length && !char.IsAsciiDigit(original[i]))
            {
                i++;
            }
        }

        var rest = original[i..];
        var end = rest.IndexOfAnyExceptInRange('0', '9');
        if (end < 0 || end > 4)
        {
            return i + Math.Min(3, rest.Length);
        }

        return i + end;
    }

    private static string Rrn(ReadOnlySpan<char> original)
    {
        var yy = SecureRandom.Int(100);
        var mm = SecureRandom.Int(12) + 1;
        var dd = SecureRandom.Int(28) + 1;
        var gender = SecureRandom.Int(4) + 1;
        var separator = original.Length == 14 ? original[6].ToString() : "";
        return $"{yy:00}{mm:00}{dd:00}{separator}{gender}{SecureRandom.String(Digits, 6)}";
    }

    private static string Card(ReadOnlySpan<char> original)
    {
        var count = 0;
        foreach (var c in original)
        {
            count += char.IsAsciiDigit(c) ? 1 : 0;
        }

        // Well-known test BINs: Amex 378282 (15 digits), Diners 305693 (14), Visa 411111 (16) and 400000 otherwise.
        var bin = count switch { 15 => "378282", 14 => "305693", 16 => "411111", _ => "400000" };
        var digits = new char[count];
        bin.CopyTo(digits);
        for (var i = bin.Length; i < count - 1; i++)
        {
            digits[i] = (char)('0' + SecureRandom.Int(10));
        }

        digits[count - 1] = '0';
        digits[count - 1] = (char)('0' + (10 - Luhn.Sum(digits) % 10) % 10);

        var result = original.ToArray();
        var d = 0;
        for (var i = 0; i < result.Length; i++)
        {
            if (char.IsAsciiDigit(result[i]))
            {
                result[i] = digits[d++];
            }
        }

        return new string(result);
    }

    private static string Uuid(ReadOnlySpan<char> original)
    {
        Span<byte> bytes = stackalloc byte[16];
        SecureRandom.Fill(bytes);
        return SameCase(new Guid(bytes).ToString("D"), original);
    }

    private static string SameCase(string token, ReadOnlySpan<char> original) =>
        original.IndexOfAnyInRange('A', 'F') >= 0 && original.IndexOfAnyInRange('a', 'f') < 0 ? token.ToUpperInvariant() : token;
}

/// <summary>The Luhn checksum of payment card numbers.</summary>
internal static class Luhn
{
    /// <summary>The Luhn sum of the ASCII digits in <paramref name="digits"/> (other characters skipped); valid when divisible by 10.</summary>
    public static int Sum(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var c = digits[i];
            if (!char.IsAsciiDigit(c))
            {
                continue;
            }

            var d = c - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum;
    }
}

/// <summary>
/// Cryptographically secure random values from a per-thread buffer of <see cref="RandomNumberGenerator"/> output:
/// one generator call per kilobyte instead of one per character keeps token creation off the profile. Values are
/// unbiased (rejection sampling).
/// </summary>
internal static class SecureRandom
{
    private const int PoolSize = 1024;

    [ThreadStatic]
    private static byte[]? t_pool;

    [ThreadStatic]
    private static int t_next;

    public static int Int(int exclusiveMax)
    {
        if (exclusiveMax <= 256)
        {
            var limit = 256 - 256 % exclusiveMax;
            while (true)
            {
                var b = NextByte();
                if (b < limit)
                {
                    return b % exclusiveMax;
                }
            }
        }

        var max = (uint)exclusiveMax;
        var bound = uint.MaxValue - uint.MaxValue % max;
        while (true)
        {
            var value = (uint)NextByte() | (uint)NextByte() << 8 | (uint)NextByte() << 16 | (uint)NextByte() << 24;
            if (value < bound)
            {
                return (int)(value % max);
            }
        }
    }

    public static string String(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[Int(chars.Length)];
            }
        });

    public static void Fill(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = NextByte();
        }
    }

    private static byte NextByte()
    {
        var pool = t_pool ??= new byte[PoolSize];
        if (t_next == 0 || t_next >= PoolSize)
        {
            RandomNumberGenerator.Fill(pool);
            t_next = 0;
        }

        var b = pool[t_next];
        t_next++;
        return b;
    }
}
