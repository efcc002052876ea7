using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.Core;

/// <summary>
/// The one duration grammar of Argus, for rules, queries, deployments and the CLI: a number with a unit (<c>250ms</c>,
/// <c>30s</c>, <c>10m</c>, <c>1h</c>, <c>2d</c>, <c>1w</c>), plain seconds (<c>90</c>), or <c>[d.]hh:mm:ss</c>.
/// </summary>
public static class Durations
{
    /// <summary>What the grammar accepts, for error messages.</summary>
    public const string Grammar = "a duration such as 30s, 10m, 1h, 2d, 1w or hh:mm:ss";

    /// <summary>Parses <paramref name="text"/>; false for anything else, including values out of TimeSpan's range.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        double unitMs = 0;
        var number = value;
        if (value.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            unitMs = 1;
            number = value[..^2];
        }
        else if (value.Length >= 2 && char.IsAsciiLetter(value[^1]))
        {
            unitMs = char.ToLowerInvariant(value[^1]) switch
            {
                's' => 1_000,
                'm' => 60_000,
                'h' => 3_600_000,
                'd' => 86_400_000,
                'w' => 604_800_000,
                _ => 0,
            };
            if (unitMs == 0)
            {
                return false;
            }

            number = value[..^1];
        }

        if (unitMs > 0 || !value.Contains(':', StringComparison.Ordinal))
        {
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
            {
                return false;
            }

            var ms = n * (unitMs > 0 ? unitMs : 1_000);
            if (Math.Abs(ms) >= TimeSpan.MaxValue.TotalMilliseconds)
            {
                return false;
            }

            duration = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        return TimeSpan.TryParseExact(value, "c", CultureInfo.InvariantCulture, out duration)
            || TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
    }
}

/// <summary>Reads TimeSpan values in the <see cref="Durations"/> grammar (strings) or as seconds (numbers); writes <c>[d.]hh:mm:ss</c>.</summary>
public sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    /// <inheritdoc />
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds)
            && Durations.TryParse(seconds.ToString(CultureInfo.InvariantCulture), out var fromNumber))
        {
            return fromNumber;
        }

        if (reader.TokenType == JsonTokenType.String && Durations.TryParse(reader.GetString(), out var duration))
        {
            return duration;
        }

        throw new JsonException($"expected {Durations.Grammar}.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
    }
}
