namespace Argus.AI.Masking;

/// <summary>The shape of the token that replaces a value, so the masked text keeps its form (see <see cref="TokenFactory"/>).</summary>
internal enum TokenShape : byte
{
    /// <summary>A dotted host name: random label plus the original internal suffix, or <c>.example</c>.</summary>
    Host,

    /// <summary>A dot-less host name or a tenant word: one random label.</summary>
    Label,

    /// <summary>A Kubernetes pod name: <c>label-hash-suffix</c>.</summary>
    Pod,

    /// <summary>A valid SQL identifier (also database and user names).</summary>
    Identifier,

    /// <summary>A password, key or token; AWS key ids keep their AKIA/ASIA prefix.</summary>
    Secret,

    /// <summary>An address from the IPv4 documentation ranges.</summary>
    IPv4,

    /// <summary>An address from 2001:db8::/32.</summary>
    IPv6,

    /// <summary><c>token@token.example</c>.</summary>
    Email,

    /// <summary>Same punctuation and prefix, other digits.</summary>
    Phone,

    /// <summary>A resident registration number with a valid date and gender digit.</summary>
    Rrn,

    /// <summary>A Luhn-valid card number of the same length from a test BIN, same separators.</summary>
    Card,

    /// <summary>A number (URL path id), at least <see cref="UnmaskIndex.ProbeLength"/> digits.</summary>
    Digits,

    /// <summary>A random UUID in the original's case.</summary>
    Uuid,

    /// <summary>Random hexadecimal of the same length and case.</summary>
    Hex,
}
