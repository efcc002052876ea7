using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Operations.ChangeTracking;

/// <summary>A new deployment as callers describe it (API, CLI, GitHub).</summary>
public sealed record DeploymentRequest
{
    /// <summary>The applications (service names).</summary>
    public IReadOnlyList<string>? Applications { get; init; }

    /// <summary>The version.</summary>
    public string? Version { get; init; }

    /// <summary>The environment.</summary>
    public string? Environment { get; init; }

    /// <summary>A planned start: the deployment gets the pre-checks and waits for <c>/start</c>.</summary>
    public DateTimeOffset? PlannedAt { get; init; }

    /// <summary>The actual start (no pre-check). When neither is given the deployment starts now.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The commit.</summary>
    public string? Commit { get; init; }

    /// <summary>Link to the commit.</summary>
    public string? CommitUrl { get; init; }

    /// <summary>Link to the pull request.</summary>
    public string? PullRequestUrl { get; init; }

    /// <summary>Who deploys.</summary>
    public string? Who { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Offsets for this deployment only (else the configured schedule).</summary>
    public IReadOnlyList<string>? Checks { get; init; }
}

/// <summary>The gate's answer: go or no-go from the latest check, in a shape Argo Rollouts' web metric reads.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="Go">True unless the latest check is UNSTABLE.</param>
/// <param name="State">The latest check's state, or <c>PENDING</c> before any check.</param>
/// <param name="Check">The latest check's offset.</param>
/// <param name="CheckedAt">When it ran.</param>
/// <param name="Reason">Why.</param>
public sealed record GateAnswer(string DeploymentId, bool Go, string State, string? Check, DateTimeOffset? CheckedAt, string Reason);

/// <summary>Deployments and their schedules: create, start, finish, run a check, answer the gate.</summary>
public sealed class DeploymentService(IDeploymentStore store, ChangeTracker tracker, TimeProvider time, IOptions<ChangeTrackingOptions> options)
{
    /// <summary>Validates and stores a new deployment with its checks; returns the problems instead when there are any.</summary>
    public async Task<(Deployment? Deployment, Dictionary<string, string[]> Problems)> CreateAsync(
        string tenantId, DeploymentRequest request, string source, string? externalId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var apps = (request.Applications ?? []).Select(a => a?.Trim() ?? "").ToList();
        if (apps.Count == 0)
        {
            problems["applications"] = ["give at least one application (service name)."];
        }
        else if (apps.Count > o.MaxApplicationsPerDeployment)
        {
            problems["applications"] = [$"at most {o.MaxApplicationsPerDeployment} applications per deployment (Argus:ChangeTracking:MaxApplicationsPerDeployment)."];
        }
        else if (apps.Any(a => a.Length is 0 or > 200))
        {
            problems["applications"] = ["application names are 1 to 200 characters."];
        }

        if (request.PlannedAt is not null && request.StartedAt is not null)
        {
            problems["startedAt"] = ["give either plannedAt (a planned deployment) or startedAt (one that started), not both."];
        }

        foreach (var (name, value) in new[] { ("version", request.Version), ("environment", request.Environment), ("commit", request.Commit), ("who", request.Who) })
        {
            if (value is { Length: > 200 })
            {
                problems[name] = ["at most 200 characters."];
            }
        }

        foreach (var (name, value) in new[] { ("commitUrl", request.CommitUrl), ("pullRequestUrl", request.PullRequestUrl) })
        {
            if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || value.Length > 2000))
            {
                problems[name] = ["an absolute http(s) URL of at most 2000 characters."];
            }
        }

        if (request.Description is { Length: > 2000 })
        {
            problems["description"] = ["at most 2000 characters."];
        }

