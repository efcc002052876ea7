using Microsoft.Extensions.Options;

namespace Argus.Otlp;

/// <summary>Checks all limits at start-up, so a typo in configuration stops the server with a clear message instead of at the first request.</summary>
internal sealed class OtlpOptionsValidator : IValidateOptions<OtlpOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(OtlpOptions.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024, 1024 * 1024 * 1024);
        Check(failures, nameof(OtlpOptions.MaxRecordsPerRequest), options.MaxRecordsPerRequest, 1, 10_000_000);
        Check(failures, nameof(OtlpOptions.MaxAttributesPerRecord), options.MaxAttributesPerRecord, 1, 65_536);
        Check(failures, nameof(OtlpOptions.MaxAttributeValueLength), options.MaxAttributeValueLength, 16, 1024 * 1024);
        Check(failures, nameof(OtlpOptions.MaxEventsPerSpan), options.MaxEventsPerSpan, 0, 65_536);
        Check(failures, nameof(OtlpOptions.MaxBucketsPerDataPoint), options.MaxBucketsPerDataPoint, 1, 65_536);
        Check(failures, nameof(OtlpOptions.MinBytesPerMessage), options.MinBytesPerMessage, 1, 1024);
        Check(failures, nameof(OtlpOptions.MaxConcurrentDecodes), options.MaxConcurrentDecodes, 1, 1024);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string property, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{OtlpOptions.SectionName}:{property} is {value}; it must be between {min} and {max}.");
        }
    }
}
