using System.Text.Json.Serialization;

namespace Argus.Analysis.Logs;

/// <summary>The persisted form of a <see cref="LogTemplateMiner"/>; templates are listed most recently used first.</summary>
internal sealed record LogMinerState(int Version, List<LogTemplateState> Templates);

/// <summary>One persisted template: its id, its words and its count.</summary>
internal sealed record LogTemplateState(ulong Id, string[] Tokens, long Count);

/// <summary>Source-generated JSON for the miner state (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LogMinerState))]
internal sealed partial class LogMinerJsonContext : JsonSerializerContext;
