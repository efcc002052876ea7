using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus issues top</c>: the issues of a recent window, ranked, with their flags.</summary>
internal static class IssuesCommand
{
    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var since = ArgusCli.SinceOption("1h", "The window: how far back, compared with the window before it");
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
            var table = new Table().AddColumns("Issue", "Level", "Count", "Δ", "Flags", "First seen (UTC)", "Title", "Services");
            foreach (var issue in Ordered(doc.RootElement.GetProperty("issues"), result.GetValue(sort)!))
            {
                var flags = issue.GetProperty("flags");
                var names = new[] { "new", "regressed", "spiking" }.Where(f => flags.GetProperty(f).GetBoolean());
                table.AddRow(
                    issue.GetProperty("id").GetString()!,
                    issue.GetProperty("level").GetString()!,
                    CliOutput.Count(issue.GetProperty("count").GetInt64()),
                    issue.GetProperty("delta").GetInt64().ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture),
                    string.Join(",", names),
                    CliOutput.Time(issue.GetProperty("firstSeen")),
                    CliOutput.Cell(issue.GetProperty("title").GetString(), 80),
                    Markup.Escape(string.Join(",", issue.GetProperty("services").EnumerateArray().Select(x => x.GetString()))));
            }

            CliOutput.Write(output, table, $"no issues in the last {result.GetValue(since)}");
            return 0;
        });

        var issues = new Command("issues", "Errors and log lines grouped into issues.");
        issues.Subcommands.Add(top);
        return issues;
    }

    /// <summary>The issues in the order <c>--sort</c> names, by the columns shown: Count, Δ, or new first then First seen.</summary>
    private static IEnumerable<System.Text.Json.JsonElement> Ordered(System.Text.Json.JsonElement issues, string sort)
    {
        var all = issues.EnumerateArray();
        return sort switch
        {
            "delta" => all.OrderByDescending(i => i.GetProperty("delta").GetInt64()).ThenByDescending(i => i.GetProperty("count").GetInt64()),
            "new" => all.OrderByDescending(i => i.GetProperty("flags").GetProperty("new").GetBoolean()).ThenByDescending(i => i.GetProperty("firstSeen").GetDateTimeOffset()),
            _ => all.OrderByDescending(i => i.GetProperty("count").GetInt64()),
        };
    }
}
