using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Argus.Core.Telemetry;
using Argus.Otlp.Proto.Common;
using CommunityToolkit.HighPerformance.Buffers;
using Google.Protobuf.Collections;

namespace Argus.Otlp.Mapping;

/// <summary>Renders OTLP attribute values as the text Argus stores (see <see cref="TelemetryAttribute"/>).</summary>
internal static class OtlpAttributes
{
    // Values are stored, not embedded in HTML, so only JSON's own escapes are needed; this keeps non-ASCII text readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>
    /// Maps an attribute list, truncating long values. Returns false when there are more attributes than the limit
    /// (see <see cref="TooMany"/>): silently dropping some would make queries on them lie.
    /// </summary>
    public static bool TryMap(RepeatedField<KeyValue> source, OtlpOptions options, out TelemetryAttribute[] attributes)
    {
        if (source.Count > options.MaxAttributesPerRecord)
        {
            attributes = [];
            return false;
        }

        if (source.Count == 0)
        {
            attributes = [];
            return true;
        }

        // Keys come from a small vocabulary (the semantic conventions and an application's own), and queued records live
        // long enough for the GC to copy them between generations: one shared instance per key instead of a copy per
        // record. The pool is bounded, so random keys only churn it.
        attributes = new TelemetryAttribute[source.Count];
        for (var i = 0; i < source.Count; i++)
        {
            var kv = source[i];
            attributes[i] = new TelemetryAttribute(StringPool.Shared.GetOrAdd(kv.Key), Truncate(Render(kv.Value), options.MaxAttributeValueLength));
        }

        return true;
    }

    /// <summary>The rejection message for <paramref name="what"/> (built only on failure) with <paramref name="count"/> attributes.</summary>
    public static string TooMany(string what, int count, OtlpOptions options) =>
        $"{what} has {count} attributes, more than the limit of {options.MaxAttributesPerRecord}";

    /// <summary>Renders a value as text: strings as they are, booleans and numbers invariantly, bytes as base64, arrays and maps as compact JSON.</summary>
    public static string Render(AnyValue? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                return value.StringValue;
            case AnyValue.ValueOneofCase.BoolValue:
                return value.BoolValue ? "true" : "false";
            case AnyValue.ValueOneofCase.IntValue:
                return value.IntValue.ToString(CultureInfo.InvariantCulture);
            case AnyValue.ValueOneofCase.DoubleValue:
                return value.DoubleValue.ToString(CultureInfo.InvariantCulture);
            case AnyValue.ValueOneofCase.BytesValue:
                return Convert.ToBase64String(value.BytesValue.Span);
            case AnyValue.ValueOneofCase.ArrayValue:
            case AnyValue.ValueOneofCase.KvlistValue:
                var buffer = new ArrayBufferWriter<byte>(128);
                using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
                {
                    WriteJson(writer, value);
                }

                return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            default:
                return string.Empty;
        }
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters without splitting a surrogate pair.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut];
    }

    private static void WriteJson(Utf8JsonWriter writer, AnyValue? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                if (double.IsFinite(value.DoubleValue))
                {
                    writer.WriteNumberValue(value.DoubleValue);
                }
                else
                {
                    // JSON has no NaN or infinity; the text form keeps the information.
                    writer.WriteStringValue(value.DoubleValue.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteBase64StringValue(value.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WriteStartObject();
                foreach (var kv in value.KvlistValue.Values)
                {
                    writer.WritePropertyName(kv.Key);
                    WriteJson(writer, kv.Value);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
