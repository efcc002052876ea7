using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus traces [search]</c> and <c>argus traces show &lt;traceId&gt;</c>: find traces, and one trace's waterfall.</summary>
internal static class TracesCommand
{
    private const int BarWidth = 40;

    public static Command Create(Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var traces = ArgusCli.WithDefaultSubcommand(
            new Command("traces", "Traces: search them (the default), or show one as a waterfall."),
            "search", "Traces, newest first, each described by its root span.", c => ConfigureSearch(c, url, apiKey, output));
        traces.Subcommands.Add(Show(url, apiKey, output));
        return traces;
    }

    private static void ConfigureSearch(Command command, Option<string> url, Option<string?> apiKey, TextWriter output)
    {
        var service = new Option<string?>("--service") { Description = "Only traces with a span of this service." };
        var operation = new Option<string?>("--operation") { Description = "Only traces with a span of this name (e.g. 'GET /api/orders')." };
        var minDuration = new Option<string?>("--min-duration") { Description = "Only traces at least this long (e.g. 250ms, 1s)." };
        var status = new Option<string?>("--status") { Description = "Only traces whose root span has this status: unset, ok or error." };
        status.AcceptOnlyFromAmong("unset", "ok", "error");
        var since = ArgusCli.SinceOption("1h");
        var limit = new Option<int>("--limit") { Description = "How many traces.", DefaultValueFactory = _ => 20 };
        foreach (var option in new Option[] { service, operation, minDuration, status, since, limit })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, ct) =>
        {
            var query = $"api/traces?{ArgusCli.WindowQuery(result.GetValue(since)!)}&limit={result.GetValue(limit)}";
            query = ArgusCli.AddParameter(query, "service", result.GetValue(service));
            query = ArgusCli.AddParameter(query, "operation", result.GetValue(operation));
            query = ArgusCli.AddParameter(query, "status", result.GetValue(status));
            if (result.GetValue(minDuration) is { } min)
            {
                var ms = ArgusCli.ParseDuration("--min-duration", min).TotalMilliseconds;
                query = ArgusCli.AddParameter(query, "minDurationMs", ms.ToString(CultureInfo.InvariantCulture));
            }

            using var client = ArgusCli.Client(result.GetValue(url)!, result.GetValue(apiKey));
            using var doc = await ArgusCli.GetJsonAsync(client, query, ct);
            var table = new Table().AddColumns("Trace", "Start (UTC)", "Root service", "Root span", "Duration (ms)", "Spans", "Errors");
            foreach (var trace in CliOutput.NewestFirst(doc.RootElement.GetProperty("traces"), "start"))
            {
                table.AddRow(
                    trace.GetProperty("traceId").GetString()!,
                    CliOutput.Time(trace.GetProperty("start")),
                    CliOutput.Cell(trace.GetProperty("rootService").GetString()),
                    CliOutput.Cell(trace.GetProperty("rootName").GetString()),
                    CliOutput.Milliseconds(trace.GetProperty("durationMs").GetDouble()),
                    CliOutput.Count(trace.GetProperty("spanCount").GetInt32()),
                    CliOutput.Count(trace.GetProperty("errorCount").GetInt32()));
            }

            CliOutput.Write(output, table, $"no traces in the last {result.GetValue(since)}");
            return 0;
        });
    }

    private static Command Show(Option<string> url, Option<string?> apiKey, TextWriter output) => ArgusCli.ShowCommand(
        "One trace as a waterfall: each span indented under its parent, with its start and duration.",
        new Argument<string>("traceId") { Description = "The trace id (32 hexadecimal characters)." },
        "Print the whole trace as JSON (spans, SQL, external calls, exceptions).",
        "api/traces/", url, apiKey, output, Waterfall);

    private static void Waterfall(TextWriter output, JsonElement trace)
    {
        var total = trace.GetProperty("durationMs").GetDouble();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trace {trace.GetProperty("traceId").GetString()} at {CliOutput.Time(trace.GetProperty("start"))} UTC: {CliOutput.Milliseconds(total)} ms, {trace.GetProperty("spanCount").GetInt32()} spans, services {string.Join(", ", trace.GetProperty("services").EnumerateArray().Select(s => s.GetString()))}"));

        // The API lists the spans depth first in display order, with depth for the indentation: no tree to rebuild.
        var table = new Table().AddColumns("#", "Span", "Service", "Start (ms)", "Duration (ms)", "Status", "Waterfall");
        foreach (var span in trace.GetProperty("spans").EnumerateArray())
        {
            var offset = span.GetProperty("startOffsetMs").GetDouble();
            var duration = span.GetProperty("durationMs").GetDouble();
            table.AddRow(
                (span.GetProperty("index").GetInt32() + 1).ToString(CultureInfo.InvariantCulture),
                new string(' ', 2 * span.GetProperty("depth").GetInt32()) + CliOutput.Cell(span.GetProperty("name").GetString(), 80),
                CliOutput.Cell(span.GetProperty("service").GetString()),
                CliOutput.Milliseconds(offset),
                CliOutput.Milliseconds(duration),
                span.GetProperty("status").GetString() ?? "",
                Bar(offset, duration, total));
        }

        CliOutput.Write(output, table, "no spans");
        if (trace.GetProperty("omittedSpanCount").GetInt32() is > 0 and var omitted)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{omitted} more spans not shown (the API lists at most maxSpans)."));
        }
    }

    /// <summary>The span's place on the trace's time line, <see cref="BarWidth"/> characters wide.</summary>
    private static string Bar(double offset, double duration, double total)
    {
        if (total <= 0)
        {
            return new string('#', 1);
        }

        var start = Math.Clamp((int)Math.Floor(offset / total * BarWidth), 0, BarWidth - 1);
        var length = Math.Clamp((int)Math.Round(duration / total * BarWidth), 1, BarWidth - start);
        return new StringBuilder().Append('.', start).Append('#', length).Append('.', BarWidth - start - length).ToString();
    }
}
