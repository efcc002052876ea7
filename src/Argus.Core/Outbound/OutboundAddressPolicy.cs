using System.Net;
using System.Net.Sockets;

namespace Argus.Core.Outbound;

/// <summary>
/// Decides which addresses Argus may connect to on a tenant's behalf (webhooks, Slack, SMTP relays, LLM providers, and
/// any later destination such as a phone provider). By default every non-public address (see
/// <see cref="AddressClassifier"/>) and the cloud metadata names are refused; the operator allows hosts by name and
/// networks by CIDR. The real guard is <see cref="ConnectAsync"/> (and <see cref="CreateHttpHandler"/>, which uses it):
/// it decides on the addresses a name resolves to at the moment of connecting, so neither DNS rebinding nor a numeric
/// spelling (<c>127.1</c>, <c>2130706433</c>, <c>0x7f.1</c>, <c>::ffff:127.0.0.1</c>) gets past it.
/// <see cref="CheckHost"/> is the early check of a definition, for a clear 400 when it is saved.
/// </summary>
public sealed class OutboundAddressPolicy
{
    /// <summary>The setting listing host names that may be connected to whatever they resolve to.</summary>
    public const string AllowedHostsSetting = "Argus:Outbound:AllowedHosts";

    /// <summary>The setting listing networks (CIDR) that may be connected to.</summary>
    public const string AllowedNetworksSetting = "Argus:Outbound:AllowedNetworks";

    private const string Prefix = "refused by the outbound address policy: ";

    // Names that reach a cloud's instance metadata service (credentials!) from inside the instance.
    private static readonly HashSet<string> MetadataNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.internal",
    };

    private readonly HashSet<string> _allowedHosts;
    private readonly string[] _allowedSuffixes;
    private readonly IPNetwork[] _allowedNetworks;
    private readonly Action<string>? _refused;

    /// <summary>
    /// Creates a policy. <paramref name="allowedHosts"/> are exact names, or <c>*.example.com</c> for every name below
    /// example.com; <paramref name="allowedNetworks"/> are allowed whatever kind of address they hold.
    /// <paramref name="refused"/> hears the reason of every connection refused (for the host's log).
    /// </summary>
    public OutboundAddressPolicy(IEnumerable<string> allowedHosts, IEnumerable<IPNetwork> allowedNetworks, Action<string>? refused = null)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        var hosts = allowedHosts.Select(Normalize).ToList();
        _allowedHosts = new HashSet<string>(hosts.Where(h => !h.StartsWith("*.", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        _allowedSuffixes = [.. hosts.Where(h => h.StartsWith("*.", StringComparison.Ordinal)).Select(h => h[1..])];
        _allowedNetworks = [.. allowedNetworks];
        _refused = refused;
    }

    /// <summary>The production default: nothing non-public is allowed.</summary>
    public static OutboundAddressPolicy Default { get; } = new([], []);

    /// <summary>Why connecting to <paramref name="address"/> is refused, or null when it is allowed.</summary>
    public string? CheckAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var canonical = AddressClassifier.Canonical(address);
        if (AddressClassifier.Classify(canonical) is not { } kind || IsAllowedNetwork(canonical))
        {
            return null;
        }

        return $"{Prefix}{canonical} is {kind} (allow it with {AllowedNetworksSetting})";
    }

    /// <summary>
    /// The check of a destination as it is saved, without resolving it: an address literal (in any spelling the
    /// resolver accepts) that is not public, or a cloud metadata name, is refused; other names are judged when connecting.
    /// Returns why, or null.
    /// </summary>
    public string? CheckHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = Normalize(host);
        if (IsAllowedHost(name))
        {
            return null;
        }

        if (TryParseAddress(name, out var address))
        {
            return CheckAddress(address);
        }

        return MetadataNames.Contains(name) ? $"{Prefix}{name} is a cloud metadata name (allow it with {AllowedHostsSetting})" : null;
    }

    /// <summary>
    /// The addresses of <paramref name="host"/> that may be connected to, resolved now. Throws
    /// <see cref="OutboundRefusedException"/> when there are none (naming why), without contacting anything but the resolver.
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = Normalize(host);
        var allowedByName = IsAllowedHost(name);
        IPAddress[] addresses;
        if (TryParseAddress(name, out var literal))
        {
            addresses = [literal];
        }
        else if (!allowedByName && MetadataNames.Contains(name))
        {
            throw Refuse($"{Prefix}{name} is a cloud metadata name (allow it with {AllowedHostsSetting})");
        }
        else
        {
            addresses = await Dns.GetHostAddressesAsync(name, cancellationToken);
        }

        var canonical = addresses.Select(AddressClassifier.Canonical).Distinct().ToList();
        if (allowedByName)
        {
            return canonical;
        }

        var allowed = canonical.Where(a => CheckAddress(a) is null).ToList();
        if (allowed.Count > 0)
        {
            return allowed;
        }

        if (literal is not null)
        {
            throw Refuse(CheckAddress(literal)!);
        }

        if (canonical.Count == 0)
        {
            throw Refuse($"{Prefix}{name} has no address");
        }

        var kinds = string.Join(" and ", canonical.Select(a => $"{a} ({AddressClassifier.Classify(a)})"));
        throw Refuse(
            $"{Prefix}{name} resolves to {kinds} only (allow the addresses with {AllowedNetworksSetting}, or the name with {AllowedHostsSetting})");
    }

    private OutboundRefusedException Refuse(string reason)
    {
        _refused?.Invoke(reason);
        return new OutboundRefusedException(reason);
    }

    /// <summary>
    /// Resolves <paramref name="host"/>, checks every address, and connects a TCP socket to the first allowed one that
    /// answers. The SMTP client and <see cref="CreateHttpHandler"/> connect through this and nothing else.
    /// </summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// An HTTP handler that connects only through <see cref="ConnectAsync"/>, follows no redirects (a redirect would be
    /// a second destination, and would carry the body and credentials there) and uses no proxy (the policy decides on
    /// the address Argus itself connects to).
    /// </summary>
    public SocketsHttpHandler CreateHttpHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = async (context, ct) => new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct), ownsSocket: true),
    };

    private bool IsAllowedNetwork(IPAddress canonical) => _allowedNetworks.Any(n => n.Contains(canonical));

    private bool IsAllowedHost(string name) =>
        _allowedHosts.Contains(name) || _allowedSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Lower case, without the brackets of an IPv6 literal and without a trailing dot.</summary>
    private static string Normalize(string host)
    {
        host = host.Trim();
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return host.TrimEnd('.').ToLowerInvariant();
    }

    // IPAddress.TryParse accepts what inet_aton does (127.1, 2130706433, 0x7f.0.0.1, 0177.0.0.1) besides the usual forms.
    private static bool TryParseAddress(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return (name.Contains(':', StringComparison.Ordinal) || name.All(c => char.IsAsciiHexDigit(c) || c is '.' or 'x' or 'X'))
            && IPAddress.TryParse(name, out address);
    }
}

/// <summary>A connection the <see cref="OutboundAddressPolicy"/> refused; nothing was contacted. The message says why.</summary>
public sealed class OutboundRefusedException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public OutboundRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutboundRefusedException()
    {
    }

    /// <summary>Creates the exception with the reason and a cause.</summary>
    public OutboundRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The refusal inside <paramref name="exception"/> (an HTTP or SDK error wrapping it), or null.</summary>
    public static OutboundRefusedException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OutboundRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
