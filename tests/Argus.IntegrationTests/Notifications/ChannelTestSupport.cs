using System.Net.Http.Json;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Notifications;

/// <summary>One Argus server for the channel tests, with short retry delays so that retries finish in well under a second.</summary>
public sealed class ChannelServerFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Argus:Notifications:BaseDelay"] = "00:00:00.050",
        ["Argus:Notifications:MaxDelay"] = "00:00:00.200",
        ["Argus:Notifications:AttemptTimeout"] = "00:00:05",
    };

    public ArgusTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ArgusTestServer.StartAsync(settings: FastRetries);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class Channels
{
    /// <summary>POSTs a channel; fails the test unless it was created; returns the response.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, object channel)
    {
        using var response = await client.PostAsJsonAsync("api/channels", channel);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"creating a channel answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The delivery log of one channel, oldest attempt first.</summary>
    public static async Task<List<JsonElement>> DeliveriesAsync(ArgusTestServer server, string channel, string? key = ArgusTestServer.AdminKey) =>
        [.. (await server.GetJsonAsync($"api/channels/deliveries?channel={channel}", key)).GetProperty("deliveries").EnumerateArray().Reverse()];

    /// <summary>Waits until the channel's latest attempt is final (sent or failed) and returns the log.</summary>
    public static Task<List<JsonElement>> FinishedAsync(ArgusTestServer server, string channel) =>
        ArgusTestServer.EventuallyAsync(
            () => DeliveriesAsync(server, channel),
            d => d.Count > 0 && d[^1].GetProperty("status").GetString() is "sent" or "failed",
            $"a final delivery to '{channel}'")
            .ContinueWith(t => t.IsFaulted ? throw new Xunit.Sdk.XunitException($"{t.Exception!.InnerException!.Message}; the log: {string.Join(" | ", DeliveriesAsync(server, channel).Result)}") : t.Result, TaskScheduler.Default);

    public static async Task<JsonElement> TestAsync(HttpClient client, string id)
    {
        using var response = await client.PostAsync($"api/channels/{id}/test", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"testing channel {id} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
