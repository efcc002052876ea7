using System.Net.Sockets;
using System.Threading.Channels;
using Argus.Core.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Argus.Operations.Notifications;

/// <summary>
/// Sends notifications to a tenant's channels. <see cref="DispatchAsync"/> only queues (one delivery per channel) and
/// returns at once, so an alert evaluator is never held up by a slow or dead endpoint; <see cref="NotificationWorker"/>
/// sends from the queue with retries. Every attempt, and every delivery the full queue refused, is in the delivery log.
/// Queued deliveries are also kept in an <see cref="IPendingDeliveryStore"/> until they end, so that those a stop
/// interrupts (waiting in the queue, between retries, or in flight) are sent at the next start.
/// </summary>
public sealed class NotificationDispatcher
{
    private static readonly ResiliencePropertyKey<DeliveryState> StateKey = new("argus.notification.delivery");

    private readonly INotificationChannelStore _channels;
    private readonly IDeliveryLog _log;
    private readonly IPendingDeliveryStore _pending;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelTransport _transport;
    private readonly Channel<Delivery> _queue;
    private readonly ResiliencePipeline<SendResult> _withRetries;
    private readonly ResiliencePipeline<SendResult> _once;

    // Deliveries kept before this instance started belong to an earlier run: ResumeAsync loads those and no others.
    private readonly DateTimeOffset _startedAt;

    /// <summary>
    /// Creates the dispatcher; the server registers it as a singleton. Every connection to a channel goes through
    /// <paramref name="policy"/>, and no redirect is followed (it could carry the signed body or a Slack token somewhere unintended).
    /// </summary>
    public NotificationDispatcher(
        INotificationChannelStore channels, IDeliveryLog log, IPendingDeliveryStore pending, IOptions<NotificationOptions> options, TimeProvider time,
        ILogger<NotificationDispatcher> logger, OutboundAddressPolicy policy)
        : this(channels, log, pending, options.Value, time, logger, policy.CreateHttpHandler(), policy)
    {
    }

    internal NotificationDispatcher(
        INotificationChannelStore channels, IDeliveryLog log, IPendingDeliveryStore pending, NotificationOptions options, TimeProvider time, ILogger logger,
        HttpMessageHandler handler, OutboundAddressPolicy? policy = null)
    {
        _channels = channels;
        _log = log;
        _pending = pending;
        _startedAt = time.GetUtcNow();
        _options = options;
        _time = time;
        _logger = logger;
        // The per-attempt timeout is Polly's, driven by the TimeProvider; HttpClient's own would use the wall clock.
        _transport = new ChannelTransport(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, time, policy ?? OutboundAddressPolicy.Default);

        // Wait is the full mode, but only TryWrite is used: a full queue refuses at once and the delivery is logged as dropped.
        _queue = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        _withRetries = BuildPipeline(options.MaxAttempts);
        _once = BuildPipeline(1);
    }

    /// <summary>The queue the worker drains.</summary>
    internal ChannelReader<Delivery> Queue => _queue.Reader;

    /// <summary>
    /// Queues <paramref name="message"/> for the tenant's channels named in <paramref name="channelNames"/>, or for all
    /// its enabled channels when that is null. Returns without waiting for any delivery; unknown or disabled names are
    /// reported in <see cref="DispatchResult.Unavailable"/>, and deliveries refused by a full queue are marked and logged.
    /// </summary>
    public async Task<DispatchResult> DispatchAsync(
        string tenantId, NotificationMessage message, IReadOnlyList<string>? channelNames = null, CancellationToken cancellationToken = default)
    {
        var channels = new List<NotificationChannel>();
        var unavailable = new List<string>();
        if (channelNames is null)
        {
            channels.AddRange(await _channels.ListEnabledAsync(tenantId, cancellationToken));
        }
        else
        {
            foreach (var name in channelNames.Distinct(StringComparer.Ordinal))
            {
                if (await _channels.GetByNameAsync(tenantId, name, cancellationToken) is { Enabled: true } channel)
                {
                    channels.Add(channel);
                }
                else
                {
                    unavailable.Add(name);
                }
            }

            if (unavailable.Count > 0)
            {
                NotificationLog.ChannelsUnavailable(_logger, tenantId, string.Join(", ", unavailable));
            }
        }

        var queued = new List<QueuedDelivery>(channels.Count);
        foreach (var channel in channels)
        {
            var delivery = new Delivery(NewDeliveryId(), channel, message);

            // Kept before it is queued: once in the queue, the worker may finish (and forget) it at any moment.
            delivery = delivery with { Kept = await KeepAsync(delivery) };
            var accepted = _queue.Writer.TryWrite(delivery);
            if (!accepted)
            {
                NotificationLog.DeliveryDropped(_logger, delivery.Id, channel.Name, tenantId, _options.QueueCapacity);
                await RecordDroppedAsync(delivery, $"the notification queue is full ({_options.QueueCapacity} deliveries waiting)");
            }

            queued.Add(new QueuedDelivery(delivery.Id, channel.Id, channel.Name, accepted));
        }

        return new DispatchResult(queued, unavailable);
    }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="channel"/> now, in one attempt without retries (the channel
    /// test of the API), logs the attempt, and returns it.
    /// </summary>
    public Task<DeliveryAttempt> SendNowAsync(NotificationChannel channel, NotificationMessage message, CancellationToken cancellationToken = default) =>
        DeliverAsync(new Delivery(NewDeliveryId(), channel, message), _once, cancellationToken);

    /// <summary>
    /// Sends a queued delivery with retries and forgets it when it ends; one that a stop interrupts stays kept for the
    /// next start. Never throws (the worker must keep going).
    /// </summary>
    internal async Task<DeliveryAttempt> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var attempt = await DeliverAsync(delivery, _withRetries, cancellationToken);
        if (attempt.Status != DeliveryStatus.Retrying)
        {
            await ForgetAsync(delivery);
        }

        return attempt;
    }

