using System.Text.Json;
using Argus.AI.Roles;
using Argus.Analysis.Reports;

namespace Argus.Operations.Tests.IncidentReports;

/// <summary>The alert-analyzer role's schema and the report record the analysis writes describe the same object.</summary>
public sealed class IncidentReportSchemaTests
{
    [Fact]
    public void The_role_schema_is_strict_compatible_with_three_points_at_most()
    {
        var role = BuiltInRoles.All.Single(r => r.Code == BuiltInRoles.AlertAnalyzer);
        Assert.Equal(IncidentReportFormat.Name, role.ResponseFormat.Name);
        Assert.True(role.ResponseFormat.Strict);
        using var schema = JsonDocument.Parse(BuiltInRoles.IncidentReportSchema);
        var root = schema.RootElement;
        Assert.Equal("object", root.GetProperty("type").GetString());
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        var properties = root.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(properties, root.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        foreach (var list in new[] { "profileAnalysis", "actionPlan" })
        {
            var p = root.GetProperty("properties").GetProperty(list);
            Assert.Equal("array", p.GetProperty("type").GetString());
            Assert.Equal(IncidentReportFormat.MaxPoints, p.GetProperty("maxItems").GetInt32());
        }
    }

    [Fact]
    public void The_writers_json_has_exactly_the_schema_properties()
    {
        var subject = new AlertSubject("SlowSQL", AlertKinds.SlowSql, "test-api", "PRODUCTION", "SQL Response time >= 8000 ms",
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(10), 1, [new AlertInstanceCount("pod-1", 1)]);
        var report = IncidentReportWriter.Write(subject, null, [], "en");
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, AnalysisJsonContext.Default.IncidentReportContent));
        using var schema = JsonDocument.Parse(BuiltInRoles.IncidentReportSchema);
        Assert.Equal(
            schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name),
            json.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
