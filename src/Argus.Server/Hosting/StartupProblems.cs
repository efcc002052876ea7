using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Argus.Server;

/// <summary>What Program.cs prints when Argus cannot start: one line per problem, never a stack trace.</summary>
internal static partial class StartupProblems
{
    /// <summary>True until the host has started; Program.cs reports what fails before then.</summary>
    public static bool Starting { get; set; } = true;

    /// <summary>Every configuration failure in <paramref name="exception"/>: one options type, or several at once.</summary>
    public static IReadOnlyList<string> ConfigurationFailures(Exception exception) => exception switch
    {
        OptionsValidationException o => [.. o.Failures],
        AggregateException a when a.Flatten().InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. a.Flatten().InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };

    public static async Task<int> ConfigurationAsync(IReadOnlyList<string> failures)
    {
        await Console.Error.WriteLineAsync("Argus cannot start, the configuration has problems:");
        foreach (var failure in failures.Distinct(StringComparer.Ordinal))
        {
            await Console.Error.WriteLineAsync("  - " + failure);
        }

        return 2;
    }

    /// <summary>One line naming the endpoint, the address and the setting that moves it.</summary>
    public static string PortInUse(WebApplication app, Exception exception)
    {
        var message = (exception as AddressInUseException ?? exception.InnerException ?? exception).Message;
        var url = BoundAddress().Match(exception.Message) is { Success: true } m ? m.Groups[1].Value.TrimEnd(':', '.') : null;
        var endpoints = app.Configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        var endpoint = endpoints.FirstOrDefault(e => url is not null && Same(e["Url"], url));
        var port = url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        return endpoint is null
            ? $"Argus cannot start: {url ?? "an address"} is already in use ({message}); change the listeners with --Kestrel:Endpoints:<Api|OtlpGrpc|OtlpHttp>:Url."
            : $"Argus cannot start: port {port} of the {endpoint.Key} endpoint ({url}) is already in use; choose another with --Kestrel:Endpoints:{endpoint.Key}:Url=http://127.0.0.1:<port> (or stop what holds it).";
    }

    private static bool Same(string? configured, string bound) =>
        configured is not null && string.Equals(configured.TrimEnd('/'), bound.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    // Kestrel: "Failed to bind to address http://127.0.0.1:5080: address already in use."
    [GeneratedRegex(@"address (\S+?)(?:: |\.?$)")]
    private static partial Regex BoundAddress();
}
