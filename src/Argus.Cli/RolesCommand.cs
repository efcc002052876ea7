using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus roles list</c> and <c>argus roles call &lt;code&gt; --message ...</c>: the role gateway from the terminal.</summary>
internal static class RolesCommand
{
    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var roles = new Command("roles", "The LLM roles of the gateway: list them, call one.");
        roles.Subcommands.Add(List(url, apiKey, output));
        roles.Subcommands.Add(Call(url, apiKey, output));
        return roles;
    }

    private static Command List(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var list = new Command("list", "List the roles with their production version and chain.");
        list.SetAction(async (result, ct) =>
        {
            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.GetJsonAsync(client, "api/roles", ct);
            var table = new Table().AddColumns("Role", "Name", "Version", "Format", "Chain");
            foreach (var role in doc.RootElement.GetProperty("roles").EnumerateArray().OrderBy(r => r.GetProperty("code").GetString(), StringComparer.Ordinal))
            {
                table.AddRow(
                    Markup.Escape(role.GetProperty("code").GetString() ?? ""),
                    Markup.Escape(role.GetProperty("name").GetString() ?? ""),
                    $"{role.GetProperty("version").GetInt32()} of {role.GetProperty("latestVersion").GetInt32()}",
                    Markup.Escape(role.GetProperty("responseFormat").GetString() ?? ""),
                    Markup.Escape(string.Join(" → ", role.GetProperty("chain").EnumerateArray().Select(c => c.GetString()))));
            }

            CliOutput.Write(output, table, "no roles");
            return 0;
        });
        return list;
    }

    private static Command Call(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var code = new Argument<string>("code") { Description = "The role's code, e.g. oncall-assistant." };
        var message = new Option<string[]>("--message", "-m") { Description = "A user message (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var variables = new Option<string[]>("--var") { Description = "A template variable as name=value (repeat for several)." };
        var label = new Option<string?>("--label") { Description = "Call the version this label points at (default: production)." };
        var version = new Option<int?>("--version") { Description = "Call this version." };
        var stream = new Option<bool>("--stream") { Description = "Print the answer as it arrives." };
        var call = new Command("call", "Call a role and print its answer and which provider served it.");
        call.Arguments.Add(code);
        call.Options.Add(message);
        call.Options.Add(variables);
        call.Options.Add(label);
        call.Options.Add(version);
        call.Options.Add(stream);
        call.SetAction(async (result, ct) =>
        {
            var body = new JsonObject
            {
                ["messages"] = new JsonArray([.. (result.GetValue(message) ?? []).Select(m => (JsonNode)new JsonObject { ["role"] = "user", ["content"] = m })]),
                ["stream"] = result.GetValue(stream),
            };
            var vars = new JsonObject();
            foreach (var v in result.GetValue(variables) ?? [])
            {
                var eq = v.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new CliException($"--var '{v}' must be name=value.");
                }

                vars[v[..eq]] = v[(eq + 1)..];
            }

            body["variables"] = vars;
            if (result.GetValue(label) is { } l)
            {
                body["label"] = l;
            }

            if (result.GetValue(version) is { } n)
            {
                body["version"] = n;
            }

            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            client.Timeout = TimeSpan.FromMinutes(5);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/roles/{Uri.EscapeDataString(result.GetValue(code)!)}/chat")
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException ex)
            {
                throw new CliException($"cannot reach {client.BaseAddress}: {ex.Message}");
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var problem = await response.Content.ReadAsStringAsync(ct);
                    throw new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}: {ArgusCli.ProblemDetail(problem)}");
                }

                JsonElement final;
                if (result.GetValue(stream))
                {
                    final = await ReadStreamAsync(response, output, ct);
                }
                else
                {
                    final = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).Clone();
                    await output.WriteLineAsync(final.GetProperty("answer").GetString());
                }

                var builtIn = final.GetProperty("builtIn").GetBoolean() ? " (built-in analyst, no LLM)" : "";
                await output.WriteLineAsync(
                    $"-- {final.GetProperty("role").GetString()} v{final.GetProperty("version").GetInt32()} served by {final.GetProperty("provider").GetString()}/{final.GetProperty("model").GetString()}"
                    + $" (link {final.GetProperty("link").GetInt32() + 1}){builtIn} in {Latency(final)} ms");
                foreach (var skipped in SkippedLinks(final))
                {
                    await output.WriteLineAsync("-- skipped " + skipped);
                }
            }

            return 0;
        });
        return call;
    }

    private static string Latency(JsonElement answer) =>
        answer.TryGetProperty("latencyMs", out var v) ? Math.Round(v.GetDouble()).ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    private static async Task<JsonElement> ReadStreamAsync(HttpResponseMessage response, TextWriter output, CancellationToken ct)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? eventName = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(line["data: ".Length..]);
                switch (eventName)
                {
                    case "delta":
                        await output.WriteAsync(doc.RootElement.GetProperty("text").GetString());
                        break;
                    case "done":
                        await output.WriteLineAsync();
                        return doc.RootElement.Clone();
                    case "error":
                        await output.WriteLineAsync();
                        throw new CliException(ArgusCli.ProblemDetail(line["data: ".Length..]));
                }
            }
        }

        throw new CliException("the stream ended without an answer.");
    }

    /// <summary>
    /// The links tried before the one that served, each as <c>link 1 (team-ollama/llama3): connection: Connection refused</c>.
    /// The gateway tries the chain in order and records one attempt per link tried, so the n-th attempt is link n.
    /// </summary>
    internal static IEnumerable<string> SkippedLinks(JsonElement answer)
    {
        if (!answer.TryGetProperty("attempts", out var attempts) || attempts.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var n = 0;
        foreach (var attempt in attempts.EnumerateArray())
        {
            n++;
            var outcome = CliOutput.Text(attempt, "outcome");
            if (outcome == "ok")
            {
                continue;
            }

            var error = CliOutput.Text(attempt, "error", "");
            yield return $"link {n} ({CliOutput.Text(attempt, "provider")}/{CliOutput.Text(attempt, "model")}): {outcome}{(error.Length > 0 ? ": " + error.ReplaceLineEndings(" ") : "")}";
        }
    }
}
