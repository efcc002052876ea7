using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Argus.Core.Telemetry;

namespace Argus.Storage.DuckDb;

/// <summary>How attributes, events and resources are laid out in columns, and back.</summary>
internal static class AttributeCodec
{
    // Span attributes whose value is already a promoted column. They are dropped when stored (the value is kept once)
    // and re-added from the column when read. Only the current semantic-convention keys are dropped, so a read gives
    // back every key that was written; legacy keys (db.statement, http.method, ...) are kept as they came.
    internal const string DbSystemKey = "db.system.name";
    internal const string DbStatementKey = "db.query.text";
    internal const string DbOperationKey = "db.operation.name";
    internal const string DbNameKey = "db.namespace";
    internal const string ServerAddressKey = "server.address";
    internal const string ServerPortKey = "server.port";
    internal const string HttpMethodKey = "http.request.method";
    internal const string HttpRouteKey = "http.route";
    internal const string HttpStatusKey = "http.response.status_code";
    internal const string UrlKey = "url.full";

    // Attributes are stored as two VARCHAR columns: the keys joined by US (U+001F) and the values joined the same way.
    // Measured on realistic spans this is as small as parallel VARCHAR[] lists (the key string of a span shape repeats
    // and is dictionary-compressed; values go through FSST) and 33% smaller than JSON, while appending two strings is
    // several times cheaper than appending two lists through DuckDB.NET. The rare US or ESC (U+001B) inside a key or
    // value is escaped as ESC '1' / ESC '0', so the encoding is lossless.
    private const char Separator = '\u001F';
    private const char Escape = '\u001B';

    /// <summary>
    /// Encodes span attributes, leaving out those equal to a promoted column; nulls when none are left.
    /// <paramref name="dropped"/> has one bit per left-out key (see <see cref="PromotedKeys"/>), so a read re-adds exactly those.
    /// </summary>
    public static (string? Keys, string? Values) EncodeSpanAttributes(SpanRecord span, out ushort dropped)
    {
        var count = 0;
        dropped = 0;
        foreach (var attribute in span.Attributes)
        {
            var bit = PromotedBit(span, attribute);
            if (bit < 0)
            {
                count++;
            }
            else
            {
                dropped |= (ushort)(1 << bit);
            }
        }

        if (count == 0)
        {
            return (null, null);
        }

        var keys = new StringBuilder(count * 16);
        var values = new StringBuilder(count * 16);
        foreach (var attribute in span.Attributes)
        {
            if (PromotedBit(span, attribute) < 0)
            {
                Append(keys, attribute.Key);
                Append(values, attribute.Value);
            }
        }

        return (keys.ToString(), values.ToString());
    }

    /// <summary>Encodes attributes into a key string and a value string; nulls for none.</summary>
    public static (string? Keys, string? Values) Encode(IReadOnlyList<TelemetryAttribute> attributes)
    {
        if (attributes.Count == 0)
        {
            return (null, null);
        }

        var keys = new StringBuilder(attributes.Count * 16);
        var values = new StringBuilder(attributes.Count * 16);
        foreach (var attribute in attributes)
        {
            Append(keys, attribute.Key);
            Append(values, attribute.Value);
        }

        return (keys.ToString(), values.ToString());
    }

    /// <summary>Decodes a key string and a value string written by <see cref="Encode"/>.</summary>
    public static List<TelemetryAttribute> Decode(string? keys, string? values)
    {
        if (keys is null || values is null)
        {
            return [];
        }

        var k = SplitEncoded(keys);
        var v = SplitEncoded(values);
        var result = new List<TelemetryAttribute>(k.Count);
        for (var i = 0; i < k.Count && i < v.Count; i++)
        {
            result.Add(new TelemetryAttribute(k[i], v[i]));
        }

        return result;
    }

    private static void Append(StringBuilder builder, string text)
    {
        if (builder.Length > 0)
        {
            builder.Append(Separator);
        }
        else if (text.Length == 0)
        {
            // An empty first item must still count as one item; ESC '2' stands for "empty" and decodes to nothing.
            builder.Append(Escape).Append('2');
            return;
        }

        if (text.AsSpan().IndexOfAny(Separator, Escape) < 0)
        {
            builder.Append(text);
            return;
        }

        foreach (var c in text)
        {
            _ = c switch
            {
                Separator => builder.Append(Escape).Append('1'),
                Escape => builder.Append(Escape).Append('0'),
                _ => builder.Append(c),
            };
        }
    }

