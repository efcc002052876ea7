using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;

namespace Argus.Otlp.Http;

/// <summary>
/// Reads OTLP/JSON. The OTLP JSON mapping differs from the standard protobuf JSON mapping in one place:
/// trace and span ids are hex strings, not base64. Google.Protobuf's parser does everything else right
/// (lowerCamelCase and original names, int64 as string or number, enums as integers, unknown fields ignored),
/// so the ids are rewritten to base64 in one forward pass over the bytes and the result is handed to it.
/// </summary>
internal static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Formats responses; int64 counts come out as strings, which the OTLP JSON mapping allows.</summary>
    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    /// <summary>Parses an OTLP/JSON request. Throws <see cref="FormatException"/> with a one-line reason when the body is not valid OTLP/JSON.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8)
        where T : IMessage, new()
    {
        string json;
        try
        {
            json = RewriteIds(utf8);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // InvalidOperationException: a string that is not valid UTF-16 once unescaped (a lone "\ud800").
            throw new FormatException($"invalid JSON: {OneLine(ex.Message)}", ex);
        }

        try
        {
            return Parser.Parse<T>(json);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"invalid OTLP/JSON: {OneLine(ex.Message)}", ex);
        }
    }

    /// <summary>
    /// Returns the JSON text with every <c>traceId</c>, <c>spanId</c> and <c>parentSpanId</c> string value (also in their
    /// snake_case spelling) turned from hex into base64. The rest of the bytes are copied untouched. Also validates the JSON syntax.
    /// </summary>
    internal static string RewriteIds(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        var nextIsId = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    nextIsId = IsIdProperty(ref reader);
                    continue;
                case JsonTokenType.String when nextIsId:
                    output ??= new ArrayBufferWriter<byte>(utf8.Length + 64);
                    var start = (int)reader.TokenStartIndex;
                    // The token is the quoted raw value: quote + ValueSpan (escaped as written) + quote.
                    var end = start + reader.ValueSpan.Length + 2;
                    output.Write(utf8[copied..start]);
                    WriteBase64Id(output, reader.ValueIsEscaped ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan));
                    copied = end;
                    break;
            }

            nextIsId = false;
        }

        if (output is null)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        output.Write(utf8[copied..]);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static bool IsIdProperty(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8) || reader.ValueTextEquals("parentSpanId"u8)
        || reader.ValueTextEquals("trace_id"u8) || reader.ValueTextEquals("span_id"u8) || reader.ValueTextEquals("parent_span_id"u8);

    /// <summary>
    /// Writes the id as a quoted base64 string. Hex is the OTLP form; base64 of the right length is accepted too, because some
    /// older exporters used the standard protobuf mapping. Anything else becomes a single byte, so the mapper rejects just that
    /// record for a malformed id instead of failing the whole request.
    /// </summary>
    private static void WriteBase64Id(ArrayBufferWriter<byte> output, string text)
    {
        byte[] bytes;
        if (text.Length % 2 == 0 && IsHex(text))
        {
            bytes = Convert.FromHexString(text);
        }
        else
        {
            var buffer = new byte[16];
            bytes = (text.Length is 12 or 24 && Convert.TryFromBase64String(text, buffer, out var written) && written is 8 or 16)
                ? buffer[..written]
                : [0];
        }

        output.Write("\""u8);
        var base64 = Convert.ToBase64String(bytes);
        output.Write(Encoding.ASCII.GetBytes(base64));
        output.Write("\""u8);
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
