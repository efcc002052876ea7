using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>
/// What the end-to-end console tests share: a new tab per test with no session, opening pages on the fixture's server,
/// signing in, waiting for the live connection, and screenshots to <see cref="ConsoleFixture.ScreenshotFolder"/>.
/// </summary>
public abstract class ConsoleTest : IAsyncLifetime
{
    /// <summary>The tab of the running test.</summary>
    protected IPage Page { get; private set; } = null!;

    /// <summary>The shared server and browser.</summary>
    protected abstract ConsoleFixture Fixture { get; }

    public async Task InitializeAsync()
    {
        await Fixture.Browser.ClearCookiesAsync();
        Page = await Fixture.Browser.NewPageAsync();
    }

    public async Task DisposeAsync() => await Page.CloseAsync();

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected async Task GoAsync(string path)
    {
        var response = await Page.GotoAsync(new Uri(Fixture.Server.ApiUrl, path).ToString());
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
    }

    // A deep link through the sign-in page, then the page's live connection.
    protected async Task OpenSignedInAsync(string path)
    {
        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString(path));
        await SignInAsync(Fixture.ReadKey);
        await WaitForCircuitAsync();
    }

    protected async Task SignInAsync(string key)
    {
        await Page.FillAsync("#api-key", key);
        await Page.ClickAsync("#signin-submit");
        await Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    // Clicks do nothing until the page's live connection (the Blazor circuit) is up.
    // The live connection is up and the page has rendered on it: typing before that render is lost to it.
    protected async Task WaitForCircuitAsync() => await Page.WaitForFunctionAsync(
        "() => window.argusCircuitStarted === true && document.querySelector('#console-interactive')?.dataset.interactive === 'true'");

    // The console scrolls inside its body, not the page: a taller window shows more of a long page at the same width.
    protected async Task ShotAsync(string name, int height = 800)
    {
        await Page.SetViewportSizeAsync(1280, height);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotFolder, name + ".png") });
        await Page.SetViewportSizeAsync(1280, 800);
    }
}
