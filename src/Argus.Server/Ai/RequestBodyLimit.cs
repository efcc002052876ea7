namespace Argus.Server.Ai;

/// <summary>
/// The body limit of <c>/v1/chat/completions</c>, which answers 413 in OpenAI's error shape and so applies its limit
/// itself (every other API route gets its limit from <see cref="Api.RequestBodyLimits"/>): a declared Content-Length
/// over the limit is refused before reading, and Kestrel enforces the limit while reading a body without one
/// (chunked), surfacing as <see cref="BadHttpRequestException"/> with status 413.
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

    /// <summary>The explanation, naming the setting.</summary>
    public static string Message(long maxBytes) => $"The request body exceeds the limit of {maxBytes} bytes (Argus:Ai:MaxRequestBodyBytes for chat calls).";
}
