using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Argus.Server.Listeners;

/// <summary>The three Kestrel endpoints Argus expects, by their configuration names.</summary>
internal enum ListenerKind
{
    /// <summary><c>Kestrel:Endpoints:Api</c>: the web console and the JSON API.</summary>
    Api,
    /// <summary><c>Kestrel:Endpoints:OtlpGrpc</c>: OTLP over gRPC (HTTP/2).</summary>
    OtlpGrpc,
    /// <summary><c>Kestrel:Endpoints:OtlpHttp</c>: OTLP over HTTP.</summary>
    OtlpHttp,
}

/// <summary>Set on every connection, so that routes answer only on the listener they belong to.</summary>
internal sealed record ListenerFeature(ListenerKind Kind);

/// <summary>Endpoint metadata: the listener a route is served on.</summary>
internal sealed record ListenerMetadata(ListenerKind Kind);

/// <summary>
/// Remembers each named endpoint's <see cref="ListenOptions"/>. Kestrel writes the bound address back into them,
/// so after start-up the real port is known even when the configuration asked for port 0.
/// </summary>
internal sealed class ListenerRegistry
{
    private readonly Dictionary<ListenerKind, (ListenOptions Options, bool IsHttps)> _listeners = [];

    public void Add(ListenerKind kind, ListenOptions options, bool isHttps)
    {
        _listeners[kind] = (options, isHttps);
        options.Use(next => connection =>
        {
            connection.Features.Set(new ListenerFeature(kind));
            return next(connection);
        });
    }

    public bool IsConfigured(ListenerKind kind) => _listeners.ContainsKey(kind);

    /// <summary>The URL clients use for a listener, after start-up; null when it is not configured.</summary>
    public Uri? GetUrl(ListenerKind kind)
    {
        if (!_listeners.TryGetValue(kind, out var listener))
        {
            return null;
        }

        var scheme = listener.IsHttps ? "https" : "http";
        var endPoint = listener.Options.IPEndPoint;
        if (endPoint is null)
        {
            return null;
        }

        var host = endPoint.Address.Equals(System.Net.IPAddress.Any) || endPoint.Address.Equals(System.Net.IPAddress.IPv6Any)
            ? "localhost"
            : endPoint.Address.ToString();
        if (endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && host != "localhost")
        {
            host = $"[{host}]";
        }

        return new Uri($"{scheme}://{host}:{endPoint.Port}");
    }
}

/// <summary>Hooks the named Kestrel endpoints and keeps routes on their listeners.</summary>
internal static class ListenerExtensions
{
    public static WebApplicationBuilder AddArgusListeners(this WebApplicationBuilder builder, ListenerRegistry registry)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var loader = kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false);
            foreach (var kind in Enum.GetValues<ListenerKind>())
            {
                if (context.Configuration.GetSection($"Kestrel:Endpoints:{kind}").Exists())
                {
                    loader.Endpoint(kind.ToString(), endpoint => registry.Add(kind, endpoint.ListenOptions, endpoint.IsHttps));
                }
            }
        });
        return builder;
    }

    /// <summary>Routes carrying <see cref="ListenerMetadata"/> answer 404 on any other listener.</summary>
    public static IApplicationBuilder UseListenerRouting(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var wanted = context.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>();
        var actual = context.Features.Get<ListenerFeature>();
        if (wanted is not null && actual is not null && wanted.Kind != actual.Kind)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    });

    public static TBuilder OnListener<TBuilder>(this TBuilder builder, ListenerKind kind)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ListenerMetadata(kind));
        return builder;
    }
}
