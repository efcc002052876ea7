using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.IntegrationTests.Infrastructure;

namespace Argus.IntegrationTests.Hardening;

/// <summary>401 and 403 say what is wrong without echoing the key; key lists show none of a key; the data folder is the owner's.</summary>
public sealed class AuthAndSecretsTests
{
    [Fact]
    public async Task Unauthorized_and_forbidden_answers_say_what_is_missing_and_never_echo_the_key()
    {
        await using var server = await ArgusTestServer.StartAsync();
        using var admin = server.ApiClient();
        string readKey;
        using (var created = await admin.PostAsJsonAsync("api/keys", new { name = "reader", role = "read" }))
        {
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.IsSuccessStatusCode, text);
            readKey = JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
        }

        async Task<(HttpStatusCode Status, string Body, string? Type)> Get(string path, string? key)
        {
            using var client = server.ApiClient(key);
            using var response = await client.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
        }

        var none = await Get("api/services", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal("application/problem+json", none.Type);
        Assert.Contains("No API key", none.Body, StringComparison.Ordinal);

        const string wrong = "argus_this-key-does-not-exist-0123456789abcdefghij";
        var unknown = await Get("api/services", wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Contains("unknown or has been revoked", unknown.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong[6..16], unknown.Body, StringComparison.Ordinal);

        var forbidden = await Get("api/keys", readKey);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal("application/problem+json", forbidden.Type);
        Assert.Contains("admin", forbidden.Body, StringComparison.Ordinal);
        Assert.Contains("role is read", forbidden.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(readKey[6..16], forbidden.Body, StringComparison.Ordinal);

        // The OpenAI-compatible API answers in OpenAI's error shape, which its SDKs read.
        var v1 = await Get("v1/models", null);
        Assert.Equal(HttpStatusCode.Unauthorized, v1.Status);
        Assert.Equal("missing_api_key", JsonDocument.Parse(v1.Body).RootElement.GetProperty("error").GetProperty("code").GetString());

        // Key lists show ids and names, never characters of a key.
        var keys = await server.GetJsonAsync("api/keys");
        var listed = keys.GetRawText();
        Assert.DoesNotContain(ArgusTestServer.AdminKey[..6], listed, StringComparison.Ordinal);
        Assert.DoesNotContain(readKey[6..12], listed, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_folder_is_created_for_its_owner_alone()
    {
        await using var server = await ArgusTestServer.StartAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.DataPath));
    }
}
