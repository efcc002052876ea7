using System.Net;
using Argus.Core.Outbound;

namespace Argus.IntegrationTests.Outbound;

/// <summary>The address classifier and the policy's decisions, without a server: spellings, IPv4 in IPv6, allow-lists.</summary>
public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.1.2", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:7f00:1", "loopback")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("169.254.169.254", "link-local (the cloud metadata service)")]
    [InlineData("::ffff:169.254.169.254", "link-local (the cloud metadata service)")]
    [InlineData("169.254.10.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("100.64.0.1", "shared address space (CGNAT)")]
    [InlineData("100.127.255.254", "shared address space (CGNAT)")]
    [InlineData("fc00::1", "unique-local (private)")]
    [InlineData("fd00:ec2::254", "unique-local (private)")]
    [InlineData("0.0.0.0", "unspecified (\"this network\")")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    public void Non_public_addresses_are_classified(string address, string kind) =>
        Assert.Equal(kind, AddressClassifier.Classify(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_not_classified(string address) =>
        Assert.Null(AddressClassifier.Classify(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is loopback")]
    [InlineData("127.1", "127.0.0.1 is loopback")]
    [InlineData("2130706433", "127.0.0.1 is loopback")]
    [InlineData("0x7f.1", "127.0.0.1 is loopback")]
    [InlineData("0x7f000001", "127.0.0.1 is loopback")]
    [InlineData("0177.0.0.1", "127.0.0.1 is loopback")]
    [InlineData("[::1]", "::1 is loopback")]
    [InlineData("[::ffff:127.0.0.1]", "127.0.0.1 is loopback")]
    [InlineData("169.254.169.254", "169.254.169.254 is link-local (the cloud metadata service)")]
    [InlineData("0", "0.0.0.0 is unspecified")]
    [InlineData("metadata.google.internal", "metadata.google.internal is a cloud metadata name")]
    [InlineData("Metadata.Google.Internal.", "metadata.google.internal is a cloud metadata name")]
    public void Every_spelling_of_a_forbidden_literal_is_refused_when_saved(string host, string reason)
    {
        var refusal = OutboundAddressPolicy.Default.CheckHost(host);
        Assert.NotNull(refusal);
        Assert.StartsWith("refused by the outbound address policy: " + reason, refusal, StringComparison.Ordinal);
        Assert.Contains("Argus:Outbound:Allowed", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hooks.slack.com")]
    [InlineData("localhost")] // a name: judged on what it resolves to, when connecting
    [InlineData("8.8.8.8")]
    [InlineData("deadbeef.example.com")]
    public void Names_and_public_literals_pass_the_early_check(string host) =>
        Assert.Null(OutboundAddressPolicy.Default.CheckHost(host));

    [Fact]
    public void The_allow_list_admits_exactly_its_networks_and_hosts()
    {
        var policy = new OutboundAddressPolicy(["ollama.internal", "*.corp.example"], [IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("10.20.0.0/16")]);

        Assert.Null(policy.CheckAddress(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.CheckAddress(IPAddress.Parse("::ffff:127.0.0.1"))); // judged as the IPv4 address it carries
        Assert.Null(policy.CheckHost("2130706433"));
        Assert.Null(policy.CheckAddress(IPAddress.Parse("10.20.5.6")));
        Assert.NotNull(policy.CheckAddress(IPAddress.Parse("127.0.0.2")));
        Assert.NotNull(policy.CheckAddress(IPAddress.Parse("::1")));
        Assert.NotNull(policy.CheckAddress(IPAddress.Parse("10.21.0.1")));
        Assert.NotNull(policy.CheckAddress(IPAddress.Parse("169.254.169.254")));

        Assert.Null(policy.CheckHost("ollama.internal"));
        Assert.Null(policy.CheckHost("llm.corp.example"));
        Assert.NotNull(policy.CheckHost("metadata.google.internal"));
    }

    [Fact]
    public async Task Resolving_refuses_a_name_whose_every_address_is_forbidden_and_keeps_only_allowed_ones()
    {
        var refused = await Assert.ThrowsAsync<OutboundRefusedException>(() => OutboundAddressPolicy.Default.ResolveAsync("localhost", CancellationToken.None));
        Assert.StartsWith("refused by the outbound address policy: localhost resolves to ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);

        var literal = await Assert.ThrowsAsync<OutboundRefusedException>(() => OutboundAddressPolicy.Default.ResolveAsync("0x7f.1", CancellationToken.None));
        Assert.Equal("refused by the outbound address policy: 127.0.0.1 is loopback (allow it with Argus:Outbound:AllowedNetworks)", literal.Message);

        var metadata = await Assert.ThrowsAsync<OutboundRefusedException>(() => OutboundAddressPolicy.Default.ResolveAsync("metadata.google.internal", CancellationToken.None));
        Assert.Contains("cloud metadata name", metadata.Message, StringComparison.Ordinal);

        // localhost may resolve to ::1 as well: only the allowed address is connected to.
        var policy = new OutboundAddressPolicy([], [IPNetwork.Parse("127.0.0.1/32")]);
        Assert.Equal([IPAddress.Parse("127.0.0.1")], await policy.ResolveAsync("localhost", CancellationToken.None));

        // An allowed name is connected to whatever it resolves to.
        var byName = new OutboundAddressPolicy(["localhost"], []);
        Assert.Contains(IPAddress.Loopback, await byName.ResolveAsync("localhost", CancellationToken.None));
    }
}
