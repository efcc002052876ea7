using Microsoft.Extensions.Options;

namespace Argus.Operations.Notifications;

/// <summary>Limits of notification delivery; the server binds them from <c>Argus:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Argus:Notifications";

    /// <summary>Deliveries waiting to be sent; when full, new ones are dropped (and logged as such). Default 1,000.</summary>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>Deliveries sent at the same time, so that one slow endpoint does not hold up the others. Default 4.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 4;

    /// <summary>Attempts per delivery, the first included. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the first retry; it doubles per retry, with jitter. Default 2 seconds.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between attempts, also the cap on an endpoint's <c>Retry-After</c>. Default 1 minute.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one attempt (connect, send, answer) may take. Default 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delivery-log records older than this are deleted. Default 30 days.</summary>
    public TimeSpan DeliveryLogRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Checks <see cref="NotificationOptions"/> as a whole and lists every problem, naming the setting.</summary>
public sealed class ValidateNotificationOptions : IValidateOptions<NotificationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        const string P = NotificationOptions.SectionName;
        var errors = new List<string>();
        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"{P}:QueueCapacity must be between 1 and 1000000 (it is {options.QueueCapacity}).");
        }

        if (options.MaxConcurrentDeliveries is < 1 or > 64)
        {
            errors.Add($"{P}:MaxConcurrentDeliveries must be between 1 and 64 (it is {options.MaxConcurrentDeliveries}).");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            errors.Add($"{P}:MaxAttempts must be between 1 and 20 (it is {options.MaxAttempts}).");
        }

        if (options.BaseDelay < TimeSpan.Zero || options.BaseDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"{P}:BaseDelay must be between 00:00:00 and 01:00:00 (it is {options.BaseDelay}).");
        }

        if (options.MaxDelay < options.BaseDelay || options.MaxDelay > TimeSpan.FromDays(1))
        {
            errors.Add($"{P}:MaxDelay must be at least BaseDelay and at most one day (it is {options.MaxDelay}).");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromDays(1))
        {
            errors.Add($"{P}:AttemptTimeout must be between 10 ms and one day (it is {options.AttemptTimeout}).");
        }

        if (options.DeliveryLogRetention < TimeSpan.FromHours(1))
        {
            errors.Add($"{P}:DeliveryLogRetention must be at least one hour (it is {options.DeliveryLogRetention}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
