using System.CommandLine;
using Argus.Analysis.Logs;

namespace Argus.Cli;

/// <summary><c>argus logs parse</c>: mines templates from a raw log file offline and writes Loghub-style CSV.</summary>
internal static class LogParseCommand
{
    public static Command Create(TextWriter output)
    {
        var input = new Option<FileInfo>("--input") { Description = "The raw log file, one record per line.", Required = true };
        var format = new Option<string?>("--format")
        {
            Description = "A Loghub format such as '<Date> <Time> <Level> <Component>: <Content>', used only to split the header from <Content>; without it each whole line is the content.",
        };
        var outputFile = new Option<FileInfo>("--output") { Description = "The CSV to write: LineId,EventId,EventTemplate.", Required = true };
        var command = new Command("parse", "Group log lines into templates and write LineId,EventId,EventTemplate as CSV.");
        command.Options.Add(input);
        command.Options.Add(format);
        command.Options.Add(outputFile);
        command.SetAction(async (result, ct) =>
        {
            var inputFile = result.GetValue(input)!;
            if (!inputFile.Exists)
            {
                throw new CliException($"--input '{inputFile.FullName}' does not exist.");
            }

            var target = result.GetValue(outputFile)!;
            if (target.Directory is { Exists: false } dir)
            {
                throw new CliException($"--output folder '{dir.FullName}' does not exist.");
            }

            LogParseSummary summary;
            try
            {
                summary = await LogParseRunner.RunAsync(inputFile.FullName, target.FullName, result.GetValue(format), cancellationToken: ct);
            }
            catch (FormatException ex)
            {
                throw new CliException($"--format: {ex.Message}");
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"--format: {ex.Message}");
            }

            await output.WriteLineAsync($"{summary.Lines} lines, {summary.Templates} templates, {summary.UnmatchedLines} lines not matching the format; wrote {target.FullName}");
            return 0;
        });
        return command;
    }
}
