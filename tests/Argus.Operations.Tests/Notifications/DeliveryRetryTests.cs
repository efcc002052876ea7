using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Argus.Operations.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Operations.Tests.Notifications;

/// <summary>The retry policy, on simulated time: a scripted HTTP endpoint answers each attempt.</summary>
public sealed class DeliveryRetryTests
{
    private const string HookUrl = "https://hooks.example.com/services/T000/B000/tok3n-SECRET";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MemoryDeliveryLog _log = new();
    private readonly MemoryPendingDeliveries _pending = new();

    [Fact]
    public async Task A_503_then_a_200_is_two_attempts_retrying_then_sent()
    {
        var endpoint = new ScriptedEndpoint(_time, Answer(HttpStatusCode.ServiceUnavailable), Answer(HttpStatusCode.OK));
        var dispatcher = Dispatcher(endpoint, new NotificationOptions { BaseDelay = TimeSpan.FromSeconds(1) });

        var final = await RunAsync(dispatcher.DeliverAsync(Delivery(ChannelTypes.Webhook), CancellationToken.None));

        Assert.Equal(DeliveryStatus.Sent, final.Status);
        Assert.Equal(2, endpoint.Requests.Count);
        Assert.Collection(
            _log.Attempts,
            a => Assert.Equal((1, DeliveryStatus.Retrying, (int?)503), (a.Attempt, a.Status, a.HttpStatus)),
            a => Assert.Equal((2, DeliveryStatus.Sent, (int?)200), (a.Attempt, a.Status, a.HttpStatus)));
        Assert.Single(_log.Attempts.Select(a => a.DeliveryId).Distinct());
        // Every attempt of a delivery carries the same id, for de-duplication by the receiver.
        Assert.Single(endpoint.Requests.Select(r => r.Headers.GetValues(WebhookPayload.DeliveryHeader).Single()).Distinct());
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        var endpoint = new ScriptedEndpoint(_time, Answer(HttpStatusCode.BadRequest, "invalid_payload"), Answer(HttpStatusCode.OK));
        var dispatcher = Dispatcher(endpoint, new NotificationOptions());

        var final = await RunAsync(dispatcher.DeliverAsync(Delivery(ChannelTypes.Slack), CancellationToken.None));

        Assert.Equal(DeliveryStatus.Failed, final.Status);
        Assert.Single(endpoint.Requests);
        var attempt = Assert.Single(_log.Attempts);
        Assert.Equal((1, 400), (attempt.Attempt, attempt.HttpStatus));
        Assert.Contains("invalid_payload", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_after_is_honoured_instead_of_the_back_off()
    {
        var endpoint = new ScriptedEndpoint(_time, Answer(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(30)), Answer(HttpStatusCode.OK));
        var dispatcher = Dispatcher(endpoint, new NotificationOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMinutes(5) });

        var task = dispatcher.DeliverAsync(Delivery(ChannelTypes.Webhook), CancellationToken.None);
        await WaitUntilAsync(() => _log.Attempts.Count == 1);

        // The back-off alone (about 100 ms) would have retried long before 29.9 s.
        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Single(endpoint.Requests);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var final = await task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeliveryStatus.Sent, final.Status);
        Assert.Equal(2, endpoint.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(30), endpoint.Requests[1].At - endpoint.Requests[0].At);
    }

    [Fact]
    public async Task Network_errors_and_timeouts_are_retried_until_the_last_attempt_fails()
    {
        var endpoint = new ScriptedEndpoint(
            _time,
            _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (hooks.example.com:443)"),
            async ct =>
            {
                // Never answers: the attempt timeout ends it.
                await Task.Delay(Timeout.Infinite, ct);
                return new HttpResponseMessage(HttpStatusCode.OK);
            },
            Answer(HttpStatusCode.BadGateway, "upstream " + HookUrl + " is down"));
        var dispatcher = Dispatcher(endpoint, new NotificationOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(5) });

        var final = await RunAsync(dispatcher.DeliverAsync(Delivery(ChannelTypes.Slack), CancellationToken.None));

        Assert.Equal(DeliveryStatus.Failed, final.Status);
        Assert.Equal([DeliveryStatus.Retrying, DeliveryStatus.Retrying, DeliveryStatus.Failed], _log.Attempts.Select(a => a.Status));
        Assert.Contains("ConnectionError", _log.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Contains("no answer within 5 s", _log.Attempts[1].Error, StringComparison.Ordinal);
        Assert.Equal(502, _log.Attempts[2].HttpStatus);

        // The Slack URL is a credential: the endpoint echoed it, the log does not; an answer is reported by its status, never its body.
        Assert.All(_log.Attempts, a => Assert.DoesNotContain("tok3n-SECRET", a.Error, StringComparison.Ordinal));
        Assert.Equal("HTTP 502", _log.Attempts[2].Error);
    }

