using System.Net;
using Argus.Core.Outbound;
using Microsoft.Extensions.Options;

namespace Argus.Server.Outbound;

/// <summary>
/// <c>Argus:Outbound</c>: what the operator allows beyond public addresses for the connections Argus makes on a
/// tenant's behalf (webhooks, Slack, SMTP, tenant-managed LLM providers). Empty by default: nothing non-public.
/// </summary>
internal sealed class OutboundOptions
{
    public const string SectionName = "Argus:Outbound";

    /// <summary>Host names connected to whatever they resolve to: <c>ollama.internal</c>, or <c>*.corp.example</c> for every name below it.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Networks in CIDR notation (<c>10.20.0.0/16</c>, <c>127.0.0.1/32</c>, <c>fd00::/8</c>); a bare address means just that address.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>The networks as parsed; call only on validated options.</summary>
    public IReadOnlyList<IPNetwork> Networks() => [.. AllowedNetworks.Select(n => TryParseNetwork(n, out var network) ? network : throw new FormatException(n))];

    /// <summary>Parses a CIDR, or a bare address as a network of one address.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // No bits past the prefix: 10.0.0.1/8 is more likely a typo than a wish for all of 10/8.
        return IPNetwork.TryParse(text, out network) && IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var given) && given.Equals(network.BaseAddress);
    }
}

/// <summary>Checks <c>Argus:Outbound</c> as a whole at start-up and lists every problem.</summary>
internal sealed class ValidateOutboundOptions : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        var problems = new List<string>();
        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            var host = options.AllowedHosts[i]?.Trim() ?? "";
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (bare.Length == 0 || bare.Length > 253 || Uri.CheckHostName(bare) != UriHostNameType.Dns)
            {
                problems.Add($"{OutboundAddressPolicy.AllowedHostsSetting}:{i} must be a host name such as ollama.internal, or *.corp.example for every name below it (it is '{host}'); list addresses under {OutboundAddressPolicy.AllowedNetworksSetting}.");
            }
        }

        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            if (!OutboundOptions.TryParseNetwork(options.AllowedNetworks[i], out _))
            {
                problems.Add($"{OutboundAddressPolicy.AllowedNetworksSetting}:{i} must be a network in CIDR notation with no bits set past the prefix, such as 127.0.0.1/32, 10.20.0.0/16 or fd00::/8 (it is '{options.AllowedNetworks[i]}').");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Registers the outbound address policy every tenant-directed connection goes through.</summary>
internal static class OutboundServiceCollectionExtensions
{
    public static IServiceCollection AddArgusOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboundOptions>, ValidateOutboundOptions>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OutboundOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<OutboundAddressPolicy>>();
            return new OutboundAddressPolicy(options.AllowedHosts.Select(h => h.Trim()), options.Networks(), reason => OutboundLog.ConnectionRefused(logger, reason));
        });
        return services;
    }
}

/// <summary>Log messages of the outbound address policy; event ids 5700-5709.</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(EventId = 5700, Level = LogLevel.Warning, Message = "An outbound connection was not made: {Reason}.")]
    public static partial void ConnectionRefused(ILogger logger, string reason);
}
