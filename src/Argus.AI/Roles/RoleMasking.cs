using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.AI.Roles;

/// <summary>When a role's chain masks sensitive data.</summary>
public enum MaskingMode
{
    /// <summary>Every link to an external provider masks; the built-in analyst (<c>argus</c>) gets the text as it is. The default.</summary>
    Auto,

    /// <summary>Every link masks, the built-in analyst's too.</summary>
    On,

    /// <summary>No link masks.</summary>
    Off,
}

/// <summary>
/// A role's masking: the mode, and the detector kinds it switches on or off on top of the tenant's settings.
/// On the wire it is <c>"auto"</c>, <c>"on"</c>, <c>"off"</c>, an object <c>{ "mode", "enable", "disable" }</c>, or
/// (as roles saved before the mode existed) a boolean: <c>true</c> is <c>on</c>, <c>false</c> is <c>auto</c> (see remarks).
/// </summary>
/// <remarks>
/// Before the mode existed every role was stored with <c>"masking": false</c>, chosen or not, so <c>false</c> cannot be
/// told apart from "not set" and reads as <c>auto</c>: upgrading masks external calls rather than silently sending them
/// unmasked. A role that must not mask says <c>"off"</c>.
/// </remarks>
[JsonConverter(typeof(RoleMaskingJsonConverter))]
public sealed record RoleMasking
{
    /// <summary>The default: <see cref="MaskingMode.Auto"/>, the tenant's kinds.</summary>
    public static RoleMasking Auto { get; } = new();

    /// <summary>When the chain masks.</summary>
    public MaskingMode Mode { get; init; } = MaskingMode.Auto;

    /// <summary>
    /// Kinds this role asks for beyond the defaults (wire names, e.g. <c>sqlIdentifier</c>, which is off unless a role
    /// asks). A kind the tenant switched off stays off.
    /// </summary>
    public IReadOnlyList<string> Enable { get; init; } = [];

    /// <summary>Kinds this role does not mask (wire names, e.g. <c>phone</c>).</summary>
    public IReadOnlyList<string> Disable { get; init; } = [];

    /// <summary>Whether the link to <paramref name="provider"/> masks.</summary>
    public bool MasksLink(string provider) => Mode switch
    {
        MaskingMode.On => true,
        MaskingMode.Off => false,
        _ => provider != Providers.ProviderOptions.BuiltInName,
    };

    /// <inheritdoc />
    public bool Equals(RoleMasking? other) =>
        other is not null && Mode == other.Mode && Enable.SequenceEqual(other.Enable) && Disable.SequenceEqual(other.Disable);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mode, Enable.Count, Disable.Count);
}

/// <summary>Reads every form of <see cref="RoleMasking"/>; writes the short string form when no kinds are listed.</summary>
internal sealed class RoleMaskingJsonConverter : JsonConverter<RoleMasking>
{
    public override RoleMasking Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return new RoleMasking { Mode = MaskingMode.On };
            case JsonTokenType.False:
                return RoleMasking.Auto;
            case JsonTokenType.String:
                return new RoleMasking { Mode = ParseMode(reader.GetString()) };
            case JsonTokenType.StartObject:
                break;
            default:
                throw new JsonException("'masking' must be \"auto\", \"on\", \"off\", a boolean, or an object { \"mode\", \"enable\", \"disable\" }.");
        }

        var mode = MaskingMode.Auto;
        IReadOnlyList<string> enable = [], disable = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name?.ToLowerInvariant())
            {
                case "mode":
                    mode = reader.TokenType switch
                    {
                        JsonTokenType.True => MaskingMode.On,
                        JsonTokenType.False => MaskingMode.Auto,
                        JsonTokenType.Null => MaskingMode.Auto,
                        _ => ParseMode(reader.GetString()),
                    };
                    break;
                case "enable":
                    enable = ReadNames(ref reader, "enable");
                    break;
                case "disable":
                    disable = ReadNames(ref reader, "disable");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new RoleMasking { Mode = mode, Enable = enable, Disable = disable };
    }

    public override void Write(Utf8JsonWriter writer, RoleMasking value, JsonSerializerOptions options)
    {
        var mode = value.Mode.ToString().ToLowerInvariant();
        if (value.Enable.Count == 0 && value.Disable.Count == 0)
        {
            writer.WriteStringValue(mode);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("mode", mode);
        writer.WriteStartArray("enable");
        foreach (var kind in value.Enable)
        {
            writer.WriteStringValue(kind);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("disable");
        foreach (var kind in value.Disable)
        {
            writer.WriteStringValue(kind);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static MaskingMode ParseMode(string? value) => value?.ToLowerInvariant() switch
    {
        "auto" or "" or null => MaskingMode.Auto,
        "on" or "true" => MaskingMode.On,
        "off" or "false" => MaskingMode.Off,
        _ => throw new JsonException($"'masking' mode '{value}' is not one of auto, on, off."),
    };

    private static string[] ReadNames(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"'masking.{field}' must be an array of kind names.");
        }

        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            names.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"'masking.{field}' must hold kind names (strings)."));
        }

        return [.. names];
    }
}
