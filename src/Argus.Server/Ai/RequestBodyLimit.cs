namespace Argus.Server.Ai;

/// <summary>
/// Per-endpoint request body limits. The server-wide Kestrel limit is off (OTLP sets its own), so endpoints that read a
/// body set theirs: a declared Content-Length over the limit is refused before reading, and Kestrel enforces the limit
/// while reading a body without one (chunked), surfacing as <see cref="BadHttpRequestException"/> with status 413.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>Sets the limit for this request; false when the declared length already exceeds it.</summary>
    public static bool Apply(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return false;
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }

        return true;
    }

    /// <summary>Whether <paramref name="exception"/> is Kestrel refusing a body over the limit.</summary>
    public static bool IsTooLarge(Exception exception) => exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    /// <summary>The explanation both API styles use.</summary>
    public static string Message(long maxBytes) => $"The request body exceeds the limit of {maxBytes} bytes (Argus:Ai:MaxRequestBodyBytes for chat calls).";

    /// <summary>413 as problem details.</summary>
    public static IResult TooLarge(long maxBytes) =>
        TypedResults.Problem(Message(maxBytes), statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");
}
