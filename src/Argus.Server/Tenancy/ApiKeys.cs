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

    /// <summary>What lists show of a key: enough to recognise it, too little to use it.</summary>
    public static string PrefixOf(string key) => key.Length <= 10 ? key[..Math.Min(4, key.Length)] : key[..10];

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
