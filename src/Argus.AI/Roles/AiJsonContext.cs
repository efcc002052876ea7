using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.AI.Roles;

/// <summary>Source-generated JSON for role definitions as stored, as loaded from YAML and as the API takes them.</summary>
// Durations (rateLimit.interval, rateLimit.tenantWindow) read in Argus's one grammar and are written as hh:mm:ss, as stored before.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip,
    Converters = [typeof(Argus.Core.DurationJsonConverter)])]
[JsonSerializable(typeof(RoleDefinition))]
[JsonSerializable(typeof(RoleParameters))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AiJsonContext : JsonSerializerContext;
