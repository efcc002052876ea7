using System.Threading.Channels;
using Argus.Operations.Alerting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Operations.IncidentReports;

/// <summary>
/// Firings waiting for their report, between the evaluator (which must never wait on an LLM) and the report worker.
/// Bounded; only <c>TryWrite</c> is used, so a full queue refuses at once and the evaluator records the alert as
/// unreported instead of blocking (the Wait full mode is never reached).
/// </summary>
public sealed class IncidentQueue : IAlertReporter
{
    private readonly Channel<(AlertFiring Firing, bool Resolved)> _queue;

    public IncidentQueue(IOptions<AlertingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = Channel.CreateBounded<(AlertFiring, bool)>(new BoundedChannelOptions(options.Value.ReportQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    internal ChannelReader<(AlertFiring Firing, bool Resolved)> Reader => _queue.Reader;

    public bool TryReport(AlertFiring firing) => _queue.Writer.TryWrite((firing, false));

    public bool TryReportResolved(AlertFiring resolved) => _queue.Writer.TryWrite((resolved, true));
}

/// <summary>Writes the reports of queued firings one at a time (an LLM call each), and sends resolution notices.</summary>
public sealed partial class IncidentReportWorker(IncidentQueue queue, IncidentReporter reporter, ILogger<IncidentReportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (firing, resolved) in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (resolved)
                {
                    await reporter.NotifyResolvedAsync(firing, stoppingToken);
                }
                else
                {
                    await reporter.ReportAsync(firing, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, firing.Alert.Id, firing.Alert.TenantId, ex);
            }
        }
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "The report of alert {Alert} of tenant {Tenant} failed")]
    private static partial void LogFailed(ILogger logger, string alert, string tenant, Exception exception);
}
