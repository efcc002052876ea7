using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.AI.Masking;
using Microsoft.Extensions.AI;

namespace Argus.AI.Tests.Masking;

public sealed class UnmaskTests
{
    private static readonly SensitiveDataMasker Masker = new(MaskingOptions.Default);

    private static (MaskingSession Session, string Host, string Ip) Setup()
    {
        var session = new MaskingSession("t");
        Masker.Mask("db-prod-01.corp.example.com and 10.1.2.3 and 10.1.2.30", session);
        session.TryGetToken("db-prod-01.corp.example.com", out var host);
        session.TryGetToken("10.1.2.3", out var ip);
        return (session, host, ip);
    }

    [Fact]
    public void Mangled_tokens_are_left_as_is_and_counted()
    {
        var (session, host, _) = Setup();
        var answer = $"Check {host.ToUpperInvariant()} and {host[..10]} and {host}.";
        var result = session.Unmask(answer, out var counts);
        Assert.Equal($"Check {host.ToUpperInvariant()} and {host[..10]} and db-prod-01.corp.example.com.", result);
        Assert.Equal(1, counts.Restored);
        Assert.Equal(2, counts.Mangled);
        Assert.Equal(2, session.MangledTokens);
    }

    [Fact]
    public void Token_inside_a_longer_word_is_not_a_token()
    {
        var (session, host, _) = Setup();
        Assert.Equal("x" + host, session.Unmask("x" + host));
    }

    [Fact]
    public void Json_strings_and_keys_are_unmasked()
    {
        var (session, host, ip) = Setup();
        var json = $$$"""{"summary":"{{{host}}} is slow","hosts":{"{{{host}}}":{"ip":"{{{ip}}}"}},"list":["{{{ip}}}",1,true,null]}""";
        var result = session.UnmaskJson(json, out var counts);
        var node = JsonNode.Parse(result)!;
        Assert.Equal("db-prod-01.corp.example.com is slow", (string?)node["summary"]);
        Assert.Equal("10.1.2.3", (string?)node["hosts"]!["db-prod-01.corp.example.com"]!["ip"]);
        Assert.Equal("10.1.2.3", (string?)node["list"]![0]);
        Assert.Equal(4, counts.Restored);
    }

    [Fact]
    public void Streaming_restores_a_token_split_at_every_position()
    {
        var (session, host, ip) = Setup();
        var answer = $"The problem is in {host}:3306 ({ip}), not {ip}0.";
        var expected = session.Unmask(answer);
        for (var split = 0; split <= answer.Length; split++)
        {
            var unmasker = session.CreateStreamingUnmasker();
            var output = unmasker.Push(answer[..split]) + unmasker.Push(answer[split..]) + unmasker.Flush();
            Assert.Equal(expected, output);
        }
    }

    [Fact]
    public void Streaming_releases_text_that_cannot_start_a_token_immediately()
    {
        var (session, _, _) = Setup();
        var unmasker = session.CreateStreamingUnmasker();
        Assert.Equal("Hello world, ", unmasker.Push("Hello world, "));
    }

    [Fact]
    public void Tool_call_arguments_and_chat_responses_are_unmasked()
    {
        var (session, host, ip) = Setup();
        var arguments = new Dictionary<string, object?>
        {
            ["host"] = host,
            ["filter"] = JsonSerializer.SerializeToElement(new { ip, port = 3306 }),
            ["count"] = 3,
        };
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [new TextContent($"Look at {host}"), new FunctionCallContent("c1", "query_logs", arguments)]));

        var counts = session.Unmask(response);

        var message = response.Messages[0];
        Assert.Equal("Look at db-prod-01.corp.example.com", message.Text);
        var call = Assert.IsType<FunctionCallContent>(message.Contents[1]);
        Assert.Equal("db-prod-01.corp.example.com", call.Arguments!["host"]);
        Assert.Equal("10.1.2.3", ((JsonElement)call.Arguments["filter"]!).GetProperty("ip").GetString());
        Assert.Equal(3, call.Arguments["count"]);
        Assert.Equal(3, counts.Restored);
    }

    [Fact]
    public void Request_messages_are_masked_without_touching_the_originals()
    {
        var session = new MaskingSession("t");
        var original = new ChatMessage(ChatRole.User, "Why is db-prod-01.corp.example.com slow? password=hunter2hunter2") { RawRepresentation = new object() };
        var toolResult = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new { host = "10.1.2.3", rows = 5 })]);
        var masked = Masker.Mask([original, toolResult], session);

        Assert.DoesNotContain("db-prod-01", masked.Messages[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", masked.Messages[0].Text, StringComparison.Ordinal);
        Assert.Null(masked.Messages[0].RawRepresentation);
        Assert.Contains("db-prod-01", original.Text, StringComparison.Ordinal);
        var result = Assert.IsType<FunctionResultContent>(masked.Messages[1].Contents[0]);
        Assert.DoesNotContain("10.1.2.3", JsonSerializer.Serialize(result.Result), StringComparison.Ordinal);
        Assert.Equal(1, masked.Counts[SensitiveKind.Hostname]);
        Assert.Equal(1, masked.Counts[SensitiveKind.Credential]);
        Assert.Equal(1, masked.Counts[SensitiveKind.IPv4Address]);
    }

    [Fact]
    public void Preview_lists_kinds_and_positions()
    {
        var text = "Server=sql01.corp.local;Database=Ledger;User Id=svc;Password=Pw12345678; mail kim@acmecorp.com";
        var preview = SensitiveDataMasker.Preview(text, MaskingOptions.Default);
        Assert.Equal(4, preview.Kinds[SensitiveKind.ConnectionString]);
        Assert.Equal(1, preview.Kinds[SensitiveKind.Email]);
        Assert.DoesNotContain("sql01", preview.MaskedText, StringComparison.Ordinal);
        Assert.Contains(preview.Spans, s => text.Substring(s.Start, s.Length) == "kim@acmecorp.com" && s.Kind == SensitiveKind.Email);
    }
}
