using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Argus.Core.Telemetry;

/// <summary>A 16-byte W3C trace id. Kept as a 128-bit integer so stores can hold it in one fixed-width column.</summary>
public readonly record struct TraceId(UInt128 Value)
{
    /// <summary>The all-zero id, which OTLP treats as absent.</summary>
    public static TraceId Empty => default;

    /// <summary>True when the id is all zero.</summary>
    public bool IsEmpty => Value == UInt128.Zero;

    /// <summary>Reads 16 big-endian bytes (the OTLP wire form). Returns false for any other length.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out TraceId id)
    {
        if (bytes.Length != 16)
        {
            id = default;
            return bytes.IsEmpty;
        }

        id = new TraceId(BinaryPrimitives.ReadUInt128BigEndian(bytes));
        return true;
    }

    /// <summary>Writes the id as 16 big-endian bytes.</summary>
    public void WriteBytes(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    /// <summary>Parses 32 hex characters (case-insensitive).</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out TraceId id)
    {
        id = default;
        if (hex is null || hex.Length != 32)
        {
            return false;
        }

        if (!UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        id = new TraceId(value);
        return true;
    }

    /// <summary>Lower-case hex, 32 characters, as OTLP/JSON and W3C traceparent spell it.</summary>
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}

/// <summary>An 8-byte span id.</summary>
public readonly record struct SpanId(ulong Value)
{
    /// <summary>The all-zero id, which OTLP treats as absent (a root span's parent).</summary>
    public static SpanId Empty => default;

    /// <summary>True when the id is all zero.</summary>
    public bool IsEmpty => Value == 0;

    /// <summary>Reads 8 big-endian bytes. Empty input yields <see cref="Empty"/>; any other length fails.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out SpanId id)
    {
        if (bytes.Length != 8)
        {
            id = default;
            return bytes.IsEmpty;
        }

        id = new SpanId(BinaryPrimitives.ReadUInt64BigEndian(bytes));
        return true;
    }

    /// <summary>Parses 16 hex characters (case-insensitive).</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out SpanId id)
    {
        id = default;
        if (hex is null || hex.Length != 16)
        {
            return false;
        }

        if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        id = new SpanId(value);
        return true;
    }

    /// <summary>Lower-case hex, 16 characters.</summary>
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);
}
