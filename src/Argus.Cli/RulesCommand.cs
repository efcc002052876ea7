using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus rules [list]|show|mute|unmute</c>: the alert rules and their status.</summary>
internal static class RulesCommand
{
    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var rules = ArgusCli.WithDefaultSubcommand(
            new Command("rules", "Alert rules: list them with their status (the default), show one, mute or unmute one."),
            "list", "The alert rules with their status, by name.", c => ConfigureList(c, url, apiKey, output));
        rules.Subcommands.Add(ArgusCli.ShowCommand(
            "One alert rule: what it watches, how often, and its status.", Id(), "Print the rule and its status as JSON.", "api/alert-rules/", url, apiKey, output, Describe));
        rules.Subcommands.Add(Mute(url, apiKey, output));
        rules.Subcommands.Add(Unmute(url, apiKey, output));
        return rules;
    }

    private static void ConfigureList(Command command, Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        command.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.GetJsonAsync(client, "api/alert-rules", ct);
            var table = new Table().AddColumns("Rule", "Name", "Kind", "Service", "Condition", "Window", "Status", "Muted until (UTC)");
            var rules = doc.RootElement.GetProperty("rules").EnumerateArray()
                .OrderBy(r => r.GetProperty("rule").GetProperty("name").GetString(), StringComparer.OrdinalIgnoreCase);
            foreach (var item in rules)
            {
                var rule = item.GetProperty("rule");
                table.AddRow(
                    CliOutput.Text(rule, "id"),
                    CliOutput.Cell(CliOutput.Text(rule, "name")),
                    CliOutput.Text(rule, "kind"),
                    CliOutput.Cell(CliOutput.Text(rule, "service", "(every service)")),
                    CliOutput.Cell(CliOutput.Text(rule, "condition")),
                    CliOutput.Text(rule, "window"),
                    Status(item),
                    MutedUntil(rule));
            }

            CliOutput.Write(output, table, "no alert rules");
            return 0;
        });
    }

    private static Command Mute(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var id = Id();
        var duration = new Option<string>("--for") { Description = "How long (e.g. 30m, 1h, 1d); at most 366 days.", Required = true };
        var mute = new Command("mute", "Mute a rule for a while: it is still evaluated and its alerts recorded, but nothing is reported or sent.");
        mute.Arguments.Add(id);
        mute.Options.Add(duration);
        mute.SetAction(async (result, ct) =>
        {
            var span = result.GetValue(duration)!;
            ArgusCli.ParseDuration("--for", span);
            var body = new JsonObject { ["for"] = span }.ToJsonString();
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.SendJsonAsync(client, HttpMethod.Post, Path(result.GetValue(id)!) + "/mute", body, ct);
            Describe(output, doc.RootElement);
            return 0;
        });
        return mute;
    }

    private static Command Unmute(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var id = Id();
        var unmute = new Command("unmute", "End a rule's mute.");
        unmute.Arguments.Add(id);
        unmute.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.SendJsonAsync(client, HttpMethod.Post, Path(result.GetValue(id)!) + "/unmute", "{}", ct);
            Describe(output, doc.RootElement);
            return 0;
        });
        return unmute;
    }

    private static Argument<string> Id() => new("id") { Description = "The rule's id (rule_...) or name." };

    private static string Path(string id) => "api/alert-rules/" + Uri.EscapeDataString(id);

    private static void Describe(TextWriter output, JsonElement item)
    {
        var rule = item.GetProperty("rule");
        output.WriteLine($"{CliOutput.Text(rule, "id")} {CliOutput.Text(rule, "name")}: {Status(item)}{(MutedUntil(rule) is { Length: > 0 } m ? $" until {m} UTC" : "")}");
        output.WriteLine($"  kind        : {CliOutput.Text(rule, "kind")}");
        output.WriteLine($"  condition   : {CliOutput.Text(rule, "condition")}");
        output.WriteLine($"  service     : {CliOutput.Text(rule, "service", "(every service)")}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  window      : {CliOutput.Text(rule, "window")}, evaluated every {CliOutput.Text(rule, "evaluateEvery")}, at least {rule.GetProperty("minOccurrences").GetInt64()} occurrence(s)"));
        output.WriteLine($"  channels    : {(rule.GetProperty("channels").GetArrayLength() == 0 ? "every channel" : string.Join(", ", rule.GetProperty("channels").EnumerateArray().Select(c => c.GetString())))}");
        if (CliOutput.Text(item, "firingAlertId", "") is { Length: > 0 } alert)
        {
            output.WriteLine($"  firing      : {alert}");
        }

        if (item.TryGetProperty("pendingSince", out var pending) && pending.ValueKind == JsonValueKind.String)
        {
            output.WriteLine($"  pending     : since {CliOutput.Time(pending)} UTC");
        }
    }

    private static string Status(JsonElement item) => CliOutput.Text(item, "status");

    private static string MutedUntil(JsonElement rule) =>
        rule.TryGetProperty("mutedUntil", out var until) && until.ValueKind == JsonValueKind.String && until.GetDateTimeOffset() > DateTimeOffset.UtcNow
            ? CliOutput.Time(until)
            : "";
}
