using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Demo;
using Spectre.Console;

namespace Argus.Cli;

/// <summary>The <c>argus</c> command line. It talks to a running server's API; nothing here reads the stores directly.</summary>
public static class ArgusCli
{
    /// <summary>Runs one command line and returns the exit code: 0 ok, 1 failure, 2 usage error.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                await error.WriteLineAsync("argus: " + e.Message);
            }

            return 2;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync("argus: " + ex.Message);
            return 1;
        }
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url")
        {
            Description = "The Argus API URL (default: $ARGUS_URL or http://127.0.0.1:5080).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_URL") ?? "http://127.0.0.1:5080",
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = "The API key (default: $ARGUS_API_KEY).",
            Recursive = true,

            // No DefaultValueFactory: help prints an option's default, and this one is a secret (read in KeyOrEnvironment).
        };

        var root = new RootCommand("Argus: OpenTelemetry storage and AI operations roles.");
        root.Options.Add(url);
        root.Options.Add(apiKey);
        root.Subcommands.Add(DemoCommand(apiKey, output));
        root.Subcommands.Add(ServicesCommand(url, apiKey, output));
        root.Subcommands.Add(TracesCommand.Create(url, apiKey, output));
        root.Subcommands.Add(LogsCommand(url, apiKey, output));
        root.Subcommands.Add(IssuesCommand.Create(url, apiKey, output));
        root.Subcommands.Add(RolesCommand.Create(url, apiKey, output));
        root.Subcommands.Add(DeployCommand.Create(url, apiKey, output));
        root.Subcommands.Add(IncidentsCommand.Create(url, apiKey, output));
        root.Subcommands.Add(RulesCommand.Create(url, apiKey, output));
        return root;
    }

    private static Command DemoCommand(Option<string?> apiKey, TextWriter output)
    {
        var otlp = new Option<string>("--otlp")
        {
            Description = "The OTLP/HTTP base URL of the Argus server.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_OTLP_URL") ?? "http://127.0.0.1:4318",
        };
        var rate = new Option<double>("--rate") { Description = "Transactions per second at the daily mean.", DefaultValueFactory = _ => 10 };
        var duration = new Option<string?>("--duration") { Description = "Stop after this long (e.g. 5m, 1h or 00:05:00); default: until Ctrl+C." };
        var command = new Command("demo", "Send the demo workload (a simulated shop with scheduled faults) to an Argus server.");
        command.Options.Add(otlp);
        command.Options.Add(rate);
        command.Options.Add(duration);
        command.SetAction(async (result, ct) =>
        {
            var key = KeyOrEnvironment(result.GetValue(apiKey)) ?? throw new CliException("an API key is required: pass --api-key or set ARGUS_API_KEY.");
            if (!Uri.TryCreate(result.GetValue(otlp), UriKind.Absolute, out var endpoint))
            {
                throw new CliException($"--otlp '{result.GetValue(otlp)}' is not an absolute URL.");
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (result.GetValue(duration) is { } text && ParseDuration("--duration", text) is var d)
            {
                stop.CancelAfter(d);
            }

            await using var workload = new DemoWorkload(new DemoOptions { OtlpHttpEndpoint = endpoint, ApiKey = key, RequestsPerSecond = result.GetValue(rate) });
            await output.WriteLineAsync($"Sending the demo workload to {endpoint} (Ctrl+C to stop).");
            await workload.RunAsync(stop.Token);
            await output.WriteLineAsync($"Sent {workload.Transactions} transactions.");
            return 0;
        });
        return command;
    }

    private static Command ServicesCommand(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var since = SinceOption("1h");
        var command = new Command("services", "List the services seen recently, with span and error counts.");
        command.Options.Add(since);
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await GetJsonAsync(client, $"api/services?{WindowQuery(result.GetValue(since)!)}", ct);
            var table = new Table().AddColumns("Service", "Spans", "Server spans", "Errors");
            var services = doc.RootElement.GetProperty("services").EnumerateArray()
                .OrderByDescending(s => s.GetProperty("spanCount").GetInt64())
                .ThenBy(s => s.GetProperty("name").GetString(), StringComparer.Ordinal);
            foreach (var s in services)
            {
                table.AddRow(
                    Markup.Escape(s.GetProperty("name").GetString() ?? ""),
                    CliOutput.Count(s.GetProperty("spanCount").GetInt64()),
                    CliOutput.Count(s.GetProperty("serverSpanCount").GetInt64()),
                    CliOutput.Count(s.GetProperty("errorCount").GetInt64()));
            }

            CliOutput.Write(output, table, $"no services in the last {result.GetValue(since)}");
            return 0;
        });
        return command;
    }

    private static Command LogsCommand(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var logs = WithDefaultSubcommand(
            new Command("logs", "Log records: search them (the default), or group a raw log file's lines into templates."),
            "search", "Log records, newest first.", c => LogsSearch.Configure(c, url, apiKey, output));
        logs.Subcommands.Add(LogParseCommand.Create(output));
        return logs;
    }

    internal static IAnsiConsole Console(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });

        // Piped or captured output has no terminal width; wrapping cells at 80 columns would break lines for grep.
        if (!ReferenceEquals(output, System.Console.Out) || System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    /// <summary>The key given with --api-key, else $ARGUS_API_KEY.</summary>
    internal static string? KeyOrEnvironment(string? apiKey) =>
        string.IsNullOrWhiteSpace(apiKey) ? Environment.GetEnvironmentVariable("ARGUS_API_KEY") : apiKey;

    internal static HttpClient Client(string baseUrl, string? apiKey)
    {
        if (!Uri.TryCreate(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute, out var uri))
        {
            throw new CliException($"--url '{baseUrl}' is not an absolute URL.");
        }

        apiKey = KeyOrEnvironment(apiKey);
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new CliException("an API key is required: pass --api-key or set ARGUS_API_KEY.");
        }

        var client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    internal static Task<JsonDocument> GetJsonAsync(HttpClient client, string path, CancellationToken ct) =>
        SendJsonAsync(client, HttpMethod.Get, path, null, ct);

    /// <summary>Sends a request (with a JSON body when given) and returns the JSON answer; a problem becomes a one-line error.</summary>
    internal static async Task<JsonDocument> SendJsonAsync(HttpClient client, HttpMethod method, string path, string? json, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null)
            {
                request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            }

            response = await client.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach {client.BaseAddress}: {ex.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}: {ProblemDetail(body)}");
            }

            return JsonDocument.Parse(body);
        }
    }

    /// <summary>A problem answer as one line: its detail (or title) and every field error it lists.</summary>
    internal static string ProblemDetail(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                : root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                var fields = errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(v => $"{e.Name}: {v.GetString()}"));
                detail = string.Join(" ", new[] { detail }.Concat(fields).Where(x => !string.IsNullOrEmpty(x)));
            }

            if (!string.IsNullOrEmpty(detail))
            {
                return detail.ReplaceLineEndings(" ");
            }
        }
        catch (JsonException)
        {
            // Not JSON: show it as it is.
        }

        body = body.ReplaceLineEndings(" ");
        return body.Length > 200 ? body[..200] : body;
    }

    /// <summary>The query string of the window ending now and reaching <paramref name="since"/> back (<c>from=…&amp;to=…</c>, epoch ms).</summary>
    internal static string WindowQuery(string since)
    {
        var to = DateTimeOffset.UtcNow;
        var from = to - ParseSince(since);
        return $"from={from.ToUnixTimeMilliseconds()}&to={to.ToUnixTimeMilliseconds()}";
    }

    /// <summary>Appends <c>&amp;name=value</c> (escaped) when <paramref name="value"/> is given.</summary>
    internal static string AddParameter(string query, string name, string? value) =>
        value is null ? query : $"{query}&{name}={Uri.EscapeDataString(value)}";

    /// <summary>
    /// A command that does its default work itself (<c>argus traces</c>) and also as a named subcommand (<c>argus traces
    /// search</c>): <paramref name="configure"/> gives each its own options and action.
    /// </summary>
    internal static Command WithDefaultSubcommand(Command command, string name, string description, Action<Command> configure)
    {
        configure(command);
        var sub = new Command(name, description);
        configure(sub);
        command.Subcommands.Add(sub);
        return command;
    }

    /// <summary>
    /// <c>show &lt;id&gt; [--json]</c>: GETs <paramref name="path"/> + the id and prints it with <paramref name="describe"/>,
    /// or whole as JSON.
    /// </summary>
    internal static Command ShowCommand(
        string description, Argument<string> id, string jsonDescription, string path, Option<string> url, Option<string?> apiKey, TextWriter output,
        Action<TextWriter, JsonElement> describe)
    {
        var json = new Option<bool>("--json") { Description = jsonDescription };
        var show = new Command("show", description);
        show.Arguments.Add(id);
        show.Options.Add(json);
        show.SetAction(async (result, ct) =>
        {
            using var client = Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await GetJsonAsync(client, path + Uri.EscapeDataString(result.GetValue(id)!), ct);
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(output, doc.RootElement);
            }
            else
            {
                describe(output, doc.RootElement);
            }

            return 0;
        });
        return show;
    }

    /// <summary>The <c>--since</c> option of a command that lists a recent window.</summary>
    internal static Option<string> SinceOption(string defaultValue, string what = "How far back") =>
        new("--since") { Description = $"{what} (e.g. 15m, 1h, 1d).", DefaultValueFactory = _ => defaultValue };

    internal static TimeSpan ParseSince(string value) => ParseDuration(null, value);

    /// <summary>A positive duration in the API's grammar; anything else is a one-line error naming <paramref name="option"/>.</summary>
    internal static TimeSpan ParseDuration(string? option, string value) =>
        Argus.Core.Durations.TryParse(value, out var d) && d > TimeSpan.Zero
            ? d
            : throw new CliException($"{(option is null ? "" : option + " ")}'{value}' is not a duration; use e.g. 250ms, 30s, 15m, 1h, 2d, 1w or hh:mm:ss.");
}

/// <summary>A failure to report as one line, without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
