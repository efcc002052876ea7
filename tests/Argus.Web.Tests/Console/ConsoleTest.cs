using Argus.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>
/// What every console test does: a new page in the shared browser with no session, and the steps a user takes
/// (open a path, sign in, wait for the live connection, take a screenshot, send telemetry).
/// </summary>
public abstract class ConsoleTest(ConsoleFixture fixture) : IAsyncLifetime
{
    private protected ConsoleFixture Fixture { get; } = fixture;

    private protected IPage Page { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await Fixture.Browser.ClearCookiesAsync();
        Page = await Fixture.Browser.NewPageAsync();
    }

    public virtual async Task DisposeAsync() => await Page.CloseAsync();

    private protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private protected async Task GoAsync(string path)
    {
        var response = await Page.GotoAsync(new Uri(Fixture.Server.ApiUrl, path).ToString());
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
    }

    private protected async Task PostAsync(string signal, string body)
    {
        using var response = await Fixture.Server.PostOtlpJsonAsync(signal, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A deep link through the sign-in page (with the read key unless told), then the page's live connection.</summary>
    private protected async Task OpenSignedInAsync(string path, string? key = null)
    {
        await Fixture.Browser.ClearCookiesAsync();
        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString(path));
        await SignInAsync(key ?? Fixture.ReadKey);
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path.Split('?')[0]);
        await WaitForCircuitAsync();
    }

    private protected async Task SignInAsync(string key)
    {
        await Page.FillAsync("#api-key", key);
        await Page.ClickAsync("#signin-submit");
        await Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    // Clicks do nothing until the page's live connection (the Blazor circuit) is up.
    // The live connection is up and the page has rendered on it: typing before that render is lost to it.
    private protected async Task WaitForCircuitAsync() => await Page.WaitForFunctionAsync(
        "() => window.argusCircuitStarted === true && document.querySelector('#console-interactive')?.dataset.interactive === 'true'");

    private protected async Task ShotAsync(string name, bool fullPage = false) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotFolder, name + ".png"), FullPage = fullPage });
}
