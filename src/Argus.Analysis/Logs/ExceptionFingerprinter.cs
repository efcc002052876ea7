using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;

namespace Argus.Analysis.Logs;

/// <summary>A stable identity for "the same error": a 64-bit fingerprint and a readable title.</summary>
/// <param name="Fingerprint">XxHash64 of the exception types and normalised in-app frames (or of the message template
/// when there is no stack); never 0.</param>
/// <param name="Title">Short human-readable title, e.g. <c>NullReferenceException at Shop.Orders.OrderService.Place</c>.</param>
/// <param name="ExceptionType">The outermost exception type, or an empty string when unknown.</param>
/// <param name="Frames">The normalised frames that went into the fingerprint (in-app frames when there are any).</param>
/// <param name="MessageTemplate">The masked message, used when there are no frames.</param>
public sealed record ExceptionFingerprint(ulong Fingerprint, string Title, string ExceptionType, IReadOnlyList<string> Frames, string MessageTemplate);

/// <summary>
/// Groups exceptions by what was thrown and where: the exception type(s) plus the normalised in-app stack frames,
/// ignoring line numbers, argument lists and compiler-generated names, so that builds and deployments that move code
/// around do not split a group. Supports .NET (<c>at Ns.Type.Method(args) in file:line N</c>) and Java
/// (<c>at pkg.Class.method(File.java:123)</c>, <c>Caused by:</c>) traces.
/// </summary>
/// <remarks>
/// Framework frames (System., Microsoft., java., javax., jdk., sun., com.sun., kotlin., scala., org.springframework.,
/// org.apache., io.netty., ...) are dropped because they are the same for unrelated errors; when a stack has only
/// framework frames, those are used. With no stack at all, the fingerprint is taken from the message masked the way
/// <see cref="LogTemplateMiner"/> masks log bodies, so that values in the message do not split a group. Stateless and
/// thread-safe.
/// </remarks>
public static partial class ExceptionFingerprinter
{
    /// <summary>Most frames taken into the fingerprint; deeper frames rarely tell errors apart and vary with callers.</summary>
    public const int MaxFrames = 8;

    private static readonly string[] FrameworkPrefixes =
    [
        "System.", "Microsoft.", "Windows.", "Internal.", "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.",
        "kotlinx.", "scala.", "akka.", "org.springframework.", "org.apache.", "io.netty.", "org.hibernate.",
        "org.eclipse.jetty.", "org.junit.", "reactor.", "io.reactivex.", "rx.", "com.google.common.", "io.grpc.",
        "okhttp3.", "org.jboss.", "org.glassfish.", "jakarta.", "Npgsql.", "Grpc.", "Xunit.", "NUnit.", "Polly.",
    ];

