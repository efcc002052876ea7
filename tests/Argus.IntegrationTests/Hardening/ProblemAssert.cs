using System.Net;
using System.Text.Json;

namespace Argus.IntegrationTests.Hardening;

/// <summary>Assertions on the API's problem+json answers: the status, the media type, and no .NET type named anywhere.</summary>
internal static class ProblemAssert
{
    /// <summary>The problem of <paramref name="response"/>, which must have <paramref name="status"/>; <paramref name="what"/> names the request in failures.</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string what = "")
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Argus.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The messages for <paramref name="field"/>, joined; fails when the problem has none for it.</summary>
    public static string Error(JsonElement problem, string field, string what = "")
    {
        var found = problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _);
        Assert.True(found, $"{what}: no error for '{field}' in {problem}");
        return string.Join(" ", errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()));
    }
}
