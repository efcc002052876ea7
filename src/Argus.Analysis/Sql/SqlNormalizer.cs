namespace Argus.Analysis.Sql;

/// <summary>The kind of data access a statement performs.</summary>
public enum CrudKind
{
    Unknown,
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Call,
    Ddl,
    Other,
}

/// <summary>A statement reduced to its shape: literals replaced by <c>?</c>, with the tables it touches and its CRUD kind.</summary>
public sealed record SqlShape(string NormalizedText, ulong Fingerprint, CrudKind Crud, IReadOnlyList<string> Tables);

/// <summary>
/// Normalises SQL text so that statements differing only in literal values group together.
/// </summary>
public static class SqlNormalizer
{
    /// <summary>Normalises a statement and parses its tables and CRUD kind.</summary>
    public static SqlShape Analyze(string sql)
    {
        // Placeholder shape until the full normaliser lands: whitespace-collapsed text.
        var text = string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return new SqlShape(text, Fingerprint(text), CrudKind.Unknown, []);
    }

    /// <summary>The 64-bit fingerprint of a statement's normalised text; 0 for null or blank input.</summary>
    public static ulong Fingerprint(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return 0;
        }

        var text = string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(text));
    }
}
