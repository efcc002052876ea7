using Argus.Analysis.Reports;

namespace Argus.Analysis.Tests.Reports;

public sealed class AlertTextTests
{
    [Fact]
    public void The_classic_header_has_the_exact_shape()
    {
        var text = AlertText.Render(IncidentReportWriterTests.Alert());

        Assert.Equal(
            """
            [ARGUS-APM]
            Phase: PRODUCTION
            TEST-API(TEST-PROJECT)
            Rule Name: SlowSQL
            [SQL Response time >= 8000 ms] occurred 1 times.
            [2025-06-17 14:03 ~ 2025-06-17 14:13]
            [prod-test-api-pod-6945c568-2ghw8: 1 times]
            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Without_a_project_the_service_stands_alone_and_every_instance_has_a_line()
    {
        var alert = IncidentReportWriterTests.Alert() with
        {
            Project = null,
            Occurrences = 5,
            Instances = [new AlertInstanceCount("pod-a", 3), new AlertInstanceCount("pod-b", 2)],
        };

        var lines = AlertText.Render(alert, "ARGUS").Split('\n');

        Assert.Equal("[ARGUS]", lines[0]);
        Assert.Equal("TEST-API", lines[2]);
        Assert.Equal("[SQL Response time >= 8000 ms] occurred 5 times.", lines[4]);
        Assert.Equal(["[pod-a: 3 times]", "[pod-b: 2 times]"], lines[6..]);
    }
}
