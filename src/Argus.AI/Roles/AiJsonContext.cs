using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.AI.Roles;

/// <summary>Source-generated JSON for role definitions as stored and as loaded from YAML.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(RoleDefinition))]
[JsonSerializable(typeof(RoleParameters))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AiJsonContext : JsonSerializerContext;
