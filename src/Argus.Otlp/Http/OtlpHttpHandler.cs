using Argus.Otlp.Proto.Collector.Logs;
using Argus.Otlp.Proto.Collector.Metrics;
using Argus.Otlp.Proto.Collector.Trace;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Argus.Otlp.Http;

/// <summary>
/// OTLP/HTTP receiver: decodes <c>application/x-protobuf</c> or <c>application/json</c> (optionally gzip), calls
/// <see cref="OtlpIngestService"/>, and answers in the request's content type. Errors are RFC 7807 problem documents.
/// </summary>
internal sealed class OtlpHttpHandler(OtlpIngestService ingest, ILogger<OtlpHttpHandler> logger)
{
    private const string ProtobufContentType = "application/x-protobuf";
    private const string JsonContentType = "application/json";

    public Task HandleTracesAsync(HttpContext context) => HandleAsync(
        context,
        ExportTraceServiceRequest.Parser,
        ingest.ExportAsync,
        (rejected, message) => rejected == 0 ? new ExportTraceServiceResponse() : new ExportTraceServiceResponse { PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = message } });

    public Task HandleLogsAsync(HttpContext context) => HandleAsync(
        context,
        ExportLogsServiceRequest.Parser,
        ingest.ExportAsync,
        (rejected, message) => rejected == 0 ? new ExportLogsServiceResponse() : new ExportLogsServiceResponse { PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = message } });

    public Task HandleMetricsAsync(HttpContext context) => HandleAsync(
        context,
        ExportMetricsServiceRequest.Parser,
        ingest.ExportAsync,
        (rejected, message) => rejected == 0 ? new ExportMetricsServiceResponse() : new ExportMetricsServiceResponse { PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = message } });

    private async Task HandleAsync<TRequest>(
        HttpContext context,
        MessageParser<TRequest> parser,
        Func<TRequest, string, CancellationToken, Task<OtlpIngestResult>> export,
        Func<long, string, IMessage> respond)
        where TRequest : IMessage<TRequest>, new()
    {
        var request = context.Request;
        var tenant = OtlpIngestService.TenantOf(context.User);
        if (tenant is null)
        {
            OtlpLog.MissingTenant(logger, request.Path);
            await ProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthenticated", "The caller is not authenticated for a tenant.");
            return;
        }

        var isJson = false;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase)
                 || (isJson = mediaType.MediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase))))
        {
            await ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Content-Type must be {ProtobufContentType} or {JsonContentType}, not '{request.ContentType}'.");
            return;
        }

        var encoding = request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length != 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported content encoding", $"Content-Encoding must be gzip or absent, not '{encoding}'.");
            return;
        }

        var limit = ingest.Options.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body of {request.ContentLength} bytes exceeds the limit of {limit} bytes.");
            return;
        }

        // Kestrel's own limit would otherwise cut in at its default (30 MB) or at a smaller server-wide value.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        TRequest message;
        using (var slot = await ingest.EnterDecodeAsync(context.RequestAborted))
        {
            if (slot is null)
            {
                context.Response.Headers.RetryAfter = "1";
                await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                    $"{ingest.Options.MaxConcurrentDecodes} requests are being decoded already (Argus:Ingest:MaxConcurrentDecodes); retry after the delay in Retry-After.");
                return;
            }

            try
            {
                using var body = await BodyReader.ReadAsync(request.Body, gzip, limit, request.ContentLength, context.RequestAborted);
                if (MessageBudget.Exceeded(body.Span, isJson ? null : new TRequest().Descriptor, ingest.Options.MinBytesPerMessage) is { } tooMany)
                {
                    await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload too large", tooMany);
                    return;
                }

                message = isJson ? OtlpJson.Parse<TRequest>(body.Span) : parser.ParseFrom(body.Span);
            }
            catch (BodyTooLargeException ex)
            {
                await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload too large", gzip ? $"The request body exceeds the limit of {ex.Limit} bytes (received or decompressed)." : ex.Message);
                return;
            }
            catch (BadHttpRequestException ex)
            {
                // Kestrel reports its own limit and malformed chunking this way.
                await ProblemAsync(context, ex.StatusCode, "Bad request", OtlpJson.OneLine(ex.Message));
                return;
            }
            catch (InvalidDataException ex)
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, "Bad request", $"The gzip body is corrupt: {OtlpJson.OneLine(ex.Message)}");
                return;
            }
            catch (InvalidProtocolBufferException ex)
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, "Bad request", $"The body is not a valid {typeof(TRequest).Name} protobuf message: {OtlpJson.OneLine(ex.Message)}");
                return;
            }
            catch (FormatException ex)
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, "Bad request", $"The body is not a valid {typeof(TRequest).Name}: {ex.Message}");
                return;
            }
        }

        // Answered only once the data is committed (or refused): a 200 means the data survives a crash.
        var result = await export(message, tenant, context.RequestAborted);
        switch (result.Status)
        {
            case OtlpIngestStatus.QueueFull:
                context.Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ProblemAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "The ingest queue is full; retry after the delay in Retry-After.");
                return;
            case OtlpIngestStatus.ShuttingDown:
                context.Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The server is shutting down.");
                return;
            case OtlpIngestStatus.WriteFailed:
                context.Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The data could not be stored and nothing of it was kept; retry after the delay in Retry-After.");
                return;
        }

        var response = respond(result.Rejected, result.ErrorMessage ?? string.Empty);
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (isJson)
        {
            context.Response.ContentType = JsonContentType;
            await context.Response.WriteAsync(OtlpJson.Formatter.Format(response), context.RequestAborted);
        }
        else
        {
            var bytes = response.ToByteArray();
            context.Response.ContentType = ProtobufContentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private Task ProblemAsync(HttpContext context, int status, string title, string detail)
    {
        OtlpLog.RequestRefused(logger, context.Request.Path, status, detail);
        return Results.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