    private static List<string> SplitEncoded(string encoded)
    {
        var items = new List<string>();
        if (encoded.AsSpan().IndexOf(Escape) < 0)
        {
            items.AddRange(encoded.Split(Separator));
            return items;
        }

        var current = new StringBuilder();
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == Separator)
            {
                items.Add(current.ToString());
                current.Clear();
            }
            else if (c == Escape && i + 1 < encoded.Length)
            {
                var code = encoded[++i];
                if (code != '2')
                {
                    current.Append(code == '1' ? Separator : Escape);
                }
            }
            else
            {
                current.Append(c);
            }
        }

        items.Add(current.ToString());
        return items;
    }

    /// <summary>The promoted keys, in bit order of the dropped-keys mask. Append only: stored masks refer to these positions.</summary>
    internal static readonly string[] PromotedKeys =
    [
        DbSystemKey, DbStatementKey, DbOperationKey, DbNameKey, ServerAddressKey, ServerPortKey, HttpMethodKey, HttpRouteKey, HttpStatusKey, UrlKey,
    ];

    /// <summary>The span column of each promoted key, in <see cref="PromotedKeys"/> order (for filters on an attribute).</summary>
    internal static readonly string[] PromotedColumns =
    [
        "db_system", "db_statement", "db_operation", "db_name", "server_address", "server_port", "http_method", "http_route", "http_status_code", "url",
    ];

    /// <summary>
    /// How <paramref name="text"/> appears as one item of an encoded key or value string (escaped), so that a query can
    /// compare it with the items of the stored string split at the separator. An empty first item is stored as ESC '2';
    /// <paramref name="emptyFirst"/> is that form (else the same as the result).
    /// </summary>
    public static string EncodeItem(string text, out string emptyFirst)
    {
        var builder = new StringBuilder(text.Length);
        Append(builder, text);
        var item = text.Length == 0 ? "" : builder.ToString();
        emptyFirst = builder.ToString();
        return item;
    }

    /// <summary>The separator of encoded items, for SQL that splits the stored strings.</summary>
    public static int SeparatorCode => Separator;

    /// <summary>Re-adds the promoted attributes that <see cref="EncodeSpanAttributes"/> dropped, from their columns.</summary>
    public static void AddPromoted(SpanRecord span, ushort dropped, List<TelemetryAttribute> attributes)
    {
        for (var bit = 0; bit < PromotedKeys.Length; bit++)
        {
            if ((dropped & (1 << bit)) != 0 && PromotedValue(span, bit) is { } value)
            {
                attributes.Add(new TelemetryAttribute(PromotedKeys[bit], value));
            }
        }
    }

    private static string? PromotedValue(SpanRecord span, int bit) => bit switch
    {
        0 => span.DbSystem,
        1 => span.DbStatement,
        2 => span.DbOperation,
        3 => span.DbName,
        4 => span.ServerAddress,
        5 => span.ServerPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        6 => span.HttpMethod,
        7 => span.HttpRoute,
        8 => span.HttpStatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        9 => span.Url,
        _ => null,
    };

    // A promoted key is dropped only when its value is exactly the column's value, so nothing is lost on read.
    private static int PromotedBit(SpanRecord span, TelemetryAttribute attribute)
    {
        var bit = Array.IndexOf(PromotedKeys, attribute.Key);
        return bit >= 0 && PromotedValue(span, bit) == attribute.Value ? bit : -1;
    }

    /// <summary>
    /// A stable 64-bit id for a tenant's resource (its attributes in order). Collisions would only attach another
    /// resource of the same tenant to a record; at 64 bits that is negligible for the few thousand resources a store sees.
    /// </summary>
    public static ulong ResourceId(string tenantId, IReadOnlyList<TelemetryAttribute> attributes)
    {
        var hash = new XxHash64();
        AppendString(hash, tenantId);
        foreach (var attribute in attributes)
        {
            AppendString(hash, attribute.Key);
            AppendString(hash, attribute.Value);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    private static void AppendString(XxHash64 hash, string value)
    {
        // Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, value.Length);
        hash.Append(length);
        hash.Append(MemoryMarshal.AsBytes(value.AsSpan()));
    }

    /// <summary>Events as compact JSON: <c>[{"n":name,"t":unixNano,"a":[[key,value],...]}]</c>; null when there are none.</summary>
    public static string? EncodeEvents(IReadOnlyList<SpanEvent> events)
    {
        if (events.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var spanEvent in events)
            {
                writer.WriteStartObject();
                writer.WriteString("n", spanEvent.Name);
                writer.WriteNumber("t", spanEvent.TimeUnixNano);
                writer.WriteStartArray("a");
                foreach (var attribute in spanEvent.Attributes)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(attribute.Key);
                    writer.WriteStringValue(attribute.Value);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads events written by <see cref="EncodeEvents"/>.</summary>
    public static IReadOnlyList<SpanEvent> DecodeEvents(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var events = new List<SpanEvent>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var attributes = new List<TelemetryAttribute>();
            foreach (var pair in element.GetProperty("a").EnumerateArray())
            {
                attributes.Add(new TelemetryAttribute(pair[0].GetString() ?? "", pair[1].GetString() ?? ""));
            }

            events.Add(new SpanEvent(element.GetProperty("n").GetString() ?? "", element.GetProperty("t").GetInt64(), attributes));
        }

        return events;
    }
}
