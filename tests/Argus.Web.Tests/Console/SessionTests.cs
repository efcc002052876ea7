using System.Text.RegularExpressions;
using Argus.IntegrationTests.Infrastructure;
using Argus.Web.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Argus.Web.Tests.Console;

/// <summary>The console's session as a user meets it: the banner's one-time link, expiry, revocation, auto-refresh.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class SessionTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task The_banners_link_signs_in_once_and_an_expired_session_returns_to_sign_in_and_back()
    {
        // A first start: the admin key is generated and the banner prints a one-time link beside it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await ArgusTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Argus:BootstrapApiKey"] = null },
            configure: b => b.Services.PostConfigure<CookieAuthenticationOptions>(ConsoleAuthentication.SchemeName, o => o.TimeProvider = clock));
        var banner = server.Banner;
        var link = BannerLink().Match(banner);
        Assert.True(link.Success, banner);
        Assert.StartsWith(server.ApiUrl.AbsoluteUri + "signin/link?code=", link.Value, StringComparison.Ordinal);

        await Page.GotoAsync(link.Value);
        await Page.WaitForURLAsync(server.ApiUrl.AbsoluteUri);
        await WaitForCircuitAsync();
        await Expect(Page.Locator(".who")).ToContainTextAsync("(admin)");

        // Once: the same link, in a browser without the session, goes to the sign-in page, which says why.
        await Fixture.Browser.ClearCookiesAsync();
        await Page.GotoAsync(link.Value);
        await Expect(Page.Locator("#signin-problem")).ToContainTextAsync("has been used or has expired");

        // Signed in with the key; nine hours without a request later (the idle timeout is eight) the session is over:
        // a deep link goes through the sign-in page and comes back to itself.
        await Page.FillAsync("#api-key", server.Startup.NewAdminKey!);
        await Page.ClickAsync("#signin-submit");
        await Page.WaitForURLAsync(server.ApiUrl.AbsoluteUri);
        var deep = new Uri(server.ApiUrl, "services?range=6h").AbsoluteUri;
        await Page.GotoAsync(deep);
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Services");

        clock.Advance(ConsoleAuthentication.IdleTimeout + TimeSpan.FromHours(1));
        await Page.GotoAsync(deep);
        await Page.WaitForURLAsync("**/signin?returnUrl=*");
        Assert.Contains(Uri.EscapeDataString("/services?range=6h"), Page.Url, StringComparison.Ordinal);
        await ShotAsync("signin-expired");
        await Page.FillAsync("#api-key", server.Startup.NewAdminKey!);
        await Page.ClickAsync("#signin-submit");
        await Page.WaitForURLAsync(deep);
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Services");
    }

    [Fact]
    public async Task A_revoked_key_ends_the_session_of_a_page_left_open()
    {
        using var admin = Fixture.Server.ApiClient();
        using var created = await admin.PostAsync("api/keys", new StringContent("""{"name":"revoked-while-open","role":"read"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.True(created.IsSuccessStatusCode, body.ToString());

        await GoAsync("/signin?returnUrl=" + Uri.EscapeDataString("/services?range=24h"));
        await SignInAsync(body.GetProperty("key").GetString()!);
        await WaitForCircuitAsync();
        await Expect(Page.Locator("#services")).ToContainTextAsync("order-service");

        using var revoked = await admin.DeleteAsync($"api/keys/{body.GetProperty("id").GetString()}");
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());

        // No click, no reload: the live page rechecks its key and goes to the sign-in page, keeping where it was.
        await Page.WaitForURLAsync("**/signin?returnUrl=*", new() { Timeout = 15_000 });
        Assert.Contains(Uri.EscapeDataString("/services?range=24h"), Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_refresh_from_the_address_shows_telemetry_sent_after_the_page_opened_without_a_reload()
    {
        // Two hours back (in the page's 3 hours, out of the last hour other tests count).
        await OpenSignedInAsync("/services?range=3h&refresh=5s");
        await Expect(Page.Locator("#refresh-select")).ToHaveAttributeAsync("current-value", "5s");
        await Page.EvaluateAsync("() => window.argusNoReload = true");
        await Expect(Page.Locator("#services")).Not.ToContainTextAsync("refresh-demo");

        var span = OtlpJson.Span(OtlpJson.NewTraceId(), OtlpJson.NewSpanId(), null, "GET /late", 2, DateTimeOffset.UtcNow.AddHours(-2), 12,
            attributes: [("http.request.method", "GET"), ("http.route", "/late")]);
        using (var sent = await Fixture.Server.PostOtlpJsonAsync("traces", OtlpJson.Traces("refresh-demo", [span])))
        {
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        }

        await Expect(Page.Locator("#services")).ToContainTextAsync("refresh-demo", new() { Timeout = 20_000 });
        Assert.True(await Page.EvaluateAsync<bool>("() => window.argusNoReload === true"), "the page was reloaded");

        // The menu keeps the interval; choosing "No refresh" takes it out of the address.
        Assert.Contains("refresh=5s", await Page.Locator(".console-nav a[href^='/logs']").GetAttributeAsync("href") ?? "", StringComparison.Ordinal);
        await Page.Locator("#refresh-select").ClickAsync();
        await Page.Locator("#refresh-select fluent-option[value='off']").ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("refresh=", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/signin/link\?code=[A-Za-z0-9_\-]+")]
    private static partial Regex BannerLink();
}
