using System.Net;
using System.Net.Sockets;

namespace Argus.AI.Masking;

/// <summary>Numbers: IPv4 and IPv6 addresses, phone numbers, resident registration numbers, payment cards; and PEM keys.</summary>
internal sealed partial class Scanner
{
    private const int MaxGroups = 6;

    private int ScanNumber(ReadOnlySpan<char> s, int i, ReadOnlySpan<char> h, int hEnd, int hTrim, char next, List<Detection> output)
    {
        if (next == ':' && h.Length <= 4 && h.IndexOfAnyExcept(HexChars) < 0 && On(SensitiveKind.IPv6Address))
        {
            var end = TryIPv6(s, i, output);
            if (end > 0)
            {
                return end;
            }
        }

        var dots = h.Count('.');
        if (dots == 3 && IsIPv4(h))
        {
            if (On(SensitiveKind.IPv4Address) && !IsUninteresting(h))
            {
                output.Add(new Detection(i, h.Length, SensitiveKind.IPv4Address, TokenShape.IPv4));
            }

            return hTrim;
        }

        if (dots <= 2 && (On(SensitiveKind.PhoneNumber) || On(SensitiveKind.ResidentRegistrationNumber) || On(SensitiveKind.PaymentCard)))
        {
            var end = TryDigitGroups(s, i, output);
            if (end > 0)
            {
                return end;
            }
        }

        // Not sensitive (a version, a timestamp, a measurement): skip the whole word, including "1.4.2-rc1".
        return Math.Max(hTrim, i + 1);
    }

    private static bool IsUninteresting(ReadOnlySpan<char> ip) =>
        ip.StartsWith("127.") || ip.SequenceEqual("0.0.0.0") || ip.StartsWith("255.255.");

    /// <summary>Digit groups separated by one kind of separator (space, '-' or '.'): phone, RRN or card.</summary>
    private int TryDigitGroups(ReadOnlySpan<char> s, int i, List<Detection> output)
    {
        Span<int> starts = stackalloc int[MaxGroups];
        Span<int> lengths = stackalloc int[MaxGroups];
        var count = 0;
        var separator = '\0';
        var j = i;
        while (true)
        {
            var groupEnd = RunEnd(s, j, Digits);
            starts[count] = j;
            lengths[count] = groupEnd - j;
            count++;
            j = groupEnd;
            if (count == MaxGroups || j + 1 >= s.Length || s[j] is not (' ' or '-' or '.') || !char.IsAsciiDigit(s[j + 1]) ||
                (separator != '\0' && s[j] != separator))
            {
                break;
            }

            separator = s[j];
            j++;
        }

        // A number glued to letters ("2025-06-17T14", "8000ms") is something else.
        if (j < s.Length && (IsWordChar(s[j]) || (s[j] is '.' or '-' && j + 1 < s.Length && char.IsAsciiDigit(s[j + 1]))))
        {
            return -1;
        }

        var length = j - i;
        var text = s[i..j];
        var digits = 0;
        for (var g = 0; g < count; g++)
        {
            digits += lengths[g];
        }

        if (On(SensitiveKind.ResidentRegistrationNumber) &&
            ((count == 2 && separator == '-' && lengths[0] == 6 && lengths[1] == 7 && IsRrn(s.Slice(i, 6), s[starts[1]], checksum: default)) ||
             (count == 1 && lengths[0] == 13 && IsRrn(text[..6], text[6], checksum: text))))
        {
            output.Add(new Detection(i, length, SensitiveKind.ResidentRegistrationNumber, TokenShape.Rrn));
            return j;
        }

        if (On(SensitiveKind.PhoneNumber) && IsKoreanPhone(s, starts, lengths, count))
        {
            output.Add(new Detection(i, length, SensitiveKind.PhoneNumber, TokenShape.Phone));
            return j;
        }

        if (On(SensitiveKind.PaymentCard) && digits is >= 13 and <= 19 && separator != '.' && text[0] is >= '2' and <= '6' &&
            IsCardGrouping(lengths[..count]) && Luhn.Sum(text) % 10 == 0)
        {
            output.Add(new Detection(i, length, SensitiveKind.PaymentCard, TokenShape.Card));
            return j;
        }

        return -1;
    }

    private static bool IsCardGrouping(ReadOnlySpan<int> lengths)
    {
        if (lengths.Length == 1)
        {
            return true;
        }

        if (lengths.Length == 3 && lengths[0] == 4 && lengths[1] == 6 && lengths[2] is 4 or 5)
        {
            return true; // Amex 4-6-5, Diners 4-6-4
        }

        for (var g = 0; g < lengths.Length - 1; g++)
        {
            if (lengths[g] != 4)
            {
                return false;
            }
        }

        return lengths[^1] is >= 1 and <= 4;
    }

    private static bool IsKoreanPhone(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, int count)
    {
        var first = s.Slice(starts[0], lengths[0]);
        if (count == 1)
        {
            // 01012345678
            return first.Length is 10 or 11 && IsMobilePrefix(first[..3]);
        }

        if (count == 2)
        {
            // 1588-1234 (nationwide representative numbers)
            return lengths[0] == 4 && lengths[1] == 4 && first[0] == '1' && first[1] is '5' or '6' or '8';
        }

        if (count != 3 || lengths[1] is not (3 or 4) || lengths[2] != 4)
        {
            return false;
        }

        return (first.Length == 3 && IsMobilePrefix(first)) ||
               first.SequenceEqual("02") ||
               (first.Length == 3 && first[0] == '0' && first[1] is >= '3' and <= '6' && first[2] is >= '1' and <= '5') ||
               first.SequenceEqual("070") ||
               (first.Length == 4 && first.StartsWith("050"));
    }

