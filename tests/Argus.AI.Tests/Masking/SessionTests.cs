using System.Security.Cryptography;
using Argus.AI.Masking;

namespace Argus.AI.Tests.Masking;

public sealed class SessionTests
{
    private static readonly SensitiveDataMasker Masker = new(MaskingOptions.Default);
    private const string Input = "db-prod-01.corp.example.com:3306 at 10.1.2.3 mailed kim@acmecorp.com, call 010-1234-5678";

    [Fact]
    public void Same_value_gets_the_same_token_across_turns()
    {
        var session = new MaskingSession("tenant-a");
        var first = Masker.Mask(Input, session).Text;
        var second = Masker.Mask("turn 2: " + Input, session).Text;
        Assert.Equal("turn 2: " + first, second);
        Assert.Equal(4, session.Count);
    }

    [Fact]
    public void Tokens_of_a_session_are_kept_when_a_history_already_holds_them()
    {
        var session = new MaskingSession("tenant-a");
        var masked = Masker.Mask(Input, session).Text;
        Assert.Equal(masked, Masker.Mask(masked, session).Text);
        Assert.Equal(Input, session.Unmask(masked));
    }

    [Fact]
    public void No_token_of_tenant_a_is_seen_in_tenant_b()
    {
        for (var n = 0; n < 50; n++)
        {
            var a = new MaskingSession("tenant-a");
            var b = new MaskingSession("tenant-b");
            Masker.Mask(Input, a);
            var maskedB = Masker.Mask(Input, b).Text;
            // IPv4 tokens come from the 762 documentation addresses, so two tenants may draw the same one by chance;
            // that reveals nothing (a token resolves only in its own session). Every other token is drawn from at
            // least 36^8 values and must differ.
            foreach (var token in a.Snapshot().Where(e => e.Key != "10.1.2.3").Select(e => e.Value))
            {
                Assert.DoesNotContain(token, maskedB, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Format_preserving_tokens()
    {
        var session = new MaskingSession("t");
        var masked = Masker.Mask(
            "jdbc:mysql://db-prod-01.corp.example.com:3306/real_db?user=app_user&password=Secr3tPw 10.1.2.3 fd00:1:2::5 " +
            "kim@acmecorp.com 010-1234-5678 880412-1234567 4111-1111-1111-1111 redis-01.prod.internal",
            session).Text;
        var parts = masked.Split(' ');
        Assert.Matches(@"^jdbc:mysql://[a-z][a-z0-9]{8}\.example:3306/[a-z][a-z0-9]{7}\?user=[a-z][a-z0-9]{7}&password=[A-Za-z0-9]{16}$", parts[0]);
        Assert.Matches(@"^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$", parts[1]);
        Assert.StartsWith("2001:db8:", parts[2], StringComparison.Ordinal);
        Assert.Matches(@"^[a-z0-9]{8}@[a-z0-9]{6}\.example$", parts[3]);
        Assert.Matches(@"^010-\d{4}-\d{4}$", parts[4]);
        Assert.Matches(@"^\d{6}-[1-4]\d{6}$", parts[5]);
        Assert.Matches(@"^4111-11\d\d-\d{4}-\d{4}$", parts[6]);
        Assert.Equal(0, Luhn.Sum(parts[6]) % 10);
        Assert.Matches(@"^[a-z][a-z0-9]{8}\.internal$", parts[7]);
    }

    [Fact]
    public void More_ipv4_addresses_than_the_documentation_ranges_hold_continue_in_the_benchmarking_range()
    {
        var session = new MaskingSession("t");
        var text = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"10.0.{i / 250}.{i % 250 + 1}"));
        var masked = Masker.Mask(text, session).Text;
        Assert.Equal(1000, masked.Split(' ').Distinct().Count());
        Assert.Contains("198.1", masked, StringComparison.Ordinal);
        Assert.Equal(text, session.Unmask(masked));
    }

    [Fact]
    public void Session_bound_refuses_rather_than_leaks()
    {
        var session = new MaskingSession("t", maxEntries: 2);
        Assert.Throws<InvalidOperationException>(() => Masker.Mask("10.0.0.1 10.0.0.2 10.0.0.3", session));
    }

    [Fact]
    public void ToString_says_nothing_about_the_mapping()
    {
        var session = new MaskingSession("t");
        Masker.Mask(Input, session);
        Assert.Equal("MaskingSession(4 entries)", session.ToString());
    }

    [Fact]
    public void Protected_session_round_trips_and_detects_tampering_and_other_tenants()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var protector = new MaskingSessionProtector(key);
        var session = new MaskingSession("tenant-a");
        var masked = Masker.Mask(Input, session).Text;

        var blob = protector.Protect(session);
        Assert.DoesNotContain("acmecorp", System.Text.Encoding.UTF8.GetString(blob), StringComparison.Ordinal);
        var restored = protector.Unprotect(blob, "tenant-a");
        Assert.Equal(Input, restored.Unmask(masked));
        Assert.Equal(masked, Masker.Mask(Input, restored).Text);

        var tampered = (byte[])blob.Clone();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "tenant-a"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(blob, "tenant-b"));
        Assert.ThrowsAny<CryptographicException>(() => new MaskingSessionProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(blob, "tenant-a"));
        Assert.Throws<ArgumentException>(() => MaskingSessionProtector.FromBase64("c2hvcnQ="));
    }
}
