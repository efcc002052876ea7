using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus incidents list</c> and <c>argus incidents show &lt;id&gt;</c>: the Incident AI Reports.</summary>
internal static class IncidentsCommand
{
    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var since = ArgusCli.SinceOption("1d");
        var service = new Option<string?>("--service") { Description = "Only this service." };
        var rule = new Option<string?>("--rule") { Description = "Only this alert rule (id or name)." };
        var limit = new Option<int>("--limit") { Description = "How many incidents.", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "Recent incident reports, newest first.");
        list.Options.Add(since);
        list.Options.Add(service);
        list.Options.Add(rule);
        list.Options.Add(limit);
        list.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            var query = $"api/incidents?{ArgusCli.WindowQuery(result.GetValue(since)!)}&limit={result.GetValue(limit)}";
            query = ArgusCli.AddParameter(query, "service", result.GetValue(service));
            query = ArgusCli.AddParameter(query, "rule", result.GetValue(rule));

            using var doc = await ArgusCli.GetJsonAsync(client, query, ct);
            var table = new Table().AddColumns("Incident", "Fired (UTC)", "Rule", "Service", "Written by", "Summary");
            foreach (var incident in CliOutput.NewestFirst(doc.RootElement.GetProperty("incidents"), "firedAt"))
            {
                table.AddRow(
                    incident.GetProperty("id").GetString()!,
                    CliOutput.Time(incident.GetProperty("firedAt")),
                    CliOutput.Cell(incident.GetProperty("ruleName").GetString()),
                    CliOutput.Cell(Text(incident, "service")),
                    CliOutput.Cell(Text(incident, "model")),
                    CliOutput.Cell(incident.GetProperty("summary").GetString()));
            }

            CliOutput.Write(output, table, $"no incidents in the last {result.GetValue(since)}");
            return 0;
        });

        var show = ArgusCli.ShowCommand(
            "One incident: the alert, the report and how it was written.",
            new Argument<string>("id") { Description = "The incident's id (inc_...)." },
            "Print the whole incident as JSON (alert, profile, findings, report).",
            "api/incidents/", url, apiKey, output, Describe);

        var incidents = new Command("incidents", "Incident AI Reports made when alerts fire.");
        incidents.Subcommands.Add(list);
        incidents.Subcommands.Add(show);
        return incidents;
    }

    private static void Describe(TextWriter output, JsonElement incident)
    {
        output.WriteLine(incident.GetProperty("alertText").GetString());
        output.WriteLine();
        output.WriteLine(incident.GetProperty("reportText").GetString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"-- written by {Text(incident, "provider")}/{Text(incident, "model")} (role {Text(incident, "roleCode")} v{incident.GetProperty("roleVersion").GetInt32()}), trace {Text(incident, "traceId")}, call {Text(incident, "callId")}"));
    }

    private static string Text(JsonElement element, string property) => CliOutput.Text(element, property);
}
