using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.IntegrationTests.Notifications;

/// <summary>
/// An HTTP endpoint on 127.0.0.1:0 (in-process Kestrel) standing in for a webhook receiver or Slack's incoming
/// webhooks. It keeps every request's raw body and headers and answers with the scripted statuses, then 200 "ok".
/// </summary>
public sealed class LocalHttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body, Uri? Location)> _script = new();

    private LocalHttpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>Answers the next requests with these statuses (and bodies), one each, before answering 200 again.</summary>
    public void Script(params (int Status, string Body)[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue((answer.Status, answer.Body, null));
        }
    }

    /// <summary>Answers the next request with a redirect to <paramref name="location"/>.</summary>
    public void Redirect(Uri location, int status = 307) => _script.Enqueue((status, "", location));

    /// <summary>Forgets the scripted answers not used yet: every request gets 200 "ok" again.</summary>
    public void ClearScript() => _script.Clear();

    public static async Task<LocalHttpReceiver> StartAsync()
    {
        // Its own configuration only: the test folder holds Argus's appsettings.json, whose Kestrel endpoints it must not take.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LocalHttpReceiver(app);
        app.MapPost("/{**path}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        Requests.Enqueue(new ReceivedRequest(
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            buffer.ToArray()));
        var (status, body, location) = _script.TryDequeue(out var answer) ? answer : (200, "ok", null);
        context.Response.StatusCode = status;
        if (location is not null)
        {
            context.Response.Headers.Location = location.ToString();
        }

        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request as the receiver got it: the exact bytes of the body, as a signature check needs them.</summary>
public sealed record ReceivedRequest(string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body);
