using Argus.Core;
using Argus.Core.Telemetry;
using Argus.Core.Tenancy;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace Argus.Web.Components;

/// <summary>
/// What every console page shares: the signed-in tenant, the time range from the URL, and loading on each change of
/// the URL (a newer load cancels the one still running). Pages read the server's services directly, never its HTTP API.
/// </summary>
public abstract class ConsolePage : ComponentBase, IDisposable
{
    private CancellationTokenSource? _loading;
    private CancellationTokenSource? _refreshing;
    private TimeSpan? _refreshEvery;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [SupplyParameterFromQuery(Name = ConsoleTimeRange.RangeParameter)]
    public string? RangeText { get; set; }

    [SupplyParameterFromQuery(Name = ConsoleTimeRange.FromParameter)]
    public string? FromText { get; set; }

    [SupplyParameterFromQuery(Name = ConsoleTimeRange.ToParameter)]
    public string? ToText { get; set; }

    [SupplyParameterFromQuery(Name = ConsoleRefresh.Parameter)]
    public string? RefreshText { get; set; }

    [Inject]
    private protected ITelemetryReader Reader { get; set; } = null!;

    [Inject]
    private protected TimeProvider Time { get; set; } = null!;

    [Inject]
    private protected NavigationManager Navigation { get; set; } = null!;

    /// <summary>The range in the URL.</summary>
    private protected ConsoleTimeRange Range { get; private set; } = ConsoleTimeRange.Default;

    /// <summary>The range resolved against now, as of the last load.</summary>
    private protected TimeRange Window { get; private set; }

    /// <summary>Why the URL's range was not used, if it was not.</summary>
    private protected string? RangeProblem { get; private set; }

    /// <summary>The tenant of the signed-in key.</summary>
    private protected string Tenant { get; private set; } = "";

    /// <summary>True while a load runs.</summary>
    private protected bool Loading { get; private set; }

    /// <summary><paramref name="path"/> with the page's time range, for links that keep it.</summary>
    private protected string Link(string path) => path + Range.QueryString;

    protected sealed override async Task OnParametersSetAsync()
    {
        Range = ConsoleTimeRange.Parse(RangeText, FromText, ToText, out var problem);
        RangeProblem = problem;
        var state = await AuthenticationState;
        Tenant = state.User.FindFirst(ArgusClaimTypes.TenantId)?.Value ?? "";
        ScheduleRefresh(ConsoleRefresh.Parse(RefreshText));
        await ReloadAsync();
    }

    /// <summary>
    /// Reads the page's data again for the range resolved against now (a newer load cancels the one still running).
    /// Pages with data of their own to poll (a live tail) may call it too.
    /// </summary>
    private protected async Task ReloadAsync()
    {
        Window = Range.Resolve(Time.GetUtcNow());
        if (_loading is not null)
        {
            await _loading.CancelAsync();
            _loading.Dispose();
        }

        _loading = new CancellationTokenSource();
        var token = _loading.Token;
        Loading = true;
        try
        {
            await LoadAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            if (!token.IsCancellationRequested)
            {
                Loading = false;
            }
        }
    }

    /// <summary>Reads what the page shows for the current URL.</summary>
    private protected abstract Task LoadAsync(CancellationToken cancellationToken);

    // Auto-refresh (?refresh=30s): one timer per page, restarted only when the interval in the URL changes.
    private void ScheduleRefresh(TimeSpan? every)
    {
        if (every == _refreshEvery)
        {
            return;
        }

        _refreshEvery = every;
        _refreshing?.Cancel();
        _refreshing?.Dispose();
        _refreshing = every is { } interval ? Poll(interval, _ => ReloadAsync()) : null;
    }

    /// <summary>
    /// Runs <paramref name="tick"/> every <paramref name="interval"/> on the page's live connection, then renders, until
    /// the answer is cancelled or the page is left; nothing runs for the prerendered page (it is sent once and disposed).
    /// A tick that comes while the last one still runs waits for it (the timer skips the ticks missed meanwhile).
    /// Called on the page's dispatcher, so every tick runs there too.
    /// </summary>
    private protected CancellationTokenSource? Poll(TimeSpan interval, Func<CancellationToken, Task> tick)
    {
        if (!RendererInfo.IsInteractive)
        {
            return null;
        }

        var stop = new CancellationTokenSource();
        _ = PollAsync(interval, tick, stop.Token);
        return stop;
    }

    private async Task PollAsync(TimeSpan interval, Func<CancellationToken, Task> tick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await tick(cancellationToken);
                StateHasChanged();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped, or the page was left.
        }
        catch (JSDisconnectedException)
        {
            // The browser went away: the circuit ends and disposes the page.
        }
        catch (ObjectDisposedException)
        {
            // The circuit ended between two ticks.
        }
    }

    /// <summary>Stops what a page runs beyond its loads (a live tail's timer); called once, on dispose.</summary>
    private protected virtual void OnDisposing()
    {
    }

    public void Dispose()
    {
        OnDisposing();
        _loading?.Cancel();
        _loading?.Dispose();
        _refreshing?.Cancel();
        _refreshing?.Dispose();
        GC.SuppressFinalize(this);
    }
}
