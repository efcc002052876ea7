using System.Globalization;

namespace Argus.Analysis.Logs;

/// <summary>One stack frame as a reader wants it: the normalised method and, when the trace has it, file and line.</summary>
/// <param name="Method">Normalised <c>Namespace.Type.Method</c> (see <see cref="ExceptionFingerprinter"/>).</param>
/// <param name="File">File name without directories, e.g. <c>OrderService.cs</c> or <c>CartService.java</c>.</param>
/// <param name="Line">Line number, when the trace has one.</param>
public sealed record SourceFrame(string Method, string? File, int? Line)
{
    /// <summary><c>Method(File:Line)</c>, <c>Method(File)</c> or <c>Method</c>.</summary>
    public override string ToString() => File is null
        ? Method
        : Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"{Method}({File}:{line})") : $"{Method}({File})";
}

/// <summary>What <see cref="StackTraceParser.Parse"/> found in a stack trace.</summary>
/// <param name="ExceptionTypes">The outer exception type first, then the types it wraps (<c>Caused by:</c>, <c>---&gt;</c>).</param>
/// <param name="Frames">Every frame, top of the stack first, across the outer exception and its causes.</param>
/// <param name="InAppFrames">The frames that are not runtime or framework frames, in the same order.</param>
public sealed record ParsedStackTrace(IReadOnlyList<string> ExceptionTypes, IReadOnlyList<SourceFrame> Frames, IReadOnlyList<SourceFrame> InAppFrames);

/// <summary>
/// Reads .NET (<c>at Ns.Type.Method(args) in /path/File.cs:line 87</c>) and Java
/// (<c>at pkg.Class.method(File.java:120)</c>) stack traces into frames with file and line, telling application frames
/// from framework frames with the same prefixes as <see cref="ExceptionFingerprinter"/>. Stateless and thread-safe.
/// </summary>
public static class StackTraceParser
{
    /// <summary>Parses a stack trace, with or without its leading <c>Type: message</c> line.</summary>
    /// <param name="stackTrace">The trace; null or blank gives an empty result.</param>
    /// <param name="maxFrames">Most frames kept (each list); deeper frames are dropped.</param>
    public static ParsedStackTrace Parse(string? stackTrace, int maxFrames = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        var types = new List<string>();
        var frames = new List<SourceFrame>();
        var inApp = new List<SourceFrame>();
        foreach (var rawLine in (stackTrace ?? string.Empty).AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.StartsWith("at ", StringComparison.Ordinal))
            {
                if (frames.Count < maxFrames || inApp.Count < maxFrames)
                {
                    var frame = ParseFrame(line[3..]);
                    if (frame.Method.Length == 0)
                    {
                        continue;
                    }

                    if (frames.Count < maxFrames)
                    {
                        frames.Add(frame);
                    }

                    if (inApp.Count < maxFrames && !ExceptionFingerprinter.IsFramework(frame.Method))
                    {
                        inApp.Add(frame);
                    }
                }

                continue;
            }

            var type = HeaderType(line, isFirst: types.Count == 0 && frames.Count == 0);
            if (type is not null && (types.Count == 0 || types[^1] != type))
            {
                types.Add(type);
            }
        }

        return new ParsedStackTrace(types, frames, inApp);
    }

    private static SourceFrame ParseFrame(ReadOnlySpan<char> text)
    {
        var method = ExceptionFingerprinter.NormalizeFrame(text);
        string? file = null;
        int? line = null;

        // .NET: "... in /src/Shop/OrderService.cs:line 87".
        var inAt = text.LastIndexOf(" in ", StringComparison.Ordinal);
        var lineAt = text.LastIndexOf(":line ", StringComparison.Ordinal);
        if (inAt >= 0 && lineAt > inAt)
        {
            file = FileName(text[(inAt + 4)..lineAt]);
            line = ParseLine(text[(lineAt + 6)..]);
        }
        else
        {
            // Java: "...(CartService.java:120)"; "(Unknown Source)", "(Native Method)" and "(<generated>)" carry nothing.
            var open = text.LastIndexOf('(');
            var close = text.LastIndexOf(')');
            if (open >= 0 && close > open)
            {
                var location = text[(open + 1)..close];
                var colon = location.LastIndexOf(':');
                var name = colon >= 0 ? location[..colon] : location;
                if (name.Contains('.') && !name.Contains(' ') && !name.Contains('<') && !name.Contains(','))
                {
                    file = FileName(name);
                    line = colon >= 0 ? ParseLine(location[(colon + 1)..]) : null;
                }
            }
        }

        return new SourceFrame(method, file, line);
    }

    private static string FileName(ReadOnlySpan<char> path)
    {
        path = path.Trim();
        return path[(path.LastIndexOfAny('/', '\\') + 1)..].ToString();
    }

    private static int? ParseLine(ReadOnlySpan<char> text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The exception type of a header line: the first line, .NET <c>---&gt; Type: msg</c>, Java <c>Caused by: Type: msg</c>.</summary>
    private static string? HeaderType(ReadOnlySpan<char> line, bool isFirst)
    {
        if (line.StartsWith("--->", StringComparison.Ordinal))
        {
            line = line[4..].TrimStart();
        }
        else if (line.StartsWith("Caused by:", StringComparison.Ordinal))
        {
            line = line[10..].TrimStart();
        }
        else if (line.StartsWith("Exception in thread \"", StringComparison.Ordinal))
        {
            var close = line[21..].IndexOf('"');
            line = close < 0 ? [] : line[(22 + close)..].TrimStart();
        }
        else if (!isFirst)
        {
            return null;
        }

        var colon = line.IndexOf(':');
        var type = (colon >= 0 ? line[..colon] : line).Trim();
        // A type name is dotted and has no spaces: "System.InvalidOperationException", "java.sql.SQLException".
        return type.Length > 0 && type.Contains('.') && !type.ContainsAny(' ', '\t', '(') ? type.ToString() : null;
    }
}
