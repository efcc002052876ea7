using Argus.Core.Llm;
using Argus.Core.Telemetry;
using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ingest;

/// <summary>Applies the age and size limits of <see cref="RetentionOptions"/> on a timer driven by <see cref="TimeProvider"/>.</summary>
internal sealed partial class RetentionService(
    ITelemetryRetention retention,
    IOptions<ArgusOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger,
    ILlmCallRetention? callRetention = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Retention;
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal stop.
        }
    }

    /// <summary>One retention pass; public to the server for the admin API and tests.</summary>
    public async Task<RetentionResult?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Retention;
        try
        {
            var result = await retention.ApplyRetentionAsync(time.GetUtcNow() - settings.MaxAge, settings.MaxSizeBytes, cancellationToken);
            if (result.SpansDeleted + result.LogsDeleted + result.MetricPointsDeleted > 0)
            {
                LogRetention(logger, result.SpansDeleted, result.LogsDeleted, result.MetricPointsDeleted, result.BytesAfter);
            }

            if (callRetention is not null && settings.MaxLlmCalls > 0)
            {
                var calls = await callRetention.TrimLlmCallsAsync(settings.MaxLlmCalls, cancellationToken);
                if (calls > 0)
                {
                    LogCallRetention(logger, calls, settings.MaxLlmCalls);
                }
            }

            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRetentionFailed(logger, ex);
            return null;
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Retention deleted {Spans} spans, {Logs} logs, {Points} metric points; store is {Bytes} bytes")]
    private static partial void LogRetention(ILogger logger, long spans, long logs, long points, long bytes);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Retention deleted the {Calls} oldest LLM calls to keep at most {Max}")]
    private static partial void LogCallRetention(ILogger logger, long calls, long max);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Retention pass failed; it will run again at the next interval")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);
}
