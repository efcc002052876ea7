using System.Net;
using System.Net.Sockets;

namespace Argus.Core.Outbound;

/// <summary>
/// Says which kind of non-public address an IP address is: loopback, link-local (cloud metadata included), private,
/// shared (CGNAT), unique-local, unspecified, multicast, broadcast or reserved. IPv4 addresses carried in IPv6
/// (IPv4-mapped <c>::ffff:a.b.c.d</c>, IPv4-compatible <c>::a.b.c.d</c>, NAT64 <c>64:ff9b::a.b.c.d</c>) are judged as
/// the IPv4 address they carry, so that no spelling of 127.0.0.1 passes as public.
/// </summary>
public static class AddressClassifier
{
    private static readonly (IPNetwork Network, string Kind)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified (\"this network\")"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.169.254/32"), "link-local (the cloud metadata service)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared address space (CGNAT)"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved (IETF protocol assignments)"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved (benchmarking)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local (private)"),
        (IPNetwork.Parse("fc00::/7"), "unique-local (private)"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");

    /// <summary>The kind of non-public address <paramref name="address"/> is, or null when it is a public address.</summary>
    public static string? Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Canonical(address);
        foreach (var (network, kind) in Ranges)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>
    /// The address as it is judged and connected to: an IPv4 address carried in IPv6 (mapped, compatible or NAT64)
    /// becomes that IPv4 address; the scope id of an IPv6 address is dropped.
    /// </summary>
    public static IPAddress Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();

        // ::1 and :: are IPv6's own loopback and unspecified, not IPv4-compatible forms of 0.0.0.1 and 0.0.0.0.
        if ((Nat64.Contains(address) || Compatible.Contains(address)) && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6None))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return address.ScopeId == 0 ? address : new IPAddress(bytes);
    }
}
