using System.Security.Cryptography;
using System.Text;

namespace Argus.Server.Tenancy;

/// <summary>Key generation and hashing. Keys are 32 random bytes, so a fast hash is the right one: nothing to brute-force.</summary>
internal static class ApiKeys
{
    public const string RoleAdmin = "admin";
    public const string RoleIngest = "ingest";
    public const string RoleRead = "read";

    public static readonly string[] Roles = [RoleAdmin, RoleIngest, RoleRead];

    /// <summary>A new key, <c>argus_</c> followed by 43 URL-safe characters.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return "argus_" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>What lists show of a key Argus generated: its fixed format marker, none of its random characters.</summary>
    public const string GeneratedMarker = "argus_";

    /// <summary>What lists show of a key an operator chose (Argus:BootstrapApiKey): nothing of it.</summary>
    public const string ChosenMarker = "(chosen)";

    /// <summary>
    /// What lists show of a key: whether Argus generated it, never any of its characters. Keys are told apart by their
    /// random id (<c>key_…</c>) and name; showing even ten characters of an operator-chosen key gives part of a secret away.
    /// </summary>
    public static string PrefixOf(string key) => key.StartsWith(GeneratedMarker, StringComparison.Ordinal) && key.Length == 49 ? GeneratedMarker : ChosenMarker;

    /// <summary>
    /// Why an operator-chosen key is too weak, or null. A chosen key is hashed as a generated one is (SHA-256, fast, for a
    /// lookup on every request), so it must be as hard to guess: long and varied rather than slowly hashed.
    /// </summary>
    public static string? Weakness(string key) =>
        key.Length < 24 ? "must be at least 24 characters long"
        : key.Distinct().Count() < 12 ? "must be random: it has fewer than 12 different characters"
        : null;

    /// <summary>The stored row for <paramref name="key"/>: its hash and prefix, never the key itself.</summary>
    public static ApiKeyEntity NewEntity(string tenantId, string name, string role, string key, DateTimeOffset now) => new()
    {
        Id = NewId("key_"),
        TenantId = tenantId,
        Name = name,
        Role = role,
        Hash = Hash(key),
        Prefix = PrefixOf(key),
        CreatedAt = now,
    };

    /// <summary>A new short opaque id.</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
