using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>What a console test does with its page: open a path, sign in, wait for the live connection, take a screenshot.</summary>
internal sealed class ConsoleBrowser(ConsoleFixture fixture, IPage page)
{
    public IPage Page => page;

    public async Task GoAsync(string path)
    {
        var response = await page.GotoAsync(new Uri(fixture.Server.ApiUrl, path).ToString());
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
    }

    /// <summary>A deep link through the sign-in page, then the page's live connection.</summary>
    public async Task OpenSignedInAsync(string path)
    {
        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString(path));
        await page.FillAsync("#api-key", fixture.ReadKey);
        await page.ClickAsync("#signin-submit");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await WaitForCircuitAsync();
    }

    /// <summary>Clicks do nothing until the live connection is up and the page has rendered on it.</summary>
    public async Task WaitForCircuitAsync() => await page.WaitForFunctionAsync(
        "() => window.argusCircuitStarted === true && document.querySelector('#console-interactive')?.dataset.interactive === 'true'");

    public async Task ShotAsync(string name, bool fullPage = false) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotFolder, name + ".png"), FullPage = fullPage });

    public async Task PostAsync(string signal, string body)
    {
        using var response = await fixture.Server.PostOtlpJsonAsync(signal, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
