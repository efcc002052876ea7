using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Operations.Alerting;

namespace Argus.Operations;

/// <summary>Source-generated JSON for the use cases' records (rules, alerts), shared by the API, YAML files and the store.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertRule))]
[JsonSerializable(typeof(AlertRecord))]
[JsonSerializable(typeof(List<AlertRule>))]
[JsonSerializable(typeof(List<AlertRecord>))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(IncidentReports.Incident))]
[JsonSerializable(typeof(List<IncidentReports.Incident>))]
public sealed partial class OperationsJsonContext : JsonSerializerContext
{
}