        IReadOnlyList<TimeSpan> offsets = [];
        if (request.Checks is { } checks)
        {
            var bad = checks.Where(c => ChangeTrackingOptions.ParseOffset(c) is null).ToList();
            if (bad.Count > 0 || checks.Count is 0 or > 50)
            {
                problems["checks"] = [.. bad.Select(b => $"'{b}' is not an offset such as -30m, +10m, +1h or +1d."), .. checks.Count is 0 or > 50 ? ["list 1 to 50 offsets."] : Array.Empty<string>()];
            }
            else
            {
                offsets = [.. checks.Select(c => ChangeTrackingOptions.ParseOffset(c)!.Value).Distinct().Order()];
            }
        }
        else if (apps.Count > 0)
        {
            offsets = o.OffsetsFor(tenantId, apps);
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var now = time.GetUtcNow();
        var planned = request.PlannedAt is not null;
        var deployment = new Deployment
        {
            Id = "dep_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            TenantId = tenantId,
            Applications = apps.Distinct(StringComparer.Ordinal).ToList(),
            Version = request.Version,
            Environment = request.Environment,
            Status = planned ? "planned" : "started",
            PlannedAt = request.PlannedAt,
            StartedAt = planned ? null : request.StartedAt ?? now,
            Commit = request.Commit,
            CommitUrl = request.CommitUrl,
            PullRequestUrl = request.PullRequestUrl,
            Who = request.Who,
            Description = request.Description,
            Source = source,
            ExternalId = externalId,
            Offsets = [.. offsets.Select(ChangeTrackingOptions.Label)],
            CreatedAt = now,
        };
        await store.SaveDeploymentAsync(deployment, cancellationToken);
        if (planned)
        {
            // Only a deployment planned ahead gets the pre-checks; the rest of the schedule waits for its start.
            foreach (var offset in offsets.Where(x => x < TimeSpan.Zero))
            {
                await store.SaveCheckAsync(NewCheck(deployment, offset, request.PlannedAt!.Value), cancellationToken);
            }
        }
        else
        {
            await ScheduleAfterStartAsync(deployment, [], cancellationToken);
        }

        return (deployment, problems);
    }

    /// <summary>Marks a deployment started (now or at <paramref name="at"/>) and schedules its checks after the start.</summary>
    public async Task<Deployment?> StartAsync(string tenantId, string id, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var deployment = await store.GetDeploymentAsync(tenantId, id, cancellationToken);
        if (deployment is null)
        {
            return null;
        }

        if (deployment.StartedAt is not null)
        {
            return deployment;
        }

        deployment = deployment with { Status = "started", StartedAt = at ?? time.GetUtcNow() };
        await store.SaveDeploymentAsync(deployment, cancellationToken);
        var existing = await store.GetChecksAsync(tenantId, id, cancellationToken);
        foreach (var pre in existing.Where(c => c.Status == "scheduled" && c.DueAt > deployment.StartedAt))
        {
            await store.SaveCheckAsync(pre with { Status = "skipped", Error = "the deployment started before this pre-check was due." }, cancellationToken);
        }

        await ScheduleAfterStartAsync(deployment, existing, cancellationToken);
        return deployment;
    }

    /// <summary>Marks a deployment finished (or failed); its checks keep running.</summary>
    public async Task<Deployment?> FinishAsync(string tenantId, string id, DateTimeOffset? at, bool failed, CancellationToken cancellationToken)
    {
        var deployment = await store.GetDeploymentAsync(tenantId, id, cancellationToken);
        if (deployment is null)
        {
            return null;
        }

        if (deployment.StartedAt is null)
        {
            deployment = await StartAsync(tenantId, id, at, cancellationToken) ?? deployment;
        }

        deployment = deployment with { Status = failed ? "failed" : "finished", FinishedAt = at ?? time.GetUtcNow() };
        await store.SaveDeploymentAsync(deployment, cancellationToken);
        return deployment;
    }