    private static bool IsMobilePrefix(ReadOnlySpan<char> p) =>
        p.Length == 3 && p[0] == '0' && p[1] == '1' && p[2] is '0' or '1' or '6' or '7' or '8' or '9';

    /// <summary>YYMMDD with a real date and a gender/century digit 1-8; 13 contiguous digits must also pass the checksum.</summary>
    private static bool IsRrn(ReadOnlySpan<char> date, char gender, ReadOnlySpan<char> checksum)
    {
        if (gender is < '1' or > '8')
        {
            return false;
        }

        var yy = (date[0] - '0') * 10 + (date[1] - '0');
        var mm = (date[2] - '0') * 10 + (date[3] - '0');
        var dd = (date[4] - '0') * 10 + (date[5] - '0');
        var century = gender switch { '1' or '2' or '5' or '6' => 1900, _ => 2000 };
        if (mm is < 1 or > 12 || dd < 1 || dd > DateTime.DaysInMonth(century + yy, mm))
        {
            return false;
        }

        if (checksum.IsEmpty)
        {
            return true;
        }

        // Contiguous 13 digits are too common (ids, timestamps) to accept without the weighted checksum.
        ReadOnlySpan<int> weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
        var sum = 0;
        for (var k = 0; k < 12; k++)
        {
            sum += (checksum[k] - '0') * weights[k];
        }

        return (11 - sum % 11) % 10 == checksum[12] - '0';
    }

    /// <summary>E.164 and international formats: +82 10-1234-5678, +82-2-123-4567, +1 (415) 555-0100, +821012345678.</summary>
    private static int TryE164(ReadOnlySpan<char> s, int i, List<Detection> output)
    {
        if (i + 1 >= s.Length || !char.IsAsciiDigit(s[i + 1]) || s[i + 1] == '0')
        {
            return -1;
        }

        var digits = 0;
        var lastDigitEnd = i + 1;
        var j = i + 1;
        var separators = 0;
        while (j < s.Length && digits < 15)
        {
            var c = s[j];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                lastDigitEnd = j + 1;
                separators = 0;
            }
            else if (c is ' ' or '-' or '.' or '(' or ')' && ++separators <= 2)
            {
                // at most two separator characters in a row: ") " or " ("
            }
            else
            {
                break;
            }

            j++;
        }

        if (digits is < 10 or > 15 || (lastDigitEnd < s.Length && IsWordChar(s[lastDigitEnd])))
        {
            return -1;
        }

        var parens = s[i..lastDigitEnd].Count('(') - s[i..lastDigitEnd].Count(')');
        if (parens != 0)
        {
            return -1;
        }

        output.Add(new Detection(i, lastDigitEnd - i, SensitiveKind.PhoneNumber, TokenShape.Phone));
        return lastDigitEnd;
    }

    private static int TryIPv6(ReadOnlySpan<char> s, int i, List<Detection> output)
    {
        var end = RunEnd(s, i, Ipv6Chars);
        while (end > i && s[end - 1] == '.')
        {
            end--;
        }

        if (end - i >= 2 && s[end - 1] == ':' && s[end - 2] != ':')
        {
            end--;
        }

        var candidate = s[i..end];
        var colons = candidate.Count(':');
        if (colons < 2 || (colons < 7 && !candidate.Contains("::", StringComparison.Ordinal)) ||
            (end < s.Length && IsWordChar(s[end])) ||
            !IPAddress.TryParse(candidate, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6 ||
            IPAddress.IsLoopback(address))
        {
            return -1;
        }

        output.Add(new Detection(i, candidate.Length, SensitiveKind.IPv6Address, TokenShape.IPv6));
        return end;
    }

    /// <summary>PEM private keys: the base64 body between the BEGIN and END lines is masked; the armour stays.</summary>
    private static int TryPem(ReadOnlySpan<char> s, int i, List<Detection> output)
    {
        if (!s[i..].StartsWith("-----BEGIN "))
        {
            return -1;
        }

        var headerClose = s[(i + 11)..].IndexOf("-----");
        if (headerClose < 0)
        {
            return -1;
        }

        var label = s.Slice(i + 11, headerClose);
        var bodyStart = i + 11 + headerClose + 5;
        if (!label.EndsWith("PRIVATE KEY") || label.Contains('\n'))
        {
            return bodyStart;
        }

        var footer = s[bodyStart..].IndexOf("-----END ");
        if (footer < 0)
        {
            return bodyStart;
        }

        var bodyEnd = bodyStart + footer;
        var start = bodyStart;
        while (start < bodyEnd && (char.IsWhiteSpace(s[start]) || s[start] == '\\' && start + 1 < bodyEnd && s[start + 1] == 'n'))
        {
            start += s[start] == '\\' ? 2 : 1;
        }

        var stop = bodyEnd;
        while (stop > start && (char.IsWhiteSpace(s[stop - 1]) || (stop - start >= 2 && s[stop - 2] == '\\' && s[stop - 1] == 'n')))
        {
            stop -= char.IsWhiteSpace(s[stop - 1]) ? 1 : 2;
        }

        if (stop > start)
        {
            output.Add(new Detection(start, stop - start, SensitiveKind.Credential, TokenShape.Secret));
        }

        var footerClose = s[(bodyEnd + 9)..].IndexOf("-----");
        return footerClose < 0 ? bodyEnd + 9 : bodyEnd + 9 + footerClose + 5;
    }
}