    [Fact]
    public async Task A_full_queue_drops_the_delivery_and_logs_it_without_waiting()
    {
        var endpoint = new ScriptedEndpoint(_time);
        var store = new MemoryChannelStore(Channel(ChannelTypes.Webhook, "a"), Channel(ChannelTypes.Webhook, "b"), Channel(ChannelTypes.Webhook, "off") with { Enabled = false });
        var dispatcher = new NotificationDispatcher(store, _log, _pending, new NotificationOptions { QueueCapacity = 1 }, _time, NullLogger.Instance, endpoint);
        var message = new NotificationMessage(NotificationEvents.AlertFiring, "t", "warning", "x");

        var result = await dispatcher.DispatchAsync("t1", message, ["a", "b", "off", "missing"]);

        Assert.Equal([("a", true), ("b", false)], result.Deliveries.Select(d => (d.ChannelName, d.Queued)));
        Assert.Equal(["off", "missing"], result.Unavailable);
        var dropped = Assert.Single(_log.Attempts);
        Assert.Equal((DeliveryStatus.Dropped, "b", 0), (dropped.Status, dropped.ChannelName, dropped.Attempt));
        Assert.Contains("queue is full", dropped.Error, StringComparison.Ordinal);
        Assert.Empty(endpoint.Requests);

        // The queued delivery is kept for a restart; the dropped one is not.
        Assert.Equal([result.Deliveries[0].DeliveryId], _pending.Ids);

        // Without names: every enabled channel.
        var all = await dispatcher.DispatchAsync("t1", message);
        Assert.Equal(["a", "b"], all.Deliveries.Select(d => d.ChannelName));
    }

