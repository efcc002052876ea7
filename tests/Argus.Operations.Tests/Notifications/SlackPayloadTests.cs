using System.Text.Json.Nodes;
using Argus.Operations.Notifications;

namespace Argus.Operations.Tests.Notifications;

public sealed class SlackPayloadTests
{
    private static readonly NotificationMessage Report = new(NotificationEvents.IncidentReport, "checkout p95 latency above 800 ms", "critical", "full text")
    {
        Sections =
        [
            new("What happened", "p95 went from 120 ms to 950 ms at 10:02."),
            new("Why", "SELECT * FROM orders WHERE id < 5 & status > 'x' is slow."),
            new("Impact", "12% of checkouts failed."),
            new("What to do", "Add an index on orders(status)."),
        ],
        Link = new Uri("https://argus.example.com/incidents/42"),
    };

    [Fact]
    public void A_report_is_a_header_one_section_per_part_and_a_context()
    {
        var payload = SlackPayload.Build(Report);
        var blocks = payload["blocks"]!.AsArray();

        Assert.Equal("[critical] checkout p95 latency above 800 ms", payload["text"]!.GetValue<string>());
        Assert.Equal(6, blocks.Count);
        Assert.Equal("header", Type(blocks[0]));
        Assert.Equal("plain_text", blocks[0]!["text"]!["type"]!.GetValue<string>());
        Assert.Equal(Report.Title, blocks[0]!["text"]!["text"]!.GetValue<string>());
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("section", Type(blocks[i + 1]));
            Assert.Equal("mrkdwn", blocks[i + 1]!["text"]!["type"]!.GetValue<string>());
            Assert.StartsWith($"*{Report.Sections[i].Title}*\n", blocks[i + 1]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // mrkdwn control characters are escaped, so a SQL statement cannot turn into a link or a mention.
        Assert.Contains("id &lt; 5 &amp; status &gt; 'x'", blocks[2]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("context", Type(blocks[5]));
        var context = blocks[5]!["elements"]![0]!["text"]!.GetValue<string>();
        Assert.Contains("*critical*", context, StringComparison.Ordinal);
        Assert.Contains("<https://argus.example.com/incidents/42|Open in Argus>", context, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_sections_are_split_and_many_sections_are_cut_at_fifty_blocks()
    {
        var lines = string.Join("\n", Enumerable.Range(0, 400).Select(i => $"line {i:D4} of a long finding list"));
        var many = Report with { Title = new string('t', 400), Sections = [new("Findings", lines), .. Enumerable.Range(0, 80).Select(i => new NotificationSection($"Part {i}", "body"))] };

        var blocks = SlackPayload.Build(many)["blocks"]!.AsArray();

        Assert.Equal(SlackPayload.MaxBlocks, blocks.Count);
        Assert.True(blocks[0]!["text"]!["text"]!.GetValue<string>().Length <= SlackPayload.MaxHeaderText);
        var sections = blocks.Where(b => Type(b) == "section").Select(b => b!["text"]!["text"]!.GetValue<string>()).ToList();
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackPayload.MaxSectionText));

        // The long section went into several blocks, split at line ends, losing no line.
        var findings = string.Join("\n", sections.TakeWhile(s => !s.StartsWith("*Part", StringComparison.Ordinal)));
        Assert.True(sections.Count(s => s.Contains("line ", StringComparison.Ordinal)) > 1);
        Assert.Contains("line 0399 of a long finding list", findings, StringComparison.Ordinal);
        Assert.Equal(400, findings.Split('\n').Count(l => l.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Contains("more part(s)", sections[^1], StringComparison.Ordinal);
        Assert.Equal("context", Type(blocks[^1]));
    }

    [Fact]
    public void Without_sections_the_plain_text_is_the_body()
    {
        var blocks = SlackPayload.Build(new NotificationMessage(NotificationEvents.AlertFiring, "cpu high", "warning", "cpu at 97% on web-1"))["blocks"]!.AsArray();

        Assert.Equal(["header", "section", "context"], blocks.Select(Type));
        Assert.Equal("cpu at 97% on web-1", blocks[1]!["text"]!["text"]!.GetValue<string>());
    }

    private static string Type(JsonNode? block) => block!["type"]!.GetValue<string>();
}
