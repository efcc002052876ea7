using System.Security.Cryptography;
using System.Text;

namespace Argus.AI.Masking;

/// <summary>
/// Encrypts a <see cref="MaskingSession"/> for conversations that must survive a restart: AES-256-GCM with a key from
/// configuration, the tenant id bound in as associated data (a blob cannot be moved to another tenant), a fresh random
/// nonce per blob. The output holds ciphertext only; tampering fails with <see cref="CryptographicException"/>.
/// Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class MaskingSessionProtector
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>Creates a protector with a 256-bit key.</summary>
    public MaskingSessionProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The masking session key must be 32 bytes (256 bits), e.g. 44 characters of base64 from `openssl rand -base64 32`.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>Creates a protector from a base64 key (configuration value).</summary>
    public static MaskingSessionProtector FromBase64(string key)
    {
        Span<byte> bytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(key, bytes, out var written))
        {
            throw new ArgumentException("The masking session key is not valid base64; generate one with `openssl rand -base64 32`.", nameof(key));
        }

        return new MaskingSessionProtector(bytes[..written]);
    }

    /// <inheritdoc />
    public override string ToString() => nameof(MaskingSessionProtector);

    /// <summary>Encrypts the session's mapping.</summary>
    public byte[] Protect(MaskingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var plain = Serialize(session);
        try
        {
            var blob = new byte[1 + NonceSize + TagSize + plain.Length];
            blob[0] = FormatVersion;
            var nonce = blob.AsSpan(1, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(_key, TagSize);
            aes.Encrypt(nonce, plain, blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), AssociatedData(session.TenantId));
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Decrypts a blob made by <see cref="Protect"/> for <paramref name="tenantId"/>.</summary>
    /// <exception cref="CryptographicException">The blob was altered, or belongs to another tenant or key.</exception>
    public MaskingSession Unprotect(ReadOnlySpan<byte> blob, string tenantId, int maxEntries = MaskingSession.DefaultMaxEntries)
    {
        if (blob.Length < 1 + NonceSize + TagSize || blob[0] != FormatVersion)
        {
            throw new CryptographicException("Not a masking session blob of a known version.");
        }

        var plain = new byte[blob.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.Slice(1, NonceSize), blob[(1 + NonceSize + TagSize)..], blob.Slice(1 + NonceSize, TagSize), plain, AssociatedData(tenantId));
            return Deserialize(plain, tenantId, maxEntries);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] AssociatedData(string tenantId) => Encoding.UTF8.GetBytes("argus-masking-session\0" + tenantId);

    private static byte[] Serialize(MaskingSession session)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            var entries = session.Snapshot();
            writer.Write(entries.Count);
            foreach (var (original, token) in entries)
            {
                writer.Write(original);
                writer.Write(token);
            }
        }

        return stream.ToArray();
    }

    private static MaskingSession Deserialize(byte[] plain, string tenantId, int maxEntries)
    {
        using var reader = new BinaryReader(new MemoryStream(plain), Encoding.UTF8);
        var count = reader.ReadInt32();
        var session = new MaskingSession(tenantId, Math.Max(maxEntries, count));
        for (var i = 0; i < count; i++)
        {
            session.Add(reader.ReadString(), reader.ReadString());
        }

        return session;
    }
}