    /// <summary>Logs a delivery that was never attempted, and forgets it.</summary>
    internal async Task RecordDroppedAsync(Delivery delivery, string reason)
    {
        await AppendAsync(Attempt(delivery, 0, DeliveryStatus.Dropped, null, reason, 0));
        await ForgetAsync(delivery);
    }

    /// <summary>
    /// Queues the deliveries an earlier run left unfinished, oldest first, waiting for room in the queue (the worker
    /// drains it meanwhile). A delivery whose channel was deleted or disabled since is dropped. Returns how many were queued.
    /// </summary>
    internal async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var left = await _pending.ListAsync(_startedAt, cancellationToken);
        if (left.Count > 0)
        {
            NotificationLog.DeliveriesResuming(_logger, left.Count);
        }

        var queued = 0;
        foreach (var kept in left)
        {
            if (await _channels.GetByIdAsync(kept.TenantId, kept.ChannelId, cancellationToken) is { Enabled: true } channel)
            {
                await _queue.Writer.WriteAsync(new Delivery(kept.DeliveryId, channel, kept.Message, Kept: true), cancellationToken);
                queued++;
            }
            else
            {
                var gone = new NotificationChannel { Id = kept.ChannelId, TenantId = kept.TenantId, Name = kept.ChannelId, Type = "unknown", Enabled = false };
                await RecordDroppedAsync(new Delivery(kept.DeliveryId, gone, kept.Message, Kept: true), "the channel was deleted or disabled before the delivery was sent");
            }
        }

