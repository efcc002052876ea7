using System.Security.Cryptography;
using System.Text;
using Argus.IntegrationTests.Infrastructure;
using Argus.Server.Notifications;
using Microsoft.Data.Sqlite;

namespace Argus.IntegrationTests.Notifications;

/// <summary>
/// A channel's secrets are encrypted in <c>control.db</c>, survive a restart (the key ring is in the data folder), and
/// channels stored in clear by an earlier Argus are encrypted at the next start without losing anything.
/// </summary>
public sealed class ChannelSecretStorageTests
{
    private const string Secret = "whsec-at-rest-5f3c9a1e";
    private const string HeaderValue = "Bearer header-token-77aa";

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_and_still_sign_after_a_restart()
    {
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        await using var receiver = await LocalHttpReceiver.StartAsync();
        var url = new Uri(receiver.Url, "hooks/path-token-31b4").ToString();
        string id;
        await using (var server = await ArgusTestServer.StartAsync(dataPath, ChannelServerFixture.FastRetries))
        {
            using var client = server.ApiClient();
            var created = await Channels.CreateAsync(client, new { name = "at-rest", type = "webhook", url, secret = Secret, headers = new Dictionary<string, string> { ["Authorization"] = HeaderValue } });
            id = created.GetProperty("id").GetString()!;
        }

        var stored = ReadSettings(dataPath, id);
        Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(HeaderValue, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("path-token-31b4", stored, StringComparison.Ordinal);

        await using (var server = await ArgusTestServer.StartAsync(dataPath, ChannelServerFixture.FastRetries))
        {
            using var client = server.ApiClient();
            var result = await Channels.TestAsync(client, id);
            Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
            AssertSigned(Assert.Single(receiver.Requests));
        }
    }

    [Fact]
    public async Task Channels_stored_in_clear_by_an_earlier_argus_are_encrypted_at_start_and_keep_working()
    {
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        await using var receiver = await LocalHttpReceiver.StartAsync();
        var url = new Uri(receiver.Url, "hooks/legacy").ToString();
        string id;
        await using (var server = await ArgusTestServer.StartAsync(dataPath, ChannelServerFixture.FastRetries))
        {
            using var client = server.ApiClient();
            id = (await Channels.CreateAsync(client, new { name = "legacy", type = "webhook", url, secret = "placeholder-secret" })).GetProperty("id").GetString()!;
        }

        // What an Argus from before encryption wrote: the settings document in clear.
        WriteSettings(dataPath, id, new ChannelSettings(url, Secret, null, null, null, null).ToJson());

        await using (var server = await ArgusTestServer.StartAsync(dataPath, ChannelServerFixture.FastRetries))
        {
            var stored = ReadSettings(dataPath, id);
            Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);

            using var client = server.ApiClient();
            var result = await Channels.TestAsync(client, id);
            Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
            var request = Assert.Single(receiver.Requests);
            Assert.Equal("/hooks/legacy", request.PathAndQuery);
            AssertSigned(request);
        }
    }

    private static void AssertSigned(ReceivedRequest request)
    {
        var timestamp = request.Headers["X-Argus-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. request.Body]));
        Assert.Equal(expected, request.Headers["X-Argus-Signature"]);
    }

    private static string ReadSettings(string dataPath, string id)
    {
        using var connection = Open(dataPath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Settings FROM channels WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (string)command.ExecuteScalar()!;
    }

    private static void WriteSettings(string dataPath, string id, string settings)
    {
        using var connection = Open(dataPath);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE channels SET Settings = $settings WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$settings", settings);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private static SqliteConnection Open(string dataPath)
    {
        // No pooling: the server reopens the file after the test wrote to it.
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataPath, "control.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}
