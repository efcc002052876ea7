using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Argus.Operations.Notifications;

namespace Argus.Operations.Tests.Notifications;

public sealed class WebhookPayloadTests
{
    [Fact]
    public void The_body_carries_every_field_and_the_data_as_given()
    {
        var message = new NotificationMessage(NotificationEvents.AlertFiring, "error rate", "critical", "5% errors")
        {
            Sections = [new("Why", "a deploy")],
            Data = JsonDocument.Parse("""{"incidentId":"inc-7","rule":{"name":"errors","threshold":0.05},"services":["shop"]}""").RootElement,
        };

        var body = JsonDocument.Parse(WebhookPayload.Build(message, new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)))).RootElement;

        Assert.Equal("alert.firing", body.GetProperty("event").GetString());
        Assert.Equal("error rate", body.GetProperty("title").GetString());
        Assert.Equal("critical", body.GetProperty("severity").GetString());
        Assert.Equal("5% errors", body.GetProperty("text").GetString());
        Assert.Equal("Why", body.GetProperty("sections")[0].GetProperty("title").GetString());
        Assert.Equal("a deploy", body.GetProperty("sections")[0].GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("link").ValueKind);
        Assert.Equal(0.05, body.GetProperty("data").GetProperty("rule").GetProperty("threshold").GetDouble());
        Assert.Equal("2025-03-01T10:00:00+00:00", body.GetProperty("sentAt").GetString());
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_of_timestamp_dot_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"event":"test","title":"é"}""");

        var signature = WebhookPayload.Sign("s3cret", 1_700_000_000, body);

        // What a receiver computes, following docs/channels.md.
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes("s3cret"));
        var expected = "sha256=" + Convert.ToHexString(hmac.ComputeHash([.. Encoding.UTF8.GetBytes("1700000000."), .. body])).ToLowerInvariant();
        Assert.Equal(expected, signature);
        // The same vector from Python's hmac module: hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest().
        Assert.Equal("sha256=99a39081ef666d7eb86ceb0b57d514824b289c435dd42b52bbff40c387c901b0", signature);
        Assert.NotEqual(signature, WebhookPayload.Sign("s3cret", 1_700_000_001, body));
        Assert.NotEqual(signature, WebhookPayload.Sign("other", 1_700_000_000, body));
    }
}
