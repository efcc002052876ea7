using Microsoft.Extensions.Options;

namespace Argus.Server.Configuration;

/// <summary>Checks the <c>Argus</c> section as a whole and lists every problem at once, naming the setting to fix.</summary>
internal sealed class ValidateArgusOptions : IValidateOptions<ArgusOptions>
{
    public ValidateOptionsResult Validate(string? name, ArgusOptions options)
    {
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            errors.Add("Argus:DataPath is empty; set it to the folder where Argus keeps its data (default 'data').");
        }
        else if (options.DataPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"Argus:DataPath '{options.DataPath}' is not a valid path.");
        }

        if (options.BootstrapApiKey is { } key && Tenancy.ApiKeys.Weakness(key) is { } weakness)
        {
            errors.Add($"Argus:BootstrapApiKey {weakness} (or leave it unset, to have one generated).");
        }

        if (!string.IsNullOrEmpty(options.PublicUrl)
            && !(Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var publicUrl) && publicUrl.Scheme is "http" or "https" && publicUrl.Query.Length == 0 && publicUrl.Fragment.Length == 0))
        {
            errors.Add($"Argus:PublicUrl '{options.PublicUrl}' must be an absolute http or https address without query or fragment (e.g. https://argus.example.com).");
        }

        var retention = options.Retention;
        if (retention.MaxAge <= TimeSpan.Zero)
        {
            errors.Add($"Argus:Retention:MaxAge must be positive (it is {retention.MaxAge}).");
        }

        if (retention.MaxSizeBytes < 0)
        {
            errors.Add("Argus:Retention:MaxSizeBytes must be 0 (no limit) or positive.");
        }

        if (retention.MaxLlmCalls < 0)
        {
            errors.Add("Argus:Retention:MaxLlmCalls must be 0 (no limit) or positive.");
        }

        if (retention.Interval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Argus:Retention:Interval must be at least one second (it is {retention.Interval}).");
        }

        if (options.Storage.MemoryLimitMegabytes < 0 || options.Storage.Threads < 0)
        {
            errors.Add("Argus:Storage:MemoryLimitMegabytes and Argus:Storage:Threads must be 0 or more.");
        }

        if (options.Api.MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"Argus:Api:MaxRequestBodyBytes must be from 1024 to 1073741824 (1 GiB) (it is {options.Api.MaxRequestBodyBytes}).");
        }

        if (options.Api.MaxIntegrationBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"Argus:Api:MaxIntegrationBodyBytes must be from 1024 to 1073741824 (1 GiB) (it is {options.Api.MaxIntegrationBodyBytes}).");
        }

        var ingest = options.Ingest;
        if (ingest.QueueCapacityRecords < 1)
        {
            errors.Add("Argus:Ingest:QueueCapacityRecords must be positive.");
        }

        if (ingest.Writers is < 1 or > 16)
        {
            errors.Add($"Argus:Ingest:Writers must be between 1 and 16 (it is {ingest.Writers}).");
        }

        if (ingest.WriteBatchRecords < 1)
        {
            errors.Add("Argus:Ingest:WriteBatchRecords must be positive.");
        }

        if (ingest.RetryAfterSeconds is < 1 or > 300)
        {
            errors.Add("Argus:Ingest:RetryAfterSeconds must be between 1 and 300.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
