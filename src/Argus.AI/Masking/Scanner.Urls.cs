using System.Buffers;

namespace Argus.AI.Masking;

/// <summary>URLs, JDBC URLs and ADO.NET connection strings: structure kept, each sensitive part masked on its own.</summary>
internal sealed partial class Scanner
{
    private static readonly SearchValues<char> AuthorityEnd = SearchValues.Create("/?#;");
    private static readonly SearchValues<char> SegmentEnd = SearchValues.Create("/?#;");
    private static readonly SearchValues<char> AdoKeyChars = SearchValues.Create(Letters + " ");
    private static readonly SearchValues<char> OracleUrlEnd = SearchValues.Create(" \t\r\n\"'<>");
    private static readonly SearchValues<char> OracleNameChars = SearchValues.Create(AlnumChars + "_.$#-");

    private int TryUrl(ReadOnlySpan<char> s, int i, int schemeEnd, List<Detection> output)
    {
        var scheme = s[i..schemeEnd];
        var database = false;
        foreach (var db in DatabaseSchemes)
        {
            database |= scheme.Equals(db, StringComparison.OrdinalIgnoreCase);
        }

        var kind = database ? SensitiveKind.ConnectionString : SensitiveKind.Url;
        return On(kind) ? ParseUrlBody(s, schemeEnd + 3, kind, database, output) : -1;
    }

    private int TryJdbc(ReadOnlySpan<char> s, int p, List<Detection> output)
    {
        var subEnd = RunEnd(s, p, Alnum);
        var sub = s[p..subEnd];
        if (s[subEnd..].StartsWith("://"))
        {
            return ParseUrlBody(s, subEnd + 3, SensitiveKind.ConnectionString, database: true, output);
        }

        if (!sub.Equals("oracle", StringComparison.OrdinalIgnoreCase) || subEnd >= s.Length || s[subEnd] != ':')
        {
            return -1;
        }

        // jdbc:oracle:thin:[user/password]@host:port:SID | @//host:port/service | @host:port/service | @(DESCRIPTION=...)
        var driverEnd = RunEnd(s, subEnd + 1, Alnum);
        if (driverEnd >= s.Length || s[driverEnd] != ':')
        {
            return -1;
        }

        var q = driverEnd + 1;
        var lineEnd = s[q..].IndexOfAny(OracleUrlEnd);
        var end = lineEnd < 0 ? s.Length : q + lineEnd;
        var at = s[q..end].IndexOf('@');
        if (at < 0)
        {
            return -1;
        }

        at += q;
        if (at > q)
        {
            var slash = s[q..at].IndexOf('/');
            var userEnd = slash < 0 ? at : q + slash;
            EmitPart(q, userEnd, SensitiveKind.ConnectionString, TokenShape.Identifier, output);
            if (slash >= 0)
            {
                EmitPart(userEnd + 1, at, SensitiveKind.ConnectionString, TokenShape.Secret, output);
            }
        }

        var r = at + 1;
        if (r < end && s[r] == '(')
        {
            return ParseTnsDescriptor(s, r, end, output);
        }

        if (s[r..end].StartsWith("//"))
        {
            r += 2;
        }

        var hostStop = s[r..end].IndexOfAny(":/");
        var hostEnd = hostStop < 0 ? end : r + hostStop;
        EmitHost(s, r, hostEnd, SensitiveKind.ConnectionString, output);
        var k = hostEnd;
        if (k < end && s[k] == ':')
        {
            k = RunEnd(s, k + 1, Digits);
        }

        if (k < end && s[k] is ':' or '/')
        {
            var nameEnd = RunEnd(s, k + 1, OracleNameChars);
            EmitPart(k + 1, nameEnd, SensitiveKind.ConnectionString, TokenShape.Identifier, output);
            k = nameEnd;
        }

        return k;
    }

    private int ParseTnsDescriptor(ReadOnlySpan<char> s, int start, int end, List<Detection> output)
    {
        var depth = 0;
        var k = start;
        for (; k < end; k++)
        {
            if (s[k] == '(')
            {
                depth++;
            }
            else if (s[k] == ')' && --depth == 0)
            {
                k++;
                break;
            }
        }

        for (var p = start; p < k; p++)
        {
            if (s[p] != '(')
            {
                continue;
            }

            var eq = s[p..k].IndexOf('=');
            if (eq < 0)
            {
                break;
            }

            var key = s[(p + 1)..(p + eq)].Trim();
            var valueStart = p + eq + 1;
            var close = s[valueStart..k].IndexOfAny("()");
            if (close < 0 || s[valueStart + close] != ')')
            {
                continue;
            }

            var valueEnd = valueStart + close;
            if (key.Equals("HOST", StringComparison.OrdinalIgnoreCase))
            {
                EmitHost(s, valueStart, valueEnd, SensitiveKind.ConnectionString, output);
            }
            else if (key.Equals("SERVICE_NAME", StringComparison.OrdinalIgnoreCase) || key.Equals("SID", StringComparison.OrdinalIgnoreCase))
            {
                EmitPart(valueStart, valueEnd, SensitiveKind.ConnectionString, TokenShape.Identifier, output);
            }

            p = valueEnd;
        }

        return k;
    }

