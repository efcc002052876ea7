using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Argus.Core;

namespace Argus.Server.Api;

/// <summary>
/// Reads a JSON request body of Argus's own API strictly: a field the type does not have is a 400 naming it and the
/// nearest valid one (a typo such as <c>chanels</c> must not pass silently), and a value of the wrong shape is a 400
/// naming the field and what it accepts, never a .NET type. Read-only fields of the matching response (an object read
/// with GET and sent back) can be listed in <c>ignored</c>, by their path (<c>createdAt</c>, <c>smtp.hasPassword</c>).
/// Dictionaries (headers, variables) take any key, but values that are objects of a known shape are checked too.
/// </summary>
internal static class StrictJson
{
    private const int MaxDepth = 64;

    /// <summary>The result of <see cref="ReadAsync{T}"/>: the value, or the 400/415 to answer.</summary>
    internal readonly record struct Read<T>(T? Value, IResult? Problem);

    /// <summary>Reads the body as <typeparamref name="T"/> (<paramref name="what"/> names it in messages), or says what is wrong with it.</summary>
    public static async Task<Read<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, string what, CancellationToken ct, params string[] ignored) =>
        BindParsed(await ParseAsync(request, ct), type, what, ignored);

    /// <summary>
    /// As <see cref="ReadAsync{T}"/>, for routes whose body is optional: an empty body (or only white space, also when
    /// chunked) is <paramref name="empty"/>; anything else must be a valid body.
    /// </summary>
    public static async Task<Read<T>> ReadOptionalAsync<T>(HttpRequest request, JsonTypeInfo<T> type, string what, T empty, CancellationToken ct, params string[] ignored)
    {
        if (request.ContentLength == 0)
        {
            return new(empty, null);
        }

        // Buffered so emptiness can be seen without a Content-Length; the API's body limit bounds it while it is read.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return new(empty, null);
        }

        buffer.Position = 0;
        return BindParsed(await ParseAsync(buffer, request.ContentType, ct), type, what, ignored);
    }

    /// <summary>
    /// The body as a document (the caller disposes it), or the 415/400 to answer: for a route that reads more than one
    /// type's fields from the body and then binds it with <see cref="Bind{T}"/>.
    /// </summary>
    public static Task<(JsonDocument? Document, IResult? Problem)> ParseAsync(HttpRequest request, CancellationToken ct) =>
        ParseAsync(request.Body, request.ContentType, ct);

    private static async Task<(JsonDocument? Document, IResult? Problem)> ParseAsync(Stream body, string? contentType, CancellationToken ct)
    {
        if (!IsJson(contentType))
        {
            return (null, UnsupportedMediaType(contentType));
        }

        try
        {
            return (await JsonDocument.ParseAsync(body, new JsonDocumentOptions { MaxDepth = MaxDepth }, ct), null);
        }
        catch (JsonException ex)
        {
            return (null, Invalid("body", $"the body is not valid JSON: {Syntax(ex)}"));
        }
    }

    private static Read<T> BindParsed<T>((JsonDocument? Document, IResult? Problem) parsed, JsonTypeInfo<T> type, string what, string[] ignored)
    {
        if (parsed.Document is not { } document)
        {
            return new(default, parsed.Problem);
        }

        using (document)
        {
            return Bind(document.RootElement, type, what, ignored);
        }
    }

    /// <summary>Binds an element already parsed (see <see cref="ReadAsync{T}"/>).</summary>
    public static Read<T> Bind<T>(JsonElement root, JsonTypeInfo<T> type, string what, params string[] ignored)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(default, Invalid("body", $"the body must be a JSON object ({what}), not {Describe(root.ValueKind)}."));
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckNumbers(root, "", errors);
        CheckFields(root, type, "", errors, [.. ignored]);
        CheckRequired(root, type, errors);
        if (errors.Count > 0)
        {
            return new(default, TypedResults.ValidationProblem(errors, $"The {what} has problems; all are listed.", title: "Invalid request"));
        }

        try
        {
            var value = root.Deserialize(type);
            return value is null ? new(default, Invalid("body", $"the body must be a JSON object ({what}).")) : new(value, null);
        }
        catch (JsonException ex)
        {
            var field = Field(ex.Path);
            return new(default, Invalid(field.Length == 0 ? "body" : field, Expected(type, field, ex)));
        }
    }

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c>; a missing content type counts as JSON.</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    public static IResult UnsupportedMediaType(string? contentType) => TypedResults.Problem(
        $"The body must be application/json, not {contentType}.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>The closest of <paramref name="candidates"/> to <paramref name="name"/>, when it is close enough to be a typo.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(name.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (c, d);
            }
        }

        // A typo changes a few letters; a quite different word gets no suggestion (it would only mislead).
        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    /// <summary>"unknown field 'x'" with the nearest valid name, or the list of valid names when none is near.</summary>
    public static string UnknownMessage(string name, IReadOnlyCollection<string> valid) =>
        Nearest(name, valid) is { } near
            ? $"unknown field '{name}'; did you mean '{near}'?"
            : $"unknown field '{name}'; the fields are {string.Join(", ", valid.Order(StringComparer.Ordinal))}.";

    private static void CheckFields(JsonElement element, JsonTypeInfo type, string path, Dictionary<string, string[]> errors, HashSet<string> ignored)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var names = type.Properties.Select(p => p.Name).ToList();
        foreach (var property in element.EnumerateObject())
        {
            var info = type.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
            var fieldPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            if (info is null)
            {
                if (ignored.Contains(fieldPath))
                {
                    continue;
                }

                errors[fieldPath] = [UnknownMessage(property.Name, names)];
                continue;
            }

            CheckValue(property.Value, type.Options.GetTypeInfo(info.PropertyType), fieldPath, errors, ignored);
        }
    }

    private static void CheckValue(JsonElement value, JsonTypeInfo type, string path, Dictionary<string, string[]> errors, HashSet<string> ignored)
    {
        if (value.ValueKind == JsonValueKind.Object && type.Kind == JsonTypeInfoKind.Dictionary && type.ElementType is { } valueType)
        {
            // Keys are free-form (header names, model names); a value that is an object of a known shape is checked.
            var valueInfo = type.Options.GetTypeInfo(valueType);
            foreach (var entry in value.EnumerateObject())
            {
                CheckValue(entry.Value, valueInfo, $"{path}.{entry.Name}", errors, ignored);
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            CheckFields(value, type, path, errors, ignored);
        }
        else if (value.ValueKind == JsonValueKind.Array && type.Kind == JsonTypeInfoKind.Enumerable && type.ElementType is { } elementType)
        {
            var elementInfo = type.Options.GetTypeInfo(elementType);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckValue(item, elementInfo, $"{path}[{i}]", errors, ignored);
                i++;
            }
        }
    }

    // 1e309 reads as infinity, which no answer can be written with (JSON has no infinity): refuse it where it is.
    private static void CheckNumbers(JsonElement element, string path, Dictionary<string, string[]> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number when !element.TryGetDouble(out var d) || !double.IsFinite(d):
                errors.TryAdd(path.Length == 0 ? "body" : path, [$"'{path}' is a number out of range."]);
                break;
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    CheckNumbers(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", errors);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CheckNumbers(item, $"{path}[{i++}]", errors);
                }

                break;
        }
    }

    private static void CheckRequired(JsonElement element, JsonTypeInfo type, Dictionary<string, string[]> errors)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var p in type.Properties.Where(p => p.IsRequired))
        {
            var present = element.EnumerateObject().Any(x => string.Equals(x.Name, p.Name, StringComparison.OrdinalIgnoreCase));
            if (!present)
            {
                errors.TryAdd(p.Name, [$"'{p.Name}' is required."]);
            }
        }
    }

    /// <summary>What the field at <paramref name="field"/> (dotted, with [i]) accepts, in the API's words.</summary>
    private static string Expected(JsonTypeInfo root, string field, JsonException error)
    {
        var type = root;
        Type? clr = null;
        foreach (var part in field.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Split('[', 2)[0];
            if (type.Kind == JsonTypeInfoKind.Dictionary && type.ElementType is { } valueType)
            {
                // A dictionary's key (a header or model name): what it holds is the dictionary's value type.
                clr = valueType;
            }
            else if (type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } info)
            {
                clr = info.PropertyType;
            }
            else
            {
                clr = null;
                break;
            }

            type = root.Options.GetTypeInfo(clr);
            if (part.Contains('[', StringComparison.Ordinal) && type.ElementType is { } element)
            {
                clr = element;
                type = root.Options.GetTypeInfo(element);
            }
        }

        var label = field.Length == 0 ? "the body" : $"'{field}'";
        clr = clr is null ? null : Nullable.GetUnderlyingType(clr) ?? clr;
        return clr switch
        {
            null => OwnMessage(error) ?? $"{label} has a value of the wrong kind.",
            { IsEnum: true } => $"{label} must be one of {string.Join(", ", EnumNames(clr))}.",
            _ when clr == typeof(TimeSpan) => $"{label} must be {Durations.Grammar}.",
            _ when clr == typeof(DateTimeOffset) || clr == typeof(DateTime) => $"{label} must be a time in ISO-8601 (2026-06-15T12:00:00Z).",
            _ when clr == typeof(bool) => $"{label} must be true or false.",
            _ when clr == typeof(string) => $"{label} must be a string.",
            _ when clr == typeof(int) || clr == typeof(long) => $"{label} must be a whole number.",
            _ when clr == typeof(double) || clr == typeof(decimal) || clr == typeof(float) => $"{label} must be a number.",
            _ when type.Kind == JsonTypeInfoKind.Enumerable => $"{label} must be a list.",
            _ when type.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => $"{label} must be an object.",
            _ => OwnMessage(error) ?? $"{label} has a value of the wrong kind.",
        };
    }

    /// <summary>
    /// The message of a converter of Argus's own (role masking, durations), which says what the field accepts; null for
    /// System.Text.Json's, which names the .NET type and the JSON path.
    /// </summary>
    private static string? OwnMessage(JsonException error) =>
        error.Message is { Length: > 0 } message && !message.Contains("System.", StringComparison.Ordinal) && !message.Contains("Argus.", StringComparison.Ordinal)
            && !message.Contains("Path:", StringComparison.Ordinal) && !message.StartsWith("The JSON value", StringComparison.Ordinal)
            ? message
            : null;

    /// <summary>The JSON names of an enum's members, as the API writes them.</summary>
    private static IEnumerable<string> EnumNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f =>
            f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(f.Name));

    private static string Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    // JsonDocument's messages are about the text (line, position), never about a .NET type.
    private static string Syntax(JsonException ex) => ex.Message;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => "empty",
    };

    /// <summary>A 400 for one field.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid request");

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
