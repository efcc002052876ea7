using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Operations.Alerting;

namespace Argus.Operations;

/// <summary>Source-generated JSON for the use cases' records (rules, alerts), shared by the API, YAML files and the store.</summary>
// Durations read in Argus's one grammar (30s, 10m, 1h, 2d, 1w or hh:mm:ss) and are written as hh:mm:ss.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(Argus.Core.DurationJsonConverter)])]
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
