using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus issues top</c>: the issues of a recent window, ranked, with their flags.</summary>
internal static class IssuesCommand
{
    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var since = new Option<string>("--since") { Description = "The window: how far back (e.g. 15m, 1h, 1d); compared with the window before it.", DefaultValueFactory = _ => "1h" };
        var service = new Option<string?>("--service") { Description = "Only this service." };
        var sort = new Option<string>("--sort") { Description = "count, delta or new.", DefaultValueFactory = _ => "count" };
        sort.AcceptOnlyFromAmong("count", "delta", "new");
        var limit = new Option<int>("--limit") { Description = "How many issues.", DefaultValueFactory = _ => 20 };
        var top = new Command("top", "Top issues (grouped errors, warnings and exceptions) of a recent window.");
        top.Options.Add(since);
        top.Options.Add(service);
        top.Options.Add(sort);
        top.Options.Add(limit);
        top.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            var query = $"api/issues?{ArgusCli.WindowQuery(result.GetValue(since)!)}&sort={result.GetValue(sort)}&limit={result.GetValue(limit)}";
            query = ArgusCli.AddParameter(query, "service", result.GetValue(service));

            using var doc = await ArgusCli.GetJsonAsync(client, query, ct);
            var table = new Table().AddColumns("Issue", "Level", "Count", "Δ", "Flags", "Title", "Services");
            foreach (var issue in doc.RootElement.GetProperty("issues").EnumerateArray())
            {
                var flags = issue.GetProperty("flags");
                var names = new[] { "new", "regressed", "spiking" }.Where(f => flags.GetProperty(f).GetBoolean());
                var title = issue.GetProperty("title").GetString() ?? "";
                table.AddRow(
                    issue.GetProperty("id").GetString()!,
                    issue.GetProperty("level").GetString()!,
                    issue.GetProperty("count").GetInt64().ToString("N0", CultureInfo.InvariantCulture),
                    issue.GetProperty("delta").GetInt64().ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture),
                    string.Join(",", names),
                    Markup.Escape(title.Length > 80 ? title[..77] + "..." : title),
                    Markup.Escape(string.Join(",", issue.GetProperty("services").EnumerateArray().Select(x => x.GetString()))));
            }

            ArgusCli.Console(output).Write(table);
            return 0;
        });

        var issues = new Command("issues", "Errors and log lines grouped into issues.");
        issues.Subcommands.Add(top);
        return issues;
    }
}
