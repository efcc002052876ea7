using System.Text;
using System.Text.RegularExpressions;

namespace Argus.Analysis.Tests.Logs;

/// <summary>One Loghub-2k system: raw lines, the ground-truth structured rows and the benchmark's format string.</summary>
internal sealed record LoghubSystem(string Name, string Format, string LogPath, IReadOnlyList<LoghubRow> Rows);

/// <summary>One ground-truth row: the content and its event id and template.</summary>
internal sealed record LoghubRow(int LineId, string Content, string EventId, string EventTemplate);

/// <summary>Grouping and parsing accuracy of one system.</summary>
internal sealed record LoghubScore(string System, double GroupingAccuracy, double ParsingAccuracy, int Templates, int TruthEvents);

/// <summary>Loads the Loghub-2k data kept next to the repository and scores parses as the benchmark does.</summary>
internal static partial class LoghubDataset
{
    /// <summary>The eight systems with the standard Loghub benchmark format strings.</summary>
    public static readonly (string Name, string Format)[] Systems =
    [
        ("HDFS", "<Date> <Time> <Pid> <Level> <Component>: <Content>"),
        ("Hadoop", @"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>"),
        ("Spark", "<Date> <Time> <Level> <Component>: <Content>"),
        ("BGL", "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>"),
        ("HPC", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>"),
        ("Linux", @"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>"),
        ("Proxifier", @"\[<Time>\] <Program> - <Content>"),
        ("Mac", @"<Month>  <Date> <Time> <User> <Component>\[<PID>\]( \(<Address>\))?: <Content>"),
    ];

    /// <summary>The data folder: <c>../shared/data/loghub-2k</c> from the folder holding Argus.slnx.</summary>
    /// <exception cref="InvalidOperationException">The repository root or the data folder cannot be found.</exception>
    public static string DataDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Argus.slnx")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException($"No Argus.slnx above {AppContext.BaseDirectory}; cannot locate the repository root.");
        }

        var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "loghub-2k"));
        if (!Directory.Exists(data))
        {
            throw new InvalidOperationException(
                $"The Loghub-2k data is missing: expected {data} (../shared/data/loghub-2k next to the repository). " +
                "Put the eight <System>/<System>_2k.log and _2k.log_structured.csv files there.");
        }

        return data;
    }

    public static LoghubSystem Load(string name, string format)
    {
        var folder = Path.Combine(DataDirectory(), name);
        var structured = Path.Combine(folder, name + "_2k.log_structured.csv");
        var log = Path.Combine(folder, name + "_2k.log");
        if (!File.Exists(structured) || !File.Exists(log))
        {
            throw new InvalidOperationException($"Loghub-2k files for {name} are missing in {folder}.");
        }

        var records = ReadCsv(File.ReadAllText(structured, Encoding.UTF8));
        var header = records[0];
        int Col(string c) => Array.IndexOf(header, c) is var i and >= 0 ? i : throw new InvalidOperationException($"{structured} has no {c} column.");
        var (line, content, id, template) = (Col("LineId"), Col("Content"), Col("EventId"), Col("EventTemplate"));
        var rows = records.Skip(1).Where(r => r.Length == header.Length)
            .Select(r => new LoghubRow(int.Parse(r[line], System.Globalization.CultureInfo.InvariantCulture), r[content], r[id], r[template]))
            .ToList();
        return new LoghubSystem(name, format, log, rows);
    }

    /// <summary>Scores per-line predicted group ids and templates against the ground truth.</summary>
    public static LoghubScore Score(LoghubSystem system, IReadOnlyList<ulong> predicted, IReadOnlyDictionary<ulong, string> templates)
    {
        var rows = system.Rows;
        var truthSizes = rows.GroupBy(r => r.EventId).ToDictionary(g => g.Key, g => g.Count());
        var correctGroup = 0;
        foreach (var group in Enumerable.Range(0, rows.Count).GroupBy(i => predicted[i]))
        {
            var truthIds = group.Select(i => rows[i].EventId).Distinct().ToList();
            if (truthIds.Count == 1 && truthSizes[truthIds[0]] == group.Count())
            {
                correctGroup += group.Count();
            }
        }

        var correctTemplate = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (NormalizeTemplate(templates[predicted[i]]) == NormalizeTemplate(rows[i].EventTemplate))
            {
                correctTemplate++;
            }
        }

        return new LoghubScore(system.Name, (double)correctGroup / rows.Count, (double)correctTemplate / rows.Count,
            predicted.Distinct().Count(), truthSizes.Count);
    }

    /// <summary>Collapses runs of wildcards (with the whitespace between them) and of whitespace, as the benchmark does.</summary>
    public static string NormalizeTemplate(string template)
    {
        var t = WildcardRun().Replace(template, "<*>");
        return Whitespace().Replace(t, " ").Trim();
    }

    /// <summary>RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    public static List<string[]> ReadCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }

    [GeneratedRegex(@"<\*>(?:\s*<\*>)+")]
    private static partial Regex WildcardRun();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
