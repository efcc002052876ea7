using System.Text.Json.Serialization;
using Argus.Analysis.Findings;
using Argus.Analysis.Profiles;

namespace Argus.Analysis.Reports;

/// <summary>
/// Source-generated JSON for profiles, findings and reports: camelCase, enums as strings, findings with a <c>kind</c>
/// discriminator. Constructor parameters are required when reading, so a report missing a field is rejected rather
/// than read as empty; nulls are written, so everything written reads back.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(TransactionProfile))]
[JsonSerializable(typeof(Finding))]
[JsonSerializable(typeof(IReadOnlyList<Finding>))]
[JsonSerializable(typeof(IncidentReportContent))]
[JsonSerializable(typeof(AlertSubject))]
public sealed partial class AnalysisJsonContext : JsonSerializerContext;
