using Argus.Server.Listeners;
using Microsoft.AspNetCore.Http.Features;

namespace Argus.Server.Api;

/// <summary>
/// An endpoint's own body limit, in place of the API's default (<see cref="ApiOptions.MaxRequestBodyBytes"/>);
/// <see cref="Setting"/> is the configuration key that changes it, named in the 413 answer. A fixed limit
/// (<see cref="Setting"/> null) only lowers the API's default, so an operator who lowers that lowers it too.
/// </summary>
internal sealed record BodyLimitMetadata(Func<IServiceProvider, long> MaxBytes, string? Setting);

/// <summary>Marks an endpoint that applies its own body limit and answers 413 in its own wire shape (the OpenAI API).</summary>
internal sealed record OwnBodyLimitMetadata;

/// <summary>
/// Body limits for every endpoint on the API listener. The limit is counted while Kestrel reads the body, so a chunked
/// body without Content-Length is cut off at the limit just like one that declares its length; a declared length over
/// the limit is refused before a byte is read. Authorisation runs before this, so an unauthenticated caller never gets a
/// body read at all.
/// </summary>
internal static class RequestBodyLimits
{
    /// <summary>Gives the endpoints of <paramref name="builder"/> their own limit.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, Func<IServiceProvider, long> maxBytes, string setting)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new BodyLimitMetadata(maxBytes, setting));
        return builder;
    }

    /// <summary>Gives the endpoints of <paramref name="builder"/> a fixed limit, smaller than the API's, that no setting changes.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new BodyLimitMetadata(_ => maxBytes, null));
        return builder;
    }

    /// <summary>Marks endpoints that enforce their own limit (see <see cref="OwnBodyLimitMetadata"/>).</summary>
    public static TBuilder WithOwnBodyLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new OwnBodyLimitMetadata());
        return builder;
    }

    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null
            || endpoint.Metadata.GetMetadata<ListenerMetadata>() is not { Kind: ListenerKind.Api }
            || endpoint.Metadata.GetMetadata<OwnBodyLimitMetadata>() is not null)
        {
            await next(context);
            return;
        }

        var limit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.ArgusOptions>>().Value.Api.MaxRequestBodyBytes;
        var setting = "Argus:Api:MaxRequestBodyBytes";
        if (endpoint.Metadata.GetMetadata<BodyLimitMetadata>() is { } own)
        {
            var ownLimit = own.MaxBytes(context.RequestServices);
            if (own.Setting is not null)
            {
                (limit, setting) = (ownLimit, own.Setting);
            }
            else if (ownLimit < limit)
            {
                (limit, setting) = (ownLimit, "a fixed limit of this endpoint");
            }
        }

        if (context.Request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit, setting);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, limit, setting);
            return;
        }

        // Minimal APIs' own body binding answers a body over the limit with a bare 413; say which limit it was.
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, limit, setting);
        }
    });

    private static Task TooLargeAsync(HttpContext context, long limit, string setting)
    {
        // The rest of the body is not read; the connection is closed after the answer rather than drained.
        context.Response.Headers.Connection = "close";
        return TypedResults.Problem(
            $"The request body exceeds the limit of {limit} bytes for this endpoint ({setting}).",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Payload too large").ExecuteAsync(context);
    }
}
