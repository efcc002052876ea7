using System.Net;
using Argus.Cli;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests;

/// <summary>The <c>argus</c> command line against a running server and on files.</summary>
public sealed class CliTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ArgusCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Services_lists_what_the_server_holds_and_errors_are_one_line()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using (var r = await server.PostOtlpJsonAsync("traces", OtlpJson.Traces("billing-api",
                   [OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /invoices", 2, DateTimeOffset.UtcNow.AddMinutes(-2), 12, status: 2)])))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await ArgusTestServer.EventuallyAsync(() => server.GetJsonAsync("api/services"), s => s.GetProperty("services").GetArrayLength() == 1, "the span");
        var (code, output, error) = await RunAsync("services", "--url", server.ApiUrl.ToString(), "--api-key", ArgusTestServer.AdminKey);
        Assert.True(code == 0, error);
        Assert.Contains("billing-api", output);

        var wrongKey = await RunAsync("services", "--url", server.ApiUrl.ToString(), "--api-key", "nope-nope-nope-nope");
        Assert.Equal(1, wrongKey.Code);
        Assert.StartsWith("argus: 401", wrongKey.Error);
        Assert.Single(wrongKey.Error.Trim().Split('\n'));
        Assert.DoesNotContain("nope-nope", wrongKey.Error);

        var noKey = await RunAsync("services", "--url", server.ApiUrl.ToString(), "--api-key", "");
        Assert.Equal(1, noKey.Code);
        Assert.Contains("API key is required", noKey.Error);

        var badSince = await RunAsync("services", "--url", server.ApiUrl.ToString(), "--api-key", ArgusTestServer.AdminKey, "--since", "forever");
        Assert.Equal(1, badSince.Code);
        Assert.Contains("not a duration", badSince.Error);
    }

    [Fact]
    public async Task Logs_parse_writes_loghub_csv_for_a_raw_log_file()
    {
        var input = SharedData.PathOf("loghub-2k", "HDFS", "HDFS_2k.log");
        var output = Path.Combine(Path.GetTempPath(), $"argus-parse-{Guid.NewGuid():N}.csv");
        try
        {
            var (code, stdout, error) = await RunAsync("logs", "parse", "--input", input, "--format", "<Date> <Time> <Pid> <Level> <Component>: <Content>", "--output", output);
            Assert.True(code == 0, error);
            Assert.Contains("2000 lines", stdout);
            var lines = await File.ReadAllLinesAsync(output);
            Assert.Equal("LineId,EventId,EventTemplate", lines[0]);
            Assert.Equal(2001, lines.Length);
            Assert.StartsWith("1,", lines[1]);
            Assert.Contains(lines, l => l.Contains("<*>", StringComparison.Ordinal));
            var templates = lines.Skip(1).Select(l => l.Split(',')[1]).Distinct().Count();
            Assert.InRange(templates, 5, 100);

            var missing = await RunAsync("logs", "parse", "--input", "/nonexistent/file.log", "--output", output);
            Assert.Equal(1, missing.Code);
            Assert.Contains("does not exist", missing.Error);

            var usage = await RunAsync("logs", "parse", "--output", output);
            Assert.Equal(2, usage.Code);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
