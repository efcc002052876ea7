using System.Globalization;
using System.Text;

namespace Argus.Analysis.Logs;

/// <summary>What an offline parse produced.</summary>
/// <param name="Lines">Lines read (blank lines included, as Loghub counts them).</param>
/// <param name="UnmatchedLines">Lines that did not fit the format and were mined whole.</param>
/// <param name="Templates">Distinct templates assigned.</param>
public sealed record LogParseSummary(int Lines, int UnmatchedLines, int Templates);

/// <summary>
/// Offline evaluation of the miner in the Loghub benchmark's shape: reads raw lines, splits off the header with a
/// <see cref="LoghubFormat"/>, mines the content and writes <c>LineId,EventId,EventTemplate</c> CSV.
/// </summary>
/// <remarks>
/// Lines are mined in order as the online miner would see them; each line is then written with the <em>final</em> text of
/// its template (the benchmark grades final templates). That needs one id per line in memory (8 bytes a line).
/// </remarks>
public static class LogParseRunner
{
    /// <summary>Parses <paramref name="inputPath"/> and writes the CSV to <paramref name="outputPath"/>.</summary>
    /// <param name="inputPath">Raw log file, one record per line (UTF-8).</param>
    /// <param name="outputPath">CSV file to create or overwrite.</param>
    /// <param name="format">Loghub format string; <see langword="null"/> or empty mines each whole line.</param>
    /// <param name="options">Miner settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Stops the run between lines.</param>
    public static async Task<LogParseSummary> RunAsync(string inputPath, string outputPath, string? format,
        LogTemplateMinerOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(inputPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        await using var writer = new StreamWriter(outputPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return await RunAsync(reader, writer, format, options, cancellationToken);
    }

    /// <summary>Parses lines from <paramref name="input"/> and writes the CSV to <paramref name="output"/>.</summary>
    /// <inheritdoc cref="RunAsync(string, string, string?, LogTemplateMinerOptions?, CancellationToken)"/>
    public static async Task<LogParseSummary> RunAsync(TextReader input, TextWriter output, string? format,
        LogTemplateMinerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var splitter = string.IsNullOrWhiteSpace(format) ? null : LoghubFormat.Parse(format);
        var miner = new LogTemplateMiner(options);
        // Mine while reading and keep only the id per line: the file itself is never held in memory.
        var ids = new List<ulong>();
        var templates = new Dictionary<ulong, string>();
        var unmatched = 0;
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            var content = line;
            if (splitter is not null && !splitter.TryGetContent(line, out content))
            {
                unmatched++;
            }

            var match = miner.Add(content);
            ids.Add(match.TemplateId);
            templates[match.TemplateId] = match.Template;
        }

        await output.WriteLineAsync("LineId,EventId,EventTemplate".AsMemory(), cancellationToken);
        var row = new StringBuilder(256);
        for (var i = 0; i < ids.Count; i++)
        {
            row.Clear();
            row.Append(i + 1).Append(',').Append(ids[i].ToString("x16", CultureInfo.InvariantCulture)).Append(',');
            AppendCsvField(row, templates[ids[i]]);
            await output.WriteLineAsync(row, cancellationToken);
        }

        await output.FlushAsync(cancellationToken);
        return new LogParseSummary(ids.Count, unmatched, templates.Count);
    }

    /// <summary>Mines <paramref name="contents"/> in order; returns each line's template id and every id's final text.</summary>
    internal static (ulong[] Ids, Dictionary<ulong, string> Templates) Parse(IReadOnlyList<string> contents,
        LogTemplateMinerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var miner = new LogTemplateMiner(options);
        var ids = new ulong[contents.Count];
        // The last text seen per id is its final text even if the template was evicted later.
        var templates = new Dictionary<ulong, string>();
        for (var i = 0; i < contents.Count; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var match = miner.Add(contents[i]);
            ids[i] = match.TemplateId;
            templates[match.TemplateId] = match.Template;
        }

        return (ids, templates);
    }

    /// <summary>Appends an RFC 4180 field: quoted when it holds a comma, quote or line break; quotes doubled.</summary>
    internal static void AppendCsvField(StringBuilder row, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            row.Append(value);
            return;
        }

        row.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
