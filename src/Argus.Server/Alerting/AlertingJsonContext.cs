using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Operations.Alerting;
using Argus.Operations.IncidentReports;

namespace Argus.Server.Alerting;

/// <summary>Source-generated JSON for the alerting API's wire types (appended to the API's resolver chain).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(Argus.Core.DurationJsonConverter)])]
[JsonSerializable(typeof(AlertRuleResponse))]
[JsonSerializable(typeof(AlertRuleListResponse))]
[JsonSerializable(typeof(AlertListResponse))]
[JsonSerializable(typeof(AlertRecord))]
[JsonSerializable(typeof(MuteRequest))]
[JsonSerializable(typeof(EvaluationResponse))]
[JsonSerializable(typeof(IncidentListResponse))]
[JsonSerializable(typeof(Incident))]
[JsonSerializable(typeof(AlertmanagerPayload))]
[JsonSerializable(typeof(ExternalAlertsResult))]
[JsonSerializable(typeof(IncidentSettings))]
internal sealed partial class AlertingJsonContext : JsonSerializerContext
{
}
