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
        var since = new Option<string>("--since") { Description = "How far back (e.g. 1h, 1d, 7d).", DefaultValueFactory = _ => "1d" };
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
            foreach (var incident in doc.RootElement.GetProperty("incidents").EnumerateArray())
            {
                var summary = incident.GetProperty("summary").GetString() ?? "";
                table.AddRow(
                    incident.GetProperty("id").GetString()!,
                    incident.GetProperty("firedAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(incident.GetProperty("ruleName").GetString() ?? ""),
                    Markup.Escape(Text(incident, "service")),
                    Markup.Escape(Text(incident, "model")),
                    Markup.Escape(summary.Length > 100 ? summary[..97] + "..." : summary));
            }

            ArgusCli.Console(output).Write(table);
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The incident's id (inc_...)." };
        var json = new Option<bool>("--json") { Description = "Print the whole incident as JSON (alert, profile, findings, report)." };
        var show = new Command("show", "One incident: the alert, the report and how it was written.");
        show.Arguments.Add(id);
        show.Options.Add(json);
        show.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.GetJsonAsync(client, "api/incidents/" + Uri.EscapeDataString(result.GetValue(id)!), ct);
            var incident = doc.RootElement;
            if (result.GetValue(json))
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                {
                    incident.WriteTo(writer);
                }

                output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                return 0;
            }

            output.WriteLine(incident.GetProperty("alertText").GetString());
            output.WriteLine();
            output.WriteLine(incident.GetProperty("reportText").GetString());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"-- written by {Text(incident, "provider")}/{Text(incident, "model")} (role {Text(incident, "roleCode")} v{incident.GetProperty("roleVersion").GetInt32()}), trace {Text(incident, "traceId")}, call {Text(incident, "callId")}"));
            return 0;
        });

        var incidents = new Command("incidents", "Incident AI Reports made when alerts fire.");
        incidents.Subcommands.Add(list);
        incidents.Subcommands.Add(show);
        return incidents;
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "-";
}
