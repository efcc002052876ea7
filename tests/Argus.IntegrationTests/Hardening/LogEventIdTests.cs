using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Hardening;

/// <summary>Log event ids are how operators filter and alert on Argus's logs, so each names exactly one event.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_event_id_of_every_Argus_assembly_is_used_once()
    {
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "Argus.*.dll")
            .Where(f => !Path.GetFileName(f).Contains("Tests", StringComparison.Ordinal))
            .Select(f => Assembly.LoadFrom(f))
            .ToList();
        Assert.Contains(assemblies, a => a.GetName().Name == "Argus.Server");

        var events = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .ToList();
        Assert.True(events.Count > 50, $"only {events.Count} [LoggerMessage] methods were found");

        var duplicates = events
            .GroupBy(x => x.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => $"{x.Method.DeclaringType?.FullName}.{x.Method.Name}"))}")
            .ToList();
        Assert.True(duplicates.Count == 0, "event ids used more than once:\n" + string.Join("\n", duplicates));
    }
}
