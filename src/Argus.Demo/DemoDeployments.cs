using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Argus.Demo;

/// <summary>What a demo deployment does to the workload, and so what its first check should say.</summary>
public enum DemoDeploymentKind
{
    /// <summary>Changes nothing the checks measure: STABLE.</summary>
    Good,
    /// <summary>Makes order-service fail and slow down until the rollback: UNSTABLE.</summary>
    Bad,
    /// <summary>Undoes the bad one; the demo's regular faults remain (see <see cref="DemoDeploymentPlan"/>).</summary>
    Rollback,
}

/// <summary>One deployment of the demo's story, <see cref="After"/> the demo's start.</summary>
public sealed record DemoDeployment(
    TimeSpan After, string Application, string Version, DemoDeploymentKind Kind, string Commit, string Who, string Description)
{
    /// <summary>The commit's address (a made-up repository under example.com).</summary>
    public string CommitUrl => $"https://git.example.com/shop/{Application}/commit/{Commit}";
}

/// <summary>
/// The demo's deployments, once per start: a bad order-service release, its rollback, then a good shop-frontend release.
/// <para>
/// Why this order and these services. Without a baseline (a fresh demo) change tracking judges a window of
/// <see cref="CheckWindow"/> on absolute limits: error ratio over 5 %, p95 over 2 s (both UNSTABLE), more than 5
/// ERROR logs a minute, or any alert that fired in the window (both MOSTLY_STABLE). Every 10-minute window holds one
/// whole fault cycle, wherever it starts, because the cycle is 10 minutes too: the exception burst (30 s, half the
/// requests: 2.5 % failed, and 6 to 24 ERROR logs a minute in order-service) and the slow payment API and slow SQL
/// (together at most about 4.7 % of requests over 2 s, at the quietest hour, so p95 stays under the limit). The demo's
/// alert rules are all on order-service; they fire in the first cycle and stay open, since each cycle's fault comes
/// back before the last one leaves their 10-minute window. So order-service is never STABLE in a fresh demo (its error
/// logs: the rollback's first check is MOSTLY_STABLE), while shop-frontend, which has no rule and logs its callee's
/// failures at WARN, is STABLE in any window without the bad release. The bad release fails 40 % of order placements
/// (12 % of requests) and holds each one 2.4 to 4 s on a row lock (30 % of requests), far over both critical limits.
/// </para>
/// <para>
/// The frontend calls order-service on every request, so a window of the frontend that overlaps the bad release is
/// bad too: the good release comes after the rollback, and its first window is clear of it.
/// </para>
/// </summary>
public sealed class DemoDeploymentPlan(DateTimeOffset start)
{
    /// <summary>The window change tracking measures for its first check (<c>Argus:ChangeTracking:Window</c>'s default).</summary>
    public static readonly TimeSpan CheckWindow = TimeSpan.FromMinutes(10);

    /// <summary>The story, in time order.</summary>
    public static IReadOnlyList<DemoDeployment> Steps { get; } =
    [
        new(TimeSpan.FromMinutes(1), "order-service", "1.5.0", DemoDeploymentKind.Bad, "9f3c2a1e7b4d",
            "dana", "Apply discounts inside the order transaction (locks the customer's open orders)"),
        new(TimeSpan.FromMinutes(12), "order-service", "1.5.1", DemoDeploymentKind.Rollback, "4b8e0d6c2f19",
            "dana", "Revert \"Apply discounts inside the order transaction\": rollback of 1.5.0"),
        new(TimeSpan.FromMinutes(13), "shop-frontend", "1.4.3", DemoDeploymentKind.Good, "c71a5e93d08b",
            "lee", "Product page: lazy-load images below the fold"),
    ];

    /// <summary>When the demo started; every step is relative to it.</summary>
    public DateTimeOffset Start { get; } = start;

    /// <summary>When a step happens.</summary>
    public DateTimeOffset At(DemoDeployment step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Start + step.After;
    }