    private static void EmitPart(int start, int end, SensitiveKind kind, TokenShape shape, List<Detection> output)
    {
        if (end > start)
        {
            output.Add(new Detection(start, end - start, kind, shape));
        }
    }

    private int ParseUrlBody(ReadOnlySpan<char> s, int a, SensitiveKind kind, bool database, List<Detection> output)
    {
        var end = RunEnd(s, a, UrlChars);
        while (end > a && s[end - 1] is '.' or ',' or ';' or ':' or '!' or '?' or ')' or ']')
        {
            if (s[end - 1] == ']' && s[a..end].Contains('['))
            {
                break;
            }

            end--;
        }

        if (end <= a)
        {
            return -1;
        }

        var authorityEnd = s[a..end].IndexOfAny(AuthorityEnd) is var ae && ae >= 0 ? a + ae : end;
        var authority = s[a..authorityEnd];
        var hostStart = a;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userinfo = authority[..at];
            var colon = userinfo.IndexOf(':');
            EmitPart(a, colon < 0 ? a + at : a + colon, kind, TokenShape.Identifier, output);
            if (colon >= 0)
            {
                EmitPart(a + colon + 1, a + at, kind, TokenShape.Secret, output);
            }

            hostStart = a + at + 1;
        }

        // Hosts: one, or a comma-separated list (MongoDB replica sets), each with an optional port.
        var p = hostStart;
        while (p < authorityEnd)
        {
            var comma = s[p..authorityEnd].IndexOf(',');
            var partEnd = comma < 0 ? authorityEnd : p + comma;
            int hostEnd;
            if (s[p] == '[')
            {
                var close = s[p..partEnd].IndexOf(']');
                hostEnd = close < 0 ? partEnd : p + close + 1;
            }
            else
            {
                var stop = s[p..partEnd].IndexOfAny(":\\");
                hostEnd = stop < 0 ? partEnd : p + stop;
            }

            EmitHost(s, p, hostEnd, kind, output);
            p = partEnd + 1;
        }

        p = authorityEnd;
        var firstSegment = true;
        while (p < end && s[p] == '/')
        {
            var segStart = p + 1;
            var segEnd = s[segStart..end].IndexOfAny(SegmentEnd) is var se && se >= 0 ? segStart + se : end;
            var segment = s[segStart..segEnd];
            if (firstSegment && database)
            {
                // The database name; a Redis database index (/0) says nothing.
                if (!(segment.Length <= 2 && segment.IndexOfAnyExcept(Digits) < 0))
                {
                    EmitPart(segStart, segEnd, kind, TokenShape.Identifier, output);
                }
            }
            else
            {
                EmitIdentifierLike(segStart, segment, kind, minDigits: 1, output);
            }

            firstSegment = false;
            p = segEnd;
        }

        if (p < end && s[p] is '?' or ';')
        {
            // Query (?a=b&c=d) or SQL Server properties (;databaseName=x;user=y;password=z).
            var separator = s[p] == '?' ? '&' : ';';
            p++;
            while (p < end && s[p] != '#')
            {
                var pairEnd = s[p..end].IndexOfAny(separator, '#') is var pe && pe >= 0 ? p + pe : end;
                var eq = s[p..pairEnd].IndexOf('=');
                if (eq > 0)
                {
                    var key = s[p..(p + eq)];
                    var valueStart = p + eq + 1;
                    var value = s[valueStart..pairEnd];
                    if (IsCredentialKey(key))
                    {
                        EmitPart(valueStart, pairEnd, kind, TokenShape.Secret, output);
                    }
                    else if (IsUserKey(key) || IsDatabaseKey(key))
                    {
                        EmitPart(valueStart, pairEnd, kind, value.Contains('@') ? TokenShape.Email : TokenShape.Identifier, output);
                    }
                    else if (key.Equals("serverName", StringComparison.OrdinalIgnoreCase) || key.Equals("host", StringComparison.OrdinalIgnoreCase))
                    {
                        EmitHost(s, valueStart, pairEnd, kind, output);
                    }
                    else
                    {
                        EmitIdentifierLike(valueStart, value, kind, minDigits: 6, output);
                    }
                }

                p = pairEnd + (pairEnd < end && s[pairEnd] == separator ? 1 : 0);
                if (pairEnd < end && s[pairEnd] == '#')
                {
                    break;
                }
            }
        }

