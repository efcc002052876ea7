using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Core.Telemetry;
using Microsoft.AspNetCore.Mvc;

namespace Argus.Server.Api;

/// <summary>Source-generated JSON for every type the API writes or reads.</summary>
// Durations read in Argus's one grammar (30s, 10m, 1h, 2d, 1w or hh:mm:ss) and are written as hh:mm:ss.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(Argus.Core.DurationJsonConverter)])]
[JsonSerializable(typeof(ServicesResponse))]
[JsonSerializable(typeof(RedResponse))]
[JsonSerializable(typeof(TraceListResponse))]
[JsonSerializable(typeof(TraceResponse))]
[JsonSerializable(typeof(SqlResponse))]
[JsonSerializable(typeof(LogsResponse))]
[JsonSerializable(typeof(LogLevelsResponse))]
[JsonSerializable(typeof(MetricsResponse))]
[JsonSerializable(typeof(MetricSeriesResponse))]
[JsonSerializable(typeof(MetricAttributesResponse))]
[JsonSerializable(typeof(ServiceCallsResponse))]
[JsonSerializable(typeof(ServiceErrorsResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(CreatedKeyResponse))]
[JsonSerializable(typeof(TenantResponse))]
[JsonSerializable(typeof(IReadOnlyList<KeyItem>))]
[JsonSerializable(typeof(Argus.Server.Issues.IssuesResponse))]
[JsonSerializable(typeof(Argus.Server.Issues.IssueDetailResponse))]
[JsonSerializable(typeof(Argus.Server.Ai.MaskPreviewRequest))]
[JsonSerializable(typeof(Argus.Server.Ai.MaskPreviewResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(MetricKind))]
[JsonSerializable(typeof(Argus.Server.Ai.RoleResponse))]
[JsonSerializable(typeof(Argus.Server.Ai.RoleListResponse))]
[JsonSerializable(typeof(Argus.Server.Ai.RoleVersionsResponse))]
[JsonSerializable(typeof(Argus.Server.Ai.SetLabelRequest))]
[JsonSerializable(typeof(Argus.Server.Ai.RoleChatRequest))]
[JsonSerializable(typeof(Argus.Server.Ai.RoleChatResponse))]
[JsonSerializable(typeof(Argus.Server.Ai.ChatDeltaEvent))]
[JsonSerializable(typeof(Argus.Server.Ai.ProvidersResponse))]
[JsonSerializable(typeof(Argus.AI.Providers.ProviderInfo))]
[JsonSerializable(typeof(Argus.Server.Ai.ProviderWriteRequest))]
[JsonSerializable(typeof(Argus.Server.Ai.LlmCallsResponse))]
[JsonSerializable(typeof(Argus.Server.Ai.LlmUsageResponse))]
[JsonSerializable(typeof(Argus.Server.Notifications.ChannelRequest))]
[JsonSerializable(typeof(Argus.Server.Notifications.ChannelResponse))]
[JsonSerializable(typeof(Argus.Server.Notifications.ChannelListResponse))]
[JsonSerializable(typeof(Argus.Server.Notifications.DeliveriesResponse))]
[JsonSerializable(typeof(Argus.Server.Notifications.ChannelTestResponse))]
internal sealed partial class ArgusJsonContext : JsonSerializerContext;