    /// <summary>The first step of a kind.</summary>
    public static DemoDeployment First(DemoDeploymentKind kind) => Steps.First(s => s.Kind == kind);

    /// <summary>When the last step's first check is due (its window's end); checks run at the scheduler's next pass.</summary>
    public DateTimeOffset FirstVerdictsDue => At(Steps[^1]) + CheckWindow;

    /// <summary>Whether order-service runs the bad release for a transaction starting at <paramref name="at"/>.</summary>
    public bool OrderServiceRegressedAt(DateTimeOffset at) =>
        at >= At(First(DemoDeploymentKind.Bad)) && at < At(First(DemoDeploymentKind.Rollback));
}

/// <summary>
/// Records the plan's deployments in Argus as a CI job would: <c>POST /api/deployments</c> with an ingest key at each
/// step's time (on the given <see cref="TimeProvider"/>), and <c>/finish</c> with <c>failed</c> for the bad one when its
/// rollback comes. A step Argus refuses is logged and skipped; the workload's behaviour follows the plan regardless.
/// </summary>
public sealed partial class DemoDeploymentRecorder(HttpClient client, string apiKey, TimeProvider time, ILogger logger)
{
    /// <summary>The ids of the deployments recorded so far, by version.</summary>
    public IReadOnlyDictionary<string, string> Recorded => _recorded;

    private readonly Dictionary<string, string> _recorded = new(StringComparer.Ordinal);

    /// <summary>Runs the plan to its end (or until cancelled). <paramref name="client"/>'s base address is Argus's API.</summary>
    public async Task RunAsync(DemoDeploymentPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            foreach (var step in DemoDeploymentPlan.Steps)
            {
                var due = plan.At(step) - time.GetUtcNow();
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, cancellationToken);
                }

                await RecordAsync(plan, step, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task RecordAsync(DemoDeploymentPlan plan, DemoDeployment step, CancellationToken cancellationToken)
    {
        var at = plan.At(step);
        var body = new JsonObject
        {
            ["applications"] = new JsonArray(step.Application),
            ["version"] = step.Version,
            ["environment"] = "production",
            ["startedAt"] = at.ToString("O", CultureInfo.InvariantCulture),
            ["commit"] = step.Commit,
            ["commitUrl"] = step.CommitUrl,
            ["who"] = step.Who,
            ["description"] = step.Description,
        };
        using var created = await SendAsync("api/deployments", body, cancellationToken);
        if (created is null || !created.RootElement.TryGetProperty("deployment", out var deployment)
            || !deployment.TryGetProperty("id", out var idProperty) || idProperty.GetString() is not { } id)
        {
            return;
        }

        _recorded[step.Version] = id;
        LogRecorded(logger, step.Application, step.Version, step.Kind, id);
        if (step.Kind == DemoDeploymentKind.Rollback && _recorded.TryGetValue(DemoDeploymentPlan.First(DemoDeploymentKind.Bad).Version, out var bad))
        {
            var finish = new JsonObject { ["at"] = at.ToString("O", CultureInfo.InvariantCulture), ["failed"] = true };
            using var _ = await SendAsync($"api/deployments/{Uri.EscapeDataString(bad)}/finish", finish, cancellationToken);
        }
    }

    private async Task<JsonDocument?> SendAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, path, (int)response.StatusCode, text);
                return null;
            }

            return JsonDocument.Parse(text);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFailed(logger, path, ex);
            return null;
        }
    }

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Demo deployment recorded: {Application} {Version} ({Kind}) as {Id}")]
    private static partial void LogRecorded(ILogger logger, string application, string version, DemoDeploymentKind kind, string id);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Demo deployment step POST {Path} refused with {Status}: {Body}")]
    private static partial void LogRefused(ILogger logger, string path, int status, string body);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "Demo deployment step POST {Path} failed")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);
}