        return end;
    }

    private static bool IsUserKey(ReadOnlySpan<char> key) =>
        key.Equals("user", StringComparison.OrdinalIgnoreCase) || key.Equals("username", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("uid", StringComparison.OrdinalIgnoreCase) || key.Equals("login", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("user id", StringComparison.OrdinalIgnoreCase) || key.Equals("userid", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("email", StringComparison.OrdinalIgnoreCase);

    private static bool IsDatabaseKey(ReadOnlySpan<char> key) =>
        key.Equals("database", StringComparison.OrdinalIgnoreCase) || key.Equals("databaseName", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("dbname", StringComparison.OrdinalIgnoreCase) || key.Equals("initial catalog", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("authSource", StringComparison.OrdinalIgnoreCase);

    /// <summary>A URL path segment or query value that looks like an identifier: a number, UUID, long hex or e-mail.</summary>
    private static void EmitIdentifierLike(int start, ReadOnlySpan<char> value, SensitiveKind kind, int minDigits, List<Detection> output)
    {
        if (value.IsEmpty)
        {
            return;
        }

        if (value.IndexOfAnyExcept(Digits) < 0)
        {
            if (value.Length >= minDigits)
            {
                output.Add(new Detection(start, value.Length, kind, TokenShape.Digits));
            }
        }
        else if (value.Length == 36 && IsUuid(value))
        {
            output.Add(new Detection(start, 36, kind, TokenShape.Uuid));
        }
        else if (value.Length >= 8 && value.IndexOfAnyExcept(HexChars) < 0 && value.IndexOfAnyInRange('0', '9') >= 0 &&
                 (value.Length >= 12 || value.IndexOfAnyInRange('a', 'f') >= 0 || value.IndexOfAnyInRange('A', 'F') >= 0))
        {
            output.Add(new Detection(start, value.Length, kind, TokenShape.Hex));
        }
        else
        {
            var at = value.IndexOf('@');
            if (at > 0 && value[(at + 1)..].Contains('.') && value.IndexOfAnyExcept(LocalPartChars) is var bad &&
                (bad < 0 || bad == at))
            {
                output.Add(new Detection(start, value.Length, kind, TokenShape.Email));
            }
        }
    }

    internal static bool IsUuid(ReadOnlySpan<char> v)
    {
        for (var k = 0; k < 36; k++)
        {
            var dash = k is 8 or 13 or 18 or 23;
            if (dash ? v[k] != '-' : !char.IsAsciiHexDigit(v[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAdoStart(ReadOnlySpan<char> key, ReadOnlySpan<char> s, int hEnd) =>
        key.Equals("Server", StringComparison.OrdinalIgnoreCase) || key.Equals("Host", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("Address", StringComparison.OrdinalIgnoreCase) || key.Equals("Addr", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("Database", StringComparison.OrdinalIgnoreCase) || key.Equals("User", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("Uid", StringComparison.OrdinalIgnoreCase) ||
        (key.Equals("Data", StringComparison.OrdinalIgnoreCase) && s[hEnd..].StartsWith(" Source", StringComparison.OrdinalIgnoreCase)) ||
        (key.Equals("User", StringComparison.OrdinalIgnoreCase) && s[hEnd..].StartsWith(" Id", StringComparison.OrdinalIgnoreCase));

    /// <summary>ADO.NET-style <c>Key=Value;Key=Value</c>; at least two pairs, one of them a known sensitive key.</summary>
    private int TryAdo(ReadOnlySpan<char> s, int i, List<Detection> output)
    {
        var found = new List<Detection>();
        Span<char> normalized = stackalloc char[32];
        var pairs = 0;
        var p = i;
        var end = i;
        while (p < s.Length)
        {
            var keyEnd = RunEnd(s, p, AdoKeyChars);
            if (keyEnd >= s.Length || s[keyEnd] != '=' || keyEnd - p > 30 || keyEnd == p)
            {
                break;
            }

            var n = 0;
            foreach (var c in s[p..keyEnd])
            {
                if (c != ' ')
                {
                    normalized[n++] = char.ToLowerInvariant(c);
                }
            }

            var key = normalized[..n];
            var valueStart = keyEnd + 1;
            int valueEnd, after;
            if (valueStart < s.Length && s[valueStart] is '"' or '\'')
            {
                (valueStart, valueEnd, after) = ReadValue(s, valueStart);
            }
            else
            {
                var stop = s[valueStart..].IndexOfAny(";\r\n\"'");
                valueEnd = after = stop < 0 ? s.Length : valueStart + stop;
            }

            if (key is "server" or "datasource" or "host" or "address" or "addr" or "networkaddress" or "hostname")
            {
                var v = valueStart;
                if (s[v..valueEnd].StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
                {
                    v += 4;
                }

                var stop = s[v..valueEnd].IndexOfAny(",:\\");
                EmitHost(s, v, stop < 0 ? valueEnd : v + stop, SensitiveKind.ConnectionString, found);
            }
            else if (key is "database" or "initialcatalog" or "dbname" or "userid" or "uid" or "user" or "username")
            {
                EmitPart(valueStart, valueEnd, SensitiveKind.ConnectionString, TokenShape.Identifier, found);
            }
            else if (key is "password" or "pwd")
            {
                EmitPart(valueStart, valueEnd, SensitiveKind.ConnectionString, TokenShape.Secret, found);
            }

            pairs++;
            end = after;
            if (after < s.Length && s[after] == ';')
            {
                p = after + 1;
                while (p < s.Length && s[p] == ' ')
                {
                    p++;
                }
            }
            else
            {
                break;
            }
        }

        if (pairs < 2 || found.Count == 0)
        {
            return -1;
        }

        output.AddRange(found);
        return end;
    }
}
