using Google.Protobuf.Reflection;

namespace Argus.Otlp;

/// <summary>
/// Counts the protobuf messages a request would allocate, before it is parsed. An empty sub-message is two bytes on
/// the wire but an object of a hundred bytes or more once parsed, so 8 MiB of them cost about 850 MB; counting first
/// (one pass over the bytes, guided by the message descriptors, allocating nothing) lets the receiver refuse such a
/// request at a cost proportional to its size. Malformed input is not judged here: the parser reports it.
/// </summary>
internal static class MessageBudget
{
    private const int MaxDepth = 100; // Google.Protobuf's default recursion limit

    /// <summary>
    /// Why <paramref name="body"/> holds too many messages for its size, or null when it does not: a protobuf
    /// <paramref name="descriptor"/> message, or OTLP/JSON when <paramref name="descriptor"/> is null.
    /// </summary>
    public static string? Exceeded(ReadOnlySpan<byte> body, MessageDescriptor? descriptor, int minBytesPerMessage)
    {
        var budget = Allowed(body.Length, minBytesPerMessage);
        var count = descriptor is null ? CountJsonObjects(body, budget) : Count(body, descriptor, budget);
        return count <= budget
            ? null
            : $"The body holds more than {budget} {(descriptor is null ? "JSON objects" : "protobuf messages")} for its {body.Length} bytes: at least "
              + $"{minBytesPerMessage} bytes per message are needed (Argus:Ingest:MinBytesPerMessage).";
    }

    /// <summary>The most messages a request of <paramref name="bytes"/> bytes may hold.</summary>
    private static long Allowed(long bytes, int minBytesPerMessage) => 4096 + (bytes / Math.Max(1, minBytesPerMessage));

    /// <summary>
    /// Counts the messages in <paramref name="data"/>, a serialized <paramref name="descriptor"/> message (itself
    /// included), stopping as soon as the count passes <paramref name="limit"/>; returns the count reached.
    /// </summary>
    private static long Count(ReadOnlySpan<byte> data, MessageDescriptor descriptor, long limit)
    {
        long count = 1;
        Walk(data, descriptor, 1, ref count, limit);
        return count;
    }

    /// <summary>
    /// An upper bound of the messages an OTLP/JSON body holds: its objects (<c>{</c> outside strings), counted up to
    /// <paramref name="limit"/> and one past it.
    /// </summary>
    private static long CountJsonObjects(ReadOnlySpan<byte> utf8, long limit)
    {
        long count = 0;
        var inString = false;
        for (var i = 0; i < utf8.Length && count <= limit; i++)
        {
            var b = utf8[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b == (byte)'{')
            {
                count++;
            }
        }

        return count;
    }

    private static void Walk(ReadOnlySpan<byte> data, MessageDescriptor descriptor, int depth, ref long count, long limit)
    {
        var position = 0;
        while (position < data.Length && count <= limit)
        {
            if (!TryReadVarint(data, ref position, out var tag))
            {
                return;
            }

            var wireType = (int)(tag & 7);
            var fieldNumber = (int)(tag >> 3);
            switch (wireType)
            {
                case 0:
                    if (!TryReadVarint(data, ref position, out _))
                    {
                        return;
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    if (!TryReadVarint(data, ref position, out var length) || length > (ulong)(data.Length - position))
                    {
                        return;
                    }

                    var field = descriptor.FindFieldByNumber(fieldNumber);
                    if (field is { FieldType: FieldType.Message } && depth < MaxDepth)
                    {
                        count++;
                        Walk(data.Slice(position, (int)length), field.MessageType, depth + 1, ref count, limit);
                    }

                    position += (int)length;
                    break;
                default:
                    return; // groups and invalid wire types: the parser says what is wrong
            }
        }
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
