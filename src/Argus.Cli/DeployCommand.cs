using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus deploy start|finish|status</c>: tells Argus about a deployment and shows its checks.</summary>
internal static class DeployCommand
{
    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var deploy = new Command("deploy", "Deployments: Argus checks each one at fixed offsets against the day and the week before.");
        deploy.Subcommands.Add(Start(url, apiKey, output));
        deploy.Subcommands.Add(Finish(url, apiKey, output));
        deploy.Subcommands.Add(Status(url, apiKey, output));
        deploy.Subcommands.Add(List(url, apiKey, output));
        return deploy;
    }

    private static Command List(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var app = new Option<string?>("--app") { Description = "Only deployments of this application." };
        var limit = new Option<int>("--limit") { Description = "How many deployments.", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "Recent deployments, newest first.");
        command.Options.Add(app);
        command.Options.Add(limit);
        command.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            var query = ArgusCli.AddParameter($"api/deployments?limit={result.GetValue(limit)}", "application", result.GetValue(app));
            using var doc = await ArgusCli.GetJsonAsync(client, query, ct);
            var table = new Table().AddColumns("Deployment", "Created (UTC)", "Status", "Applications", "Version", "Environment", "Who");
            foreach (var d in CliOutput.NewestFirst(doc.RootElement.GetProperty("deployments"), "createdAt"))
            {
                table.AddRow(
                    d.GetProperty("id").GetString()!,
                    CliOutput.Time(d.GetProperty("createdAt")),
                    d.GetProperty("status").GetString()!,
                    CliOutput.Cell(string.Join(", ", d.GetProperty("applications").EnumerateArray().Select(a => a.GetString()))),
                    CliOutput.Cell(Text(d, "version") ?? "-"),
                    CliOutput.Cell(Text(d, "environment") ?? "-"),
                    CliOutput.Cell(Text(d, "who") ?? "-"));
            }

            CliOutput.Write(output, table, result.GetValue(app) is { } a ? $"no deployments of {a}" : "no deployments");
            return 0;
        });
        return command;
    }

    private static Command Start(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var id = new Argument<string?>("id") { Description = "Start a deployment created as planned (omit to create one that starts now).", Arity = ArgumentArity.ZeroOrOne };
        var apps = new Option<string[]>("--app") { Description = "An application (service name); repeat for several.", AllowMultipleArgumentsPerToken = true };
        var version = new Option<string?>("--version") { Description = "The version deployed." };
        var environment = new Option<string?>("--environment") { Description = "The environment (production, staging)." };
        var planned = new Option<string?>("--planned-at") { Description = "Plan it for this time (ISO 8601) instead of starting now: it gets the pre-check." };
        var commitUrl = new Option<string?>("--commit-url") { Description = "Link to the commit." };
        var prUrl = new Option<string?>("--pr-url") { Description = "Link to the pull request." };
        var who = new Option<string?>("--who") { Description = "Who deploys.", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("start", "Create a deployment (starting now, or planned), or start a planned one.");
        command.Arguments.Add(id);
        foreach (var option in new Option[] { apps, version, environment, planned, commitUrl, prUrl, who })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            JsonDocument answer;
            if (result.GetValue(id) is { } existing)
            {
                answer = await ArgusCli.SendJsonAsync(client, HttpMethod.Post, $"api/deployments/{Uri.EscapeDataString(existing)}/start", "{}", ct);
            }
            else
            {
                var body = new JsonObject
                {
                    ["applications"] = new JsonArray([.. (result.GetValue(apps) ?? []).Select(a => (JsonNode)a)]),
                    ["version"] = result.GetValue(version),
                    ["environment"] = result.GetValue(environment),
                    ["commitUrl"] = result.GetValue(commitUrl),
                    ["pullRequestUrl"] = result.GetValue(prUrl),
                    ["who"] = result.GetValue(who),
                };
                if (result.GetValue(planned) is { } at)
                {
                    body["plannedAt"] = at;
                }

                answer = await ArgusCli.SendJsonAsync(client, HttpMethod.Post, "api/deployments", body.ToJsonString(), ct);
            }

            using (answer)
            {
                Write(answer.RootElement, output);
            }

            return 0;
        });
        return command;
    }

    private static Command Finish(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The deployment." };
        var failed = new Option<bool>("--failed") { Description = "The deployment failed." };
        var command = new Command("finish", "Mark a deployment finished (its checks keep running).");
        command.Arguments.Add(id);
        command.Options.Add(failed);
        command.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            var body = new JsonObject { ["failed"] = result.GetValue(failed) }.ToJsonString();
            using var answer = await ArgusCli.SendJsonAsync(client, HttpMethod.Post, $"api/deployments/{Uri.EscapeDataString(result.GetValue(id)!)}/finish", body, ct);
            Write(answer.RootElement, output);
            return 0;
        });
        return command;
    }

    private static Command Status(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The deployment." };
        var command = new Command("status", "A deployment's timeline of checks with their verdicts, and the gate.");
        command.Arguments.Add(id);
        command.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var answer = await ArgusCli.GetJsonAsync(client, $"api/deployments/{Uri.EscapeDataString(result.GetValue(id)!)}", ct);
            Write(answer.RootElement, output);
            return 0;
        });
        return command;
    }

    private static void Write(JsonElement answer, TextWriter output)
    {
        var deployment = answer.GetProperty("deployment");
        var gate = answer.GetProperty("gate");
        var console = ArgusCli.Console(output);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{deployment.GetProperty("id").GetString()} {deployment.GetProperty("status").GetString()}: {string.Join(", ", deployment.GetProperty("applications").EnumerateArray().Select(a => a.GetString()))} {Text(deployment, "version")} — gate: {(gate.GetProperty("go").GetBoolean() ? "go" : "no-go")} ({gate.GetProperty("state").GetString()})"));
        var table = new Table().AddColumns("Check", "Due (UTC)", "Status", "State", "Metrics", "Late", "Model");
        // A timeline: the checks by their due time, as the Due column shows them.
        foreach (var check in answer.GetProperty("checks").EnumerateArray().OrderBy(c => c.GetProperty("dueAt").GetDateTimeOffset()))
        {
            var verdict = check.TryGetProperty("verdict", out var v) ? v : default;
            var has = verdict.ValueKind == JsonValueKind.Object;
            table.AddRow(
                check.GetProperty("offset").GetString()!,
                CliOutput.Time(check.GetProperty("dueAt")),
                check.GetProperty("status").GetString()!,
                has ? verdict.GetProperty("state").GetString()! : "",
                has ? Markup.Escape(string.Join("; ", verdict.GetProperty("applications").EnumerateArray()
                    .Where(a => a.GetProperty("metric").GetArrayLength() > 0)
                    .Select(a => $"{a.GetProperty("name").GetString()}: {string.Join(",", a.GetProperty("metric").EnumerateArray().Select(m => m.GetString()))}"))) : "",
                check.TryGetProperty("late", out var late) && late.GetBoolean() ? string.Create(CultureInfo.InvariantCulture, $"{check.GetProperty("lateBySeconds").GetDouble():0} s") : "",
                has ? Markup.Escape($"{Text(verdict, "model")}{(Text(verdict, "modelState") is { } m && m != verdict.GetProperty("state").GetString() ? $" said {m}" : "")}") : "");
        }

        if (table.Rows.Count == 0)
        {
            console.WriteLine("no checks scheduled");
            return;
        }

        console.Write(table);
    }

    private static string? Text(JsonElement element, string name) => CliOutput.OptionalText(element, name);
}
