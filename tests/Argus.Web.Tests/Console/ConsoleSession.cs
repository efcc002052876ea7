using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>
/// One browser tab on the fixture's server, signed out at the start: opening pages (through the sign-in page),
/// posting OTLP, waiting for the live connection, screenshots.
/// </summary>
internal sealed class ConsoleSession : IAsyncDisposable
{
    private readonly ConsoleFixture _fixture;

    private ConsoleSession(ConsoleFixture fixture, IPage page)
    {
        _fixture = fixture;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<ConsoleSession> OpenAsync(ConsoleFixture fixture)
    {
        await fixture.Browser.ClearCookiesAsync();
        return new ConsoleSession(fixture, await fixture.Browser.NewPageAsync());
    }

    public async ValueTask DisposeAsync() => await Page.CloseAsync();

    public async Task GoAsync(string path)
    {
        var response = await Page.GotoAsync(new Uri(_fixture.Server.ApiUrl, path).ToString());
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
    }

    /// <summary>Posts an OTLP/JSON body with the admin key and fails the test unless it is accepted.</summary>
    public async Task PostAsync(string signal, string body)
    {
        using var response = await _fixture.Server.PostOtlpJsonAsync(signal, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A deep link through the sign-in page (with the read key unless told), then the page's live connection.</summary>
    public async Task OpenSignedInAsync(string path, string? key = null)
    {
        await _fixture.Browser.ClearCookiesAsync();
        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString(path));
        await Page.FillAsync("#api-key", key ?? _fixture.ReadKey);
        await Page.ClickAsync("#signin-submit");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path.Split('?')[0]);
        await WaitForCircuitAsync();
    }

    // Clicks do nothing until the page's live connection (the Blazor circuit) is up and the page has rendered on it.
    public async Task WaitForCircuitAsync() => await Page.WaitForFunctionAsync(
        "() => window.argusCircuitStarted === true && document.querySelector('#console-interactive')?.dataset.interactive === 'true'");

    public async Task ShotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotFolder, name + ".png"), FullPage = false });
}
