using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Server.Api;

/// <summary>
/// Names of services that a request refers to (a deployment's applications, an alert rule's service) are checked
/// against the services that sent telemetry recently. One never seen is accepted, because a service may be deployed or
/// watched before its first span arrives, but the answer carries a warning: a misspelt name would otherwise measure
/// nothing and say nothing.
/// </summary>
internal static class KnownServices
{
    /// <summary>How far back a service counts as seen: a week and a day, the reach of change tracking's week-before baseline.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(8);

    /// <summary>A warning for each name (keyed by its field path) that no service in the last <see cref="Lookback"/> had; null when there are none.</summary>
    public static async Task<IReadOnlyList<string>?> WarnUnseenAsync(
        ITelemetryReader reader, TimeProvider time, string tenant, IEnumerable<(string Field, string? Name)> references, CancellationToken ct)
    {
        var wanted = references.Where(r => !string.IsNullOrWhiteSpace(r.Name)).ToList();
        if (wanted.Count == 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var seen = (await reader.GetServicesAsync(tenant, new TimeRange(now - Lookback, now), ct)).Select(s => s.Name).ToList();
        var warnings = new List<string>();
        foreach (var (field, name) in wanted)
        {
            if (seen.Contains(name!, StringComparer.Ordinal))
            {
                continue;
            }

            var hint = StrictJson.Nearest(name!, seen) is { } near ? $" Did you mean '{near}'?" : "";
            warnings.Add($"'{field}': no service named '{name}' has sent telemetry in the last {Lookback.TotalDays:0} days; accepted, but nothing is measured until it does.{hint}");
        }

        return warnings.Count > 0 ? warnings : null;
    }
}
