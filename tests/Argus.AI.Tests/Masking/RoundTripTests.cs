using System.Text;
using Argus.AI.Masking;

namespace Argus.AI.Tests.Masking;

/// <summary>unmask(mask(x)) == x for generated mixes of sensitive values and ordinary text (seeded, many cases).</summary>
public sealed class RoundTripTests
{
    private static readonly string[] Sensitive =
    [
        "db-prod-01.corp.example.com:3306", "10.20.30.40", "fd12:3456:789a::1", "kim.minsu@hanbit-pay.co.kr", "010-1234-5678",
        "+82 10-9876-5432", "02-555-0192", "880412-1234567", "4111 1111 1111 1111", "378282246310005",
        "jdbc:mysql://mysql-01.internal:3306/orders?user=app&password=s3cretPass", "mongodb+srv://u1:p4ssw0rd@c0.ab1cd.mongodb.net/catalog",
        "redis://:redisPass99@cache-01.prod.local:6379/0", "Server=sql01.corp.local,1433;Database=Ledger;User Id=svc;Password=Pw!12345;",
        "jdbc:oracle:thin:@ora-01.corp.local:1521:ORCL", "jdbc:oracle:thin:@//ora-02.corp.local:1521/billing",
        "Authorization: Bearer abcdef1234567890XYZ", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlMTIzNDU2",
        "AKIAABCDEFGHIJKLMNOP", "api_key=sk_live_abcdefghijklmnop", "password: hunter2hunter2",
        "https://admin.acmecorp.com/customers/5f1c2a9e-8b7d-4c3e-9a1b-2c3d4e5f6a7b/orders/88127341",
        "prod-test-api-pod-6945c568-2ghw8", "ip-10-0-1-23.ap-northeast-2.compute.internal", "kafka-0:9092",
    ];

    private static readonly string[] Ordinary =
    [
        "the", "request", "failed", "with", "timeout", "after", "8000 ms", "p95=812.4", "v2.0.0-rc1", "1.4.2", "2025-06-17 14:03",
        "SELECT", "FROM", "orders", "java.lang.String", "Program.cs", "order 42", "결제", "실패", "(", ")", "\"", "'", ",", ".", ":",
        ";", "=", "/", "\n", "\t", "  ", "-", "_", "@", "+", "[", "]", "{", "}",
    ];

    [Fact]
    public void Unmask_of_mask_is_identity_for_generated_inputs()
    {
        var random = new Random(4242);
        var masker = new SensitiveDataMasker(MaskingOptions.All);
        for (var n = 0; n < 2000; n++)
        {
            var text = Generate(random);
            var session = new MaskingSession("tenant-" + (n % 3));
            var masked = masker.Mask(text, session);
            Assert.Equal(text, session.Unmask(masked.Text));
        }
    }

    [Fact]
    public void Unmask_of_mask_is_identity_for_random_characters()
    {
        // Adversarial noise: random ASCII and Hangul, so the scanner meets every boundary case without hanging.
        var random = new Random(7);
        var masker = new SensitiveDataMasker(MaskingOptions.All);
        const string alphabet = "abcXYZ019.:-_@+/=;,'\" \n()[]#%&?한글";
        for (var n = 0; n < 3000; n++)
        {
            var chars = new char[random.Next(0, 80)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars) + Sensitive[random.Next(Sensitive.Length)] + new string(chars);
            var session = new MaskingSession("t");
            Assert.Equal(text, session.Unmask(masker.Mask(text, session).Text));
        }
    }

    [Fact]
    public void Every_sensitive_value_of_the_generator_is_masked()
    {
        var masker = new SensitiveDataMasker(MaskingOptions.Default);
        foreach (var value in Sensitive)
        {
            var result = masker.Mask("x " + value + " y", new MaskingSession("t"));
            Assert.NotEqual("x " + value + " y", result.Text);
        }
    }

    private static string Generate(Random random)
    {
        var builder = new StringBuilder();
        var parts = random.Next(1, 30);
        for (var i = 0; i < parts; i++)
        {
            builder.Append(random.Next(4) == 0 ? Sensitive[random.Next(Sensitive.Length)] : Ordinary[random.Next(Ordinary.Length)]);
            builder.Append(random.Next(3) switch { 0 => " ", 1 => "", _ => Ordinary[random.Next(Ordinary.Length)] });
        }

        return builder.ToString();
    }
}
