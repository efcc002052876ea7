namespace Argus.Server.Ai;

/// <summary>The server side of the gateway's log messages; event ids 4100-4199.</summary>
internal static partial class AiLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Loaded role '{Code}' from {Path}.")]
    public static partial void YamlRoleLoaded(ILogger logger, string code, string path);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "The role file {Path} is not used: {Problems}")]
    public static partial void YamlRoleInvalid(ILogger logger, string path, string problems);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Created the missing control-plane tables {Tables}.")]
    public static partial void TablesCreated(ILogger logger, string tables);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Writing {Count} LLM call records to the telemetry store failed.")]
    public static partial void CallLogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Role '{Code}' of tenant {Tenant} saved as version {Version} by {Author}.")]
    public static partial void RoleSaved(ILogger logger, string code, string tenant, int version, string author);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Role '{Code}' of tenant {Tenant}: label '{Label}' now points at version {Version} ({Author}).")]
    public static partial void LabelMoved(ILogger logger, string code, string tenant, string label, int version, string author);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Provider '{Name}' of tenant {Tenant} {Action} by {Author}.")]
    public static partial void ProviderChanged(ILogger logger, string name, string tenant, string action, string author);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Error, Message = "The secrets of provider '{Name}' of tenant {Tenant} cannot be decrypted (was the key ring under the data folder's 'keys' replaced?); set its API key again.")]
    public static partial void ProviderSecretsUnreadable(ILogger logger, string name, string tenant);
}