    /// <summary>Runs the check at <paramref name="offset"/> now (creating it when the schedule has no such offset).</summary>
    public async Task<DeploymentCheck?> RunCheckAsync(string tenantId, string id, TimeSpan offset, CancellationToken cancellationToken)
    {
        var deployment = await store.GetDeploymentAsync(tenantId, id, cancellationToken);
        if (deployment is null)
        {
            return null;
        }

        var label = ChangeTrackingOptions.Label(offset);
        var check = (await store.GetChecksAsync(tenantId, id, cancellationToken)).FirstOrDefault(c => c.Offset == label)
            ?? NewCheck(deployment, offset, (offset < TimeSpan.Zero ? deployment.PlannedAt ?? deployment.StartedAt : deployment.StartedAt ?? deployment.PlannedAt) ?? time.GetUtcNow());
        return await tracker.RunAsync(deployment, check, "manual", cancellationToken);
    }

    /// <summary>Go or no-go from the latest check that ran.</summary>
    public static GateAnswer Gate(Deployment deployment, IReadOnlyList<DeploymentCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(checks);
        var latest = checks.Where(c => c.Verdict is not null).MaxBy(c => c.DueAt);
        if (latest is null)
        {
            return new GateAnswer(deployment.Id, true, "PENDING", null, null, "No check has run yet.");
        }

        var state = latest.Verdict!.State;
        var go = state != HealthStates.Unstable;
        var failing = latest.Verdict.Applications.Where(a => a.State == HealthStates.Unstable).Select(a => $"{a.Name} ({string.Join(", ", a.Metric)})");
        return new GateAnswer(deployment.Id, go, state, latest.Offset, latest.RanAt,
            go ? $"The latest check ({latest.Offset}) is {state}." : $"The latest check ({latest.Offset}) is UNSTABLE: {string.Join("; ", failing)}.");
    }

    private async Task ScheduleAfterStartAsync(Deployment deployment, IReadOnlyList<DeploymentCheck> existing, CancellationToken cancellationToken)
    {
        foreach (var label in deployment.Offsets)
        {
            var offset = ChangeTrackingOptions.ParseOffset(label)!.Value;
            if (offset >= TimeSpan.Zero && !existing.Any(c => c.Offset == label && c.Status != "scheduled"))
            {
                await store.SaveCheckAsync(NewCheck(deployment, offset, deployment.StartedAt!.Value), cancellationToken);
            }
        }
    }

    private static DeploymentCheck NewCheck(Deployment deployment, TimeSpan offset, DateTimeOffset anchor) => new()
    {
        DeploymentId = deployment.Id,
        TenantId = deployment.TenantId,
        Offset = ChangeTrackingOptions.Label(offset),
        OffsetSeconds = (long)offset.TotalSeconds,
        DueAt = anchor + offset,
        Status = "scheduled",
    };
}

/// <summary>
/// Runs due checks on a <see cref="TimeProvider"/>-driven timer. The schedule lives in the store, so checks missed while
/// Argus was down are found at the first pass after a restart, run late and say how late.
/// </summary>
public sealed partial class ChangeCheckService(
    IDeploymentStore store, ChangeTracker tracker, TimeProvider time, IOptions<ChangeTrackingOptions> options, ILogger<ChangeCheckService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Checks run per pass at most; the rest wait for the next pass.</summary>
    public const int MaxChecksPerPass = 100;

    /// <summary>Runs every check that is due; returns how many ran.</summary>
    public async Task<int> RunDueChecksAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var due = await store.GetDueChecksAsync(time.GetUtcNow(), MaxChecksPerPass, cancellationToken);
            foreach (var check in due)
            {
                var deployment = await store.GetDeploymentAsync(check.TenantId, check.DeploymentId, cancellationToken);
                if (deployment is null)
                {
                    await store.SaveCheckAsync(check with { Status = "skipped", Error = "the deployment no longer exists." }, cancellationToken);
                    continue;
                }

                await tracker.RunAsync(deployment, check, "schedule", cancellationToken);
            }

            return due.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        do
        {
            try
            {
                await RunDueChecksAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPassFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 5504, Level = LogLevel.Error, Message = "The change-check pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
