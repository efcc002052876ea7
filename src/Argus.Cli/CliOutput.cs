using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Argus.Cli;

/// <summary>How every command writes: tables (or one line saying there is nothing), times, counts and raw JSON.</summary>
internal static class CliOutput
{
    // The default encoder escapes '+' (and other HTML-sensitive characters) as \u002B, so "+00:00" in a timestamp would
    // print as "\u002B00:00". This output goes to a terminal or a file, never into an HTML page.
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the table, or <paramref name="whenEmpty"/> alone on a line when it has no rows.</summary>
    public static void Write(TextWriter output, Table table, string whenEmpty)
    {
        if (table.Rows.Count == 0)
        {
            output.WriteLine(whenEmpty);
            return;
        }

        ArgusCli.Console(output).Write(table);
    }

    /// <summary>Writes an API answer as indented JSON, with <c>+</c> and non-ASCII text as they are.</summary>
    public static void WriteJson(TextWriter output, JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            element.WriteTo(writer);
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A time of the API (ISO 8601) as UTC to the second, e.g. <c>2026-06-15 12:00:00</c>.</summary>
    public static string Time(JsonElement time) =>
        time.ValueKind == JsonValueKind.String
            ? time.GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds, with decimals only below ten.</summary>
    public static string Milliseconds(double value) =>
        value.ToString(value < 10 ? "0.##" : "#,0", CultureInfo.InvariantCulture);

    /// <summary>A string property, or <paramref name="missing"/> when it is absent or not a string.</summary>
    public static string Text(JsonElement element, string property, string missing = "-") => OptionalText(element, property) ?? missing;

    /// <summary>A string property, or null when it is absent or not a string.</summary>
    public static string? OptionalText(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Escaped for a table cell and cut to <paramref name="max"/> characters.</summary>
    public static string Cell(string? text, int max = 100)
    {
        text ??= "";
        text = text.ReplaceLineEndings(" ");
        return Markup.Escape(text.Length > max ? text[..(max - 3)] + "..." : text);
    }

    /// <summary>The items of an array, ordered by their ISO time <paramref name="property"/>, newest first.</summary>
    public static IEnumerable<JsonElement> NewestFirst(JsonElement items, string property) =>
        items.EnumerateArray().OrderByDescending(i => i.TryGetProperty(property, out var t) && t.ValueKind == JsonValueKind.String ? t.GetDateTimeOffset() : DateTimeOffset.MinValue);
}