    [Fact]
    public async Task A_queued_delivery_is_kept_until_it_ends_and_one_a_stop_interrupts_stays_kept()
    {
        var endpoint = new ScriptedEndpoint(_time, Answer(HttpStatusCode.OK), Answer(HttpStatusCode.ServiceUnavailable));
        var dispatcher = new NotificationDispatcher(
            new MemoryChannelStore(Channel(ChannelTypes.Webhook, "a")), _log, _pending, new NotificationOptions { BaseDelay = TimeSpan.FromSeconds(10) }, _time,
            NullLogger.Instance, endpoint);
        var message = new NotificationMessage(NotificationEvents.AlertFiring, "t", "warning", "x");

        // Sent: forgotten.
        var first = (await dispatcher.DispatchAsync("t1", message, ["a"])).Deliveries[0].DeliveryId;
        Assert.Equal([first], _pending.Ids);
        Assert.True(dispatcher.Queue.TryRead(out var queued));
        Assert.Equal(DeliveryStatus.Sent, (await RunAsync(dispatcher.DeliverAsync(queued, CancellationToken.None))).Status);
        Assert.Empty(_pending.Ids);

        // Argus stops while the delivery waits to retry: the attempt is logged as retrying and the delivery stays kept.
        var second = (await dispatcher.DispatchAsync("t1", message, ["a"])).Deliveries[0].DeliveryId;
        Assert.True(dispatcher.Queue.TryRead(out queued));
        using var stopping = new CancellationTokenSource();
        var task = dispatcher.DeliverAsync(queued, stopping.Token);
        await WaitUntilAsync(() => _log.Attempts.Count(a => a.DeliveryId == second) == 1);
        await stopping.CancelAsync();
        var interrupted = await task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeliveryStatus.Retrying, interrupted.Status);
        Assert.Contains("sent again at the next start", interrupted.Error, StringComparison.Ordinal);
        Assert.Equal([second], _pending.Ids);
    }

    [Fact]
    public async Task Deliveries_an_earlier_run_left_are_queued_again_and_those_of_a_deleted_channel_are_dropped()
    {
        var message = new NotificationMessage(NotificationEvents.IncidentReport, "report", "critical", "text");
        var earlier = _time.GetUtcNow().AddMinutes(-5);
        await _pending.AddAsync(new PendingDelivery("dlv_old_a", "t1", "ch_a", message, earlier), default);
        await _pending.AddAsync(new PendingDelivery("dlv_old_gone", "t1", "ch_gone", message, earlier.AddSeconds(1)), default);
        var dispatcher = new NotificationDispatcher(
            new MemoryChannelStore(Channel(ChannelTypes.Webhook, "a")), _log, _pending, new NotificationOptions(), _time, NullLogger.Instance, new ScriptedEndpoint(_time));

        // A delivery of this run is in the queue already; it must not be queued twice.
        var current = (await dispatcher.DispatchAsync("t1", message, ["a"])).Deliveries[0].DeliveryId;
        Assert.Equal(1, await dispatcher.ResumeAsync(CancellationToken.None));

        Assert.True(dispatcher.Queue.TryRead(out var first));
        Assert.True(dispatcher.Queue.TryRead(out var resumed));
        Assert.False(dispatcher.Queue.TryRead(out _));
        Assert.Equal((current, "dlv_old_a"), (first.Id, resumed.Id));
        Assert.Equal(("a", "text"), (resumed.Channel.Name, resumed.Message.Text));
        var dropped = Assert.Single(_log.Attempts);
        Assert.Equal(("dlv_old_gone", DeliveryStatus.Dropped), (dropped.DeliveryId, dropped.Status));
        Assert.Contains("deleted or disabled", dropped.Error, StringComparison.Ordinal);
        Assert.Equal(new[] { "dlv_old_a", current }.Order(StringComparer.Ordinal), _pending.Ids.Order(StringComparer.Ordinal));
    }

    private NotificationDispatcher Dispatcher(ScriptedEndpoint endpoint, NotificationOptions options) =>
        new(new MemoryChannelStore(), _log, _pending, options, _time, NullLogger.Instance, endpoint);

    private static NotificationChannel Channel(string type, string name = "ops") => new()
    {
        Id = "ch_" + name,
        TenantId = "t1",
        Name = name,
        Type = type,
        Url = HookUrl,
        Secret = type == ChannelTypes.Webhook ? "whsec" : null,
    };

    private static Delivery Delivery(string type) =>
        new("dlv_1", Channel(type), new NotificationMessage(NotificationEvents.AlertFiring, "error rate", "critical", "5% errors"));

    private static Func<CancellationToken, Task<HttpResponseMessage>> Answer(HttpStatusCode status, string body = "", TimeSpan? retryAfter = null) => _ =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(after);
        }

        return Task.FromResult(response);
    };

    /// <summary>Moves simulated time on until the delivery is over (retry delays and timeouts run on it).</summary>
    private async Task<DeliveryAttempt> RunAsync(Task<DeliveryAttempt> task)
    {
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1);
        }

        Assert.True(task.IsCompleted, "the delivery did not finish within 2500 simulated seconds");
        return await task;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 5_000 && !condition(); i++)
        {
            await Task.Delay(1);
        }

        Assert.True(condition());
    }

    /// <summary>An HTTP endpoint answering attempt n with the n-th script (the last one repeats), noting when each request came.</summary>
    private sealed class ScriptedEndpoint(TimeProvider time, params Func<CancellationToken, Task<HttpResponseMessage>>[] script) : HttpMessageHandler
    {
        public List<(DateTimeOffset At, HttpRequestHeaders Headers)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add((time.GetUtcNow(), request.Headers));
                return script[Math.Min(Requests.Count, script.Length) - 1](cancellationToken);
            }
        }
    }

    private sealed class MemoryChannelStore(params NotificationChannel[] channels) : INotificationChannelStore
    {
        public Task<NotificationChannel?> GetByNameAsync(string tenantId, string name, CancellationToken cancellationToken) =>
            Task.FromResult(channels.FirstOrDefault(c => c.TenantId == tenantId && c.Name == name));

        public Task<IReadOnlyList<NotificationChannel>> ListEnabledAsync(string tenantId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<NotificationChannel>>([.. channels.Where(c => c.TenantId == tenantId && c.Enabled)]);

        public Task<NotificationChannel?> GetByIdAsync(string tenantId, string id, CancellationToken cancellationToken) =>
            Task.FromResult(channels.FirstOrDefault(c => c.TenantId == tenantId && c.Id == id));
    }

    private sealed class MemoryPendingDeliveries : IPendingDeliveryStore
    {
        private readonly ConcurrentDictionary<string, PendingDelivery> _kept = new();

        public List<string> Ids => [.. _kept.Keys];

        public Task AddAsync(PendingDelivery delivery, CancellationToken cancellationToken)
        {
            _kept[delivery.DeliveryId] = delivery;
            return Task.CompletedTask;
        }

        public Task RemoveAsync(string deliveryId, CancellationToken cancellationToken)
        {
            _kept.TryRemove(deliveryId, out _);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<PendingDelivery>> ListAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PendingDelivery>>([.. _kept.Values.Where(d => d.QueuedAt < before).OrderBy(d => d.QueuedAt)]);
    }

    private sealed class MemoryDeliveryLog : IDeliveryLog
    {
        private readonly ConcurrentQueue<DeliveryAttempt> _attempts = new();

        public List<DeliveryAttempt> Attempts => [.. _attempts];

        public Task AppendAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
        {
            _attempts.Enqueue(attempt);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeliveryAttempt>> QueryAsync(string tenantId, DeliveryQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeliveryAttempt>>([.. _attempts.Where(a => a.TenantId == tenantId).Reverse().Take(query.Limit)]);
    }
}
