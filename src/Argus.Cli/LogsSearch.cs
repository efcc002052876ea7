using System.CommandLine;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus logs [search]</c>: log records of a recent window, newest first.</summary>
internal static class LogsSearch
{
    /// <summary>Adds the search options and action to <paramref name="command"/> (<c>logs</c> itself and <c>logs search</c>).</summary>
    public static void Configure(Command command, Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var service = new Option<string?>("--service") { Description = "Only this service." };
        var minSeverity = new Option<string?>("--min-severity") { Description = "The lowest level shown: TRACE, DEBUG, INFO, WARN, ERROR, FATAL, or a number 1-24." };
        var text = new Option<string?>("--query") { Description = "Only records whose body contains this text (case-insensitive)." };
        var trace = new Option<string?>("--trace") { Description = "Only records of this trace id." };
        var since = ArgusCli.SinceOption("1h");
        var limit = new Option<int>("--limit") { Description = "How many records.", DefaultValueFactory = _ => 50 };
        foreach (var option in new Option[] { service, minSeverity, text, trace, since, limit })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, ct) =>
        {
            var query = $"api/logs?{ArgusCli.WindowQuery(result.GetValue(since)!)}&limit={result.GetValue(limit)}";
            query = ArgusCli.AddParameter(query, "service", result.GetValue(service));
            query = ArgusCli.AddParameter(query, "minSeverity", result.GetValue(minSeverity));
            query = ArgusCli.AddParameter(query, "query", result.GetValue(text));
            query = ArgusCli.AddParameter(query, "traceId", result.GetValue(trace));

            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.GetJsonAsync(client, query, ct);
            var table = new Table().AddColumns("Time (UTC)", "Level", "Service", "Body", "Trace");
            foreach (var log in CliOutput.NewestFirst(doc.RootElement.GetProperty("logs"), "time"))
            {
                table.AddRow(
                    CliOutput.Time(log.GetProperty("time")),
                    log.GetProperty("level").GetString() ?? "",
                    CliOutput.Cell(log.GetProperty("service").GetString()),
                    CliOutput.Cell(log.GetProperty("body").GetString(), 120),
                    CliOutput.Text(log, "traceId"));
            }

            CliOutput.Write(output, table, $"no logs in the last {result.GetValue(since)}");
            return 0;
        });
    }
}
