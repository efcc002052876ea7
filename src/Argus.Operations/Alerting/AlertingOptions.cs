namespace Argus.Operations.Alerting;

/// <summary>Alerting and incident-report settings, bound from <c>Argus:Alerting</c>.</summary>
public sealed class AlertingOptions : IStartupValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Argus:Alerting";

    /// <summary>Whether the evaluator runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the evaluator looks for due rules. Default 1 s (a rule runs at its own <c>evaluateEvery</c>).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Folder of <c>*.yaml</c> rule files loaded at start-up (relative to the working folder). Default <c>alert-rules</c>.</summary>
    public string RulesPath { get; set; } = "alert-rules";

    /// <summary>The report language when neither the rule nor the tenant sets one: <c>en</c> or <c>ko</c>. Default <c>en</c>.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Incident reports waiting to be written; further firings are recorded without a report. Default 100.</summary>
    public int ReportQueueCapacity { get; set; } = 100;

    /// <summary>Rules per tenant. Default 500.</summary>
    public int MaxRulesPerTenant { get; set; } = 500;

    /// <summary>The product name in the classic alert text's first line. Default <c>ARGUS-APM</c>.</summary>
    public string Product { get; set; } = "ARGUS-APM";

    /// <summary>Every problem of the options, as start-up messages.</summary>
    public IEnumerable<string> Validate()
    {
        if (TickInterval < TimeSpan.FromMilliseconds(100) || TickInterval > TimeSpan.FromMinutes(1))
        {
            yield return "Argus:Alerting:TickInterval must be between 00:00:00.1 and 00:01:00.";
        }

        if (string.IsNullOrWhiteSpace(RulesPath))
        {
            yield return "Argus:Alerting:RulesPath must not be empty.";
        }

        if (!AlertRuleValidator.Languages.Contains(DefaultLanguage))
        {
            yield return $"Argus:Alerting:DefaultLanguage must be one of {string.Join(", ", AlertRuleValidator.Languages)}.";
        }

        if (ReportQueueCapacity is < 1 or > 100_000)
        {
            yield return "Argus:Alerting:ReportQueueCapacity must be between 1 and 100000.";
        }

        if (MaxRulesPerTenant is < 1 or > 100_000)
        {
            yield return "Argus:Alerting:MaxRulesPerTenant must be between 1 and 100000.";
        }
    }
}
