using Argus.Core.Telemetry;

namespace Argus.Operations.Alerting;

/// <summary>Checks a rule as a whole and lists every problem, keyed by the JSON field at fault.</summary>
public static class AlertRuleValidator
{
    /// <summary>The report languages Argus writes.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "ko"];

    private static readonly double[] Percentiles = [50, 90, 95, 99];

    /// <summary>Every problem of the rule; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!problems.TryGetValue(field, out var list))
            {
                problems[field] = list = [];
            }

            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            Add("name", "'name' is required.");
        }
        else if (rule.Name.Length > 100 || !rule.Name.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.'))
        {
            Add("name", "'name' must be at most 100 letters, digits, spaces, '-', '_' or '.'.");
        }

        switch (rule.Kind)
        {
            case AlertRuleKind.SlowSql or AlertRuleKind.DbConnectionWait or AlertRuleKind.ExternalDelay or AlertRuleKind.Latency:
                if (rule.ThresholdMs is not > 0)
                {
                    Add("thresholdMs", $"'thresholdMs' must be a positive number of milliseconds for {rule.KindName} rules.");
                }

                break;
            case AlertRuleKind.ExcessiveSql or AlertRuleKind.ExcessiveRows or AlertRuleKind.LogCount:
                if (rule.Threshold is not >= 1)
                {
                    Add("threshold", $"'threshold' must be a count of at least 1 for {rule.KindName} rules.");
                }

                break;
            case AlertRuleKind.ErrorRate:
                if (rule.Threshold is not (> 0 and <= 100))
                {
                    Add("threshold", "'threshold' must be an error rate in percent, above 0 and at most 100.");
                }

                break;
        }

        if (rule.Kind is AlertRuleKind.ErrorRate or AlertRuleKind.Latency && string.IsNullOrWhiteSpace(rule.Service))
        {
            Add("service", $"'service' is required for {rule.KindName} rules.");
        }

        if (rule.Kind is AlertRuleKind.Latency && !Percentiles.Contains(rule.Percentile))
        {
            Add("percentile", "'percentile' must be 50, 90, 95 or 99.");
        }

        if (rule.Kind is AlertRuleKind.LogCount && (rule.LogLevel is null || SeverityLevels.MinNumberOf(rule.LogLevel) is null))
        {
            Add("logLevel", "'logLevel' must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL.");
        }

        if (rule.MinOccurrences < 1)
        {
            Add("minOccurrences", "'minOccurrences' must be at least 1.");
        }

        Within("window", rule.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Within("evaluateEvery", rule.EvaluateEvery, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Within("pendingFor", rule.PendingFor, TimeSpan.Zero, TimeSpan.FromDays(1));
        Within("coolDown", rule.CoolDown, TimeSpan.Zero, TimeSpan.FromDays(7));
        if (rule.Language is not null && !Languages.Contains(rule.Language))
        {
            Add("language", $"'language' must be one of {string.Join(", ", Languages)}.");
        }

        if (rule.Channels is null)
        {
            Add("channels", "'channels' must be a list of channel names (empty for every channel).");
        }
        else if (rule.Channels.Any(string.IsNullOrWhiteSpace))
        {
            Add("channels", "channel names must not be empty.");
        }

        return problems.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);

        void Within(string field, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                Add(field, $"'{field}' must be between {min:c} and {max:c}.");
            }
        }
    }
}