        return queued;
    }

    private async Task<DeliveryAttempt> DeliverAsync(Delivery delivery, ResiliencePipeline<SendResult> pipeline, CancellationToken cancellationToken)
    {
        var state = new DeliveryState(delivery);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        Outcome<SendResult> outcome;
        try
        {
            outcome = await pipeline.ExecuteOutcomeAsync(
                async (ctx, s) =>
                {
                    s.Attempt++;
                    var started = _time.GetTimestamp();
                    try
                    {
                        return Outcome.FromResult(await _transport.SendAsync(s.Delivery.Channel, s.Delivery.Message, s.Delivery.Id, ctx.CancellationToken));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<SendResult>(ex);
                    }
                    finally
                    {
                        s.LatencyMs = _time.GetElapsedTime(started).TotalMilliseconds;
                    }
                },
                context,
                state);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var success = outcome.Result is { Success: true };

        // Interrupted by a stop: a kept delivery is not over, it resumes at the next start.
        var interrupted = !success && delivery.Kept && cancellationToken.IsCancellationRequested && outcome.Exception is OperationCanceledException;
        var attempt = Attempt(state, outcome, success ? DeliveryStatus.Sent : interrupted ? DeliveryStatus.Retrying : DeliveryStatus.Failed);
        if (success)
        {
            NotificationLog.DeliverySent(_logger, delivery.Id, delivery.Channel.Name, delivery.Channel.TenantId, state.Attempt);
        }
        else if (!interrupted)
        {
            NotificationLog.DeliveryFailed(_logger, delivery.Id, delivery.Channel.Name, delivery.Channel.TenantId, state.Attempt, attempt.Error ?? "");
        }

        await AppendAsync(attempt);
        return attempt;
    }

    private async Task<bool> KeepAsync(Delivery delivery)
    {
        try
        {
            // Not the caller's token: a delivery half-kept because its caller gave up would be worse than one kept.
            await _pending.AddAsync(new PendingDelivery(delivery.Id, delivery.Channel.TenantId, delivery.Channel.Id, delivery.Message, _time.GetUtcNow()), CancellationToken.None);
            return true;
        }
        catch (Exception ex)
        {
            NotificationLog.DeliveryNotKept(_logger, ex, delivery.Id);
            return false;
        }
    }

    private async Task ForgetAsync(Delivery delivery)
    {
        if (!delivery.Kept)
        {
            return;
        }

        try
        {
            await _pending.RemoveAsync(delivery.Id, CancellationToken.None);
        }
        catch (Exception ex)
        {
            NotificationLog.DeliveryNotForgotten(_logger, ex, delivery.Id);
        }
    }

    private ResiliencePipeline<SendResult> BuildPipeline(int maxAttempts)
    {
        var builder = new ResiliencePipelineBuilder<SendResult> { TimeProvider = _time };
        if (maxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<SendResult>
            {
                MaxRetryAttempts = maxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                // An endpoint's Retry-After wins over the back-off, up to MaxDelay so that no endpoint parks a worker for hours.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } after ? (TimeSpan?)(after < _options.MaxDelay ? after : _options.MaxDelay) : null),
                OnRetry = async args =>
                {
                    var state = args.Context.Properties.GetValue(StateKey, null!);
                    var attempt = Attempt(state, args.Outcome, DeliveryStatus.Retrying);
                    NotificationLog.DeliveryRetrying(_logger, state.Delivery.Id, state.Delivery.Channel.Name, state.Delivery.Channel.TenantId, state.Attempt, args.RetryDelay, attempt.Error ?? "");
                    await AppendAsync(attempt);
                },
            });
        }

        return builder.AddTimeout(_options.AttemptTimeout).Build();
    }

    /// <summary>Network errors, timeouts, and refusals the endpoint calls temporary (408, 429, 5xx, SMTP 4xx).</summary>
    private static bool IsTransient(Outcome<SendResult> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or SocketException or IOException or MailKit.ProtocolException or MailKit.ServiceNotConnectedException } => true,
        { Exception: null, Result.Retryable: true } => true,
        _ => false,
    };

    private DeliveryAttempt Attempt(DeliveryState state, Outcome<SendResult> outcome, DeliveryStatus status)
    {
        var result = outcome.Result;
        var error = outcome.Exception is { } ex ? Describe(ex) : result?.Error;
        return Attempt(state.Delivery, state.Attempt, status, result, error, state.LatencyMs);
    }

    private DeliveryAttempt Attempt(Delivery delivery, int number, DeliveryStatus status, SendResult? result, string? error, double latencyMs)
    {
        var channel = delivery.Channel;
        if (error is not null)
        {
            error = ChannelSecrets.Scrub(channel, error);
            error = error.Length > 1000 ? error[..1000] : error;
        }

        return new DeliveryAttempt(
            delivery.Id, channel.TenantId, channel.Id, channel.Name, channel.Type, delivery.Message.Event, number, status,
            result?.HttpStatus, result?.SmtpReply, error, Math.Round(latencyMs, 3), _time.GetUtcNow());
    }

    private string Describe(Exception exception) => exception switch
    {
        TimeoutRejectedException => $"no answer within {_options.AttemptTimeout.TotalSeconds:0.###} s",
        OperationCanceledException => "Argus stopped before the delivery finished; a queued delivery is sent again at the next start",
        HttpRequestException http => $"the request failed ({http.HttpRequestError}): {http.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private async Task AppendAsync(DeliveryAttempt attempt)
    {
        try
        {
            // Not the delivery's token: an attempt made while stopping is still worth recording.
            await _log.AppendAsync(attempt, CancellationToken.None);
        }
        catch (Exception ex)
        {
            NotificationLog.DeliveryLogFailed(_logger, ex, attempt.DeliveryId);
        }
    }

    private static string NewDeliveryId() => "dlv_" + Guid.CreateVersion7().ToString("N");

    /// <summary>What the retry callbacks need to know about the delivery in flight.</summary>
    private sealed class DeliveryState(Delivery delivery)
    {
        public Delivery Delivery { get; } = delivery;

        public int Attempt { get; set; }

        public double LatencyMs { get; set; }
    }
}

/// <summary>One message for one channel, in the queue; <paramref name="Kept"/> when it is in the <see cref="IPendingDeliveryStore"/>.</summary>
internal sealed record Delivery(string Id, NotificationChannel Channel, NotificationMessage Message, bool Kept = false);

/// <summary>What <see cref="NotificationDispatcher.DispatchAsync"/> did.</summary>
/// <param name="Deliveries">One per channel used.</param>
/// <param name="Unavailable">Requested channel names that do not exist or are disabled.</param>
public sealed record DispatchResult(IReadOnlyList<QueuedDelivery> Deliveries, IReadOnlyList<string> Unavailable);

/// <summary>A delivery handed to the queue.</summary>
/// <param name="DeliveryId">Its id in the delivery log.</param>
/// <param name="ChannelId">The channel's id.</param>
/// <param name="ChannelName">The channel's name.</param>
/// <param name="Queued">False when the queue was full and the delivery was dropped.</param>
public sealed record QueuedDelivery(string DeliveryId, string ChannelId, string ChannelName, bool Queued);
