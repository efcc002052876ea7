using System.Text.Json;
using Argus.AI.Roles;
using Argus.AI.Schema;

namespace Argus.AI.Tests.Schema;

public sealed class JsonSchemaSubsetTests
{
    private static readonly JsonElement Report = JsonDocument.Parse(BuiltInRoles.ApplicationHealthReportSchema).RootElement;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void The_change_tracker_schema_is_a_valid_strict_schema() => Assert.Empty(JsonSchemaSubset.CheckSchema(Report, strict: true));

    [Fact]
    public void A_valid_report_passes()
    {
        var report = Json("""{"applications":[{"name":"a","applicationId":1,"state":"UNSTABLE","metric":["ALERT","ISSUE"],"comment":"x"}],"state":"UNSTABLE","comment":"y"}""");
        Assert.Empty(JsonSchemaSubset.Validate(Report, report));
    }

    [Fact]
    public void Every_violation_is_reported_with_its_path()
    {
        var report = Json("""{"applications":[{"name":"a","applicationId":"1","state":"GREAT","metric":["CPU"],"extra":true}],"state":"STABLE"}""");
        var errors = JsonSchemaSubset.Validate(Report, report);
        Assert.Contains(errors, e => e.StartsWith("$.applications[0].applicationId: expected number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.applications[0].state:", StringComparison.Ordinal) && e.Contains("GREAT", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.applications[0].metric[0]:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'comment' is missing", StringComparison.Ordinal) && e.StartsWith("$.applications[0]", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'extra' is not allowed", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "$: the required property 'comment' is missing.");
    }

    [Theory]
    [InlineData("""{"type":"string","minLength":2,"maxLength":3}""", "\"a\"", false)]
    [InlineData("""{"type":"string","pattern":"^[a-z]+$"}""", "\"abc\"", true)]
    [InlineData("""{"type":"integer","minimum":1,"maximum":5}""", "5", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"type":"number","exclusiveMaximum":5}""", "5", false)]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"null"}]}""", "null", true)]
    [InlineData("""{"const":"x"}""", "\"y\"", false)]
    [InlineData("""{"type":"array","items":{"type":"number"},"minItems":1}""", "[]", false)]
    [InlineData("""{"$defs":{"n":{"type":"number"}},"type":"object","properties":{"a":{"$ref":"#/$defs/n"}}}""", """{"a":"x"}""", false)]
    public void Keywords_of_the_subset_are_enforced(string schema, string instance, bool valid) =>
        Assert.Equal(valid, JsonSchemaSubset.Validate(Json(schema), Json(instance)).Count == 0);

    [Fact]
    public void Broken_schemas_are_reported_all_at_once()
    {
        var problems = JsonSchemaSubset.CheckSchema(Json("""{"type":"obj","properties":{"a":{"type":"string","pattern":"("}},"required":["b"],"oneOf":[]}"""), strict: true);
        Assert.Contains(problems, p => p.Contains("'obj' is not a JSON Schema type", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'b' is required but not among the properties", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'oneOf' is not supported", StringComparison.Ordinal));
    }
}