    /// <summary>Fingerprints an exception given as its parts, e.g. the OpenTelemetry attributes
    /// <c>exception.type</c>, <c>exception.message</c> and <c>exception.stacktrace</c>.</summary>
    /// <param name="exceptionType">Type name; when empty it is read from the first line of the stack trace.</param>
    /// <param name="message">Exception message; may be empty.</param>
    /// <param name="stackTrace">Stack trace, with or without the leading "Type: message" line; may be empty.</param>
    public static ExceptionFingerprint Compute(string? exceptionType, string? message, string? stackTrace)
    {
        var types = new List<string>();
        var frames = new List<string>();
        string? headerMessage = null;
        if (!string.IsNullOrWhiteSpace(exceptionType))
        {
            types.Add(exceptionType.Trim());
        }

        foreach (var rawLine in (stackTrace ?? string.Empty).AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            if (line.StartsWith("at ", StringComparison.Ordinal))
            {
                var frame = NormalizeFrame(line[3..]);
                if (frame.Length > 0 && (frames.Count == 0 || frames[^1] != frame))
                {
                    frames.Add(frame);
                }

                continue;
            }

            // Header lines: the first "Type: message", .NET " ---> Type: message", Java "Caused by: Type: message".
            var header = line;
            if (header.StartsWith("--->", StringComparison.Ordinal))
            {
                header = header[4..].TrimStart();
            }
            else if (header.StartsWith("Caused by:", StringComparison.Ordinal))
            {
                header = header[10..].TrimStart();
            }
            else if (types.Count > 0 && frames.Count > 0)
            {
                continue; // "--- End of stack trace ---", "... 12 more" and other noise between frames.
            }

            var m = HeaderPattern().Match(header.ToString());
            if (m.Success)
            {
                var type = m.Groups["type"].Value;
                if (types.Count == 0 || types[^1] != type)
                {
                    types.Add(type);
                }

                headerMessage ??= m.Groups["message"].Value.Trim();
            }
        }

        var outerType = types.Count > 0 ? types[0] : string.Empty;
        // Adjacent repeats (recursion, a proxy and its target normalising to the same name) count once.
        var inApp = frames.Where(f => !IsFramework(f)).ToList();
        inApp = inApp.Where((f, i) => i == 0 || inApp[i - 1] != f).Take(MaxFrames).ToList();
        var used = inApp.Count > 0 ? inApp : frames.Take(MaxFrames).ToList();
        var messageTemplate = MaskMessage(string.IsNullOrWhiteSpace(message) ? headerMessage ?? string.Empty : message);

        var key = new StringBuilder();
        foreach (var t in types)
        {
            key.Append(t).Append('\n');
        }

        key.Append("--\n");
        if (used.Count > 0)
        {
            foreach (var f in used)
            {
                key.Append(f).Append('\n');
            }
        }
        else
        {
            key.Append(messageTemplate);
        }

        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key.ToString()));
        var shortType = outerType.Length == 0 ? "Error" : outerType[(outerType.LastIndexOfAny(['.', '$', '+']) + 1)..];
        var title = used.Count > 0
            ? $"{shortType} at {used[0]}"
            : messageTemplate.Length == 0 ? shortType : $"{shortType}: {Truncate(messageTemplate, 120)}";
        return new ExceptionFingerprint(hash == 0 ? 1 : hash, title, outerType, used, messageTemplate);
    }

    /// <summary>Fingerprints a whole exception dump (<c>ex.ToString()</c>, a Java <c>printStackTrace</c>).</summary>
    public static ExceptionFingerprint FromText(string exceptionText) => Compute(null, null, exceptionText);

    /// <summary>
    /// Reduces a frame to <c>Namespace.Type.Method</c>: no arguments, file or line; compiler-generated parts removed
    /// (<c>&lt;Method&gt;d__12.MoveNext</c> → <c>Method</c>, <c>&lt;&gt;c__DisplayClass3_0.&lt;Run&gt;b__0</c> → <c>Run</c>,
    /// <c>lambda$run$0</c> → <c>run</c>, <c>$$Lambda$123/0x..</c>, <c>$$EnhancerBySpringCGLIB$$abc</c>, <c>$Proxy12</c>).
    /// </summary>
    internal static string NormalizeFrame(ReadOnlySpan<char> frame)
    {
        var paren = frame.IndexOf('(');
        var name = (paren >= 0 ? frame[..paren] : frame).Trim().ToString();
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0)
        {
            name = name[..space]; // "Method in file:line" without parentheses.
        }

        name = JavaModulePrefix().Replace(name, string.Empty);    // "app//", "java.base@17/"
        name = AsyncStateMachine().Replace(name, "$1");           // <Method>d__12.MoveNext -> Method
        name = DisplayClassLambda().Replace(name, "$1");          // <>c__DisplayClass3_0.<Run>b__0 -> Run
        name = CompilerClass().Replace(name, string.Empty);       // .<>c / <>c__DisplayClass3_0 leftovers
        name = LocalFunction().Replace(name, "$1");               // <Outer>g__Inner|0_0 -> Outer
        name = JavaGenerated().Replace(name, string.Empty);       // $$Lambda$123/0x..., $$EnhancerBySpringCGLIB$$abc
        name = JavaLambda().Replace(name, "$1");                  // lambda$run$0 -> run
        name = JavaProxy().Replace(name, "$Proxy");               // $Proxy12 -> $Proxy
        name = AnonymousClass().Replace(name, string.Empty);      // Outer$1 -> Outer
        name = name.Replace("..", ".", StringComparison.Ordinal).Trim('.');
        return name;
    }

    /// <summary>True when a normalised frame belongs to a runtime or framework (see the prefixes above), not the application.</summary>
    internal static bool IsFramework(string frame)
    {
        foreach (var prefix in FrameworkPrefixes)
        {
            if (frame.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string MaskMessage(string message)
    {
        var words = new List<string>();
        LogTokenizer.Tokenize(message, words, maxTokens: 64, maxTokenLength: 256);
        return string.Join(' ', words);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : string.Concat(s.AsSpan(0, max - 1), "…");

    [GeneratedRegex(@"^(?:Exception in thread ""[^""]*"" )?(?<type>[A-Za-z_$][\w$]*(?:[.+$][A-Za-z_$][\w$]*)+)(?::(?<message>.*)|\s*$)", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"^[\w.]*(?:@[\w.\-]+)?//?(?=[A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex JavaModulePrefix();

    [GeneratedRegex(@"<([^<>]+)>d__\d+(?:\.MoveNext)?", RegexOptions.CultureInvariant)]
    private static partial Regex AsyncStateMachine();

    [GeneratedRegex(@"<>c(?:__DisplayClass[\d_]+)?\.<([^<>]+)>b__[\w]+", RegexOptions.CultureInvariant)]
    private static partial Regex DisplayClassLambda();

    [GeneratedRegex(@"\.?<>c(?:__DisplayClass[\d_]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex CompilerClass();

    [GeneratedRegex(@"<([^<>]+)>g__[^.]+", RegexOptions.CultureInvariant)]
    private static partial Regex LocalFunction();

    [GeneratedRegex(@"\$\$(?:Lambda\$?[\w]*(?:/0x[0-9a-fA-F]+)?|EnhancerBy\w+\$\$\w+|FastClassBy\w+\$\$\w+|\w+ByteBuddy\w*\$\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex JavaGenerated();

    [GeneratedRegex(@"lambda\$(\w+?)\$\d+", RegexOptions.CultureInvariant)]
    private static partial Regex JavaLambda();

    [GeneratedRegex(@"\$Proxy\d+", RegexOptions.CultureInvariant)]
    private static partial Regex JavaProxy();

    [GeneratedRegex(@"\$\d+(?=[.$]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex AnonymousClass();
}
