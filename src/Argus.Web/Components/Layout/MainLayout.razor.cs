using System.Security.Claims;
using Argus.Core.Tenancy;
using Argus.Web.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;

namespace Argus.Web.Components.Layout;

public sealed partial class MainLayout : IDisposable
{
    private ClaimsPrincipal _user = new();

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    private string WhoLabel => $"{_user.FindFirst(ClaimTypes.Name)?.Value ?? "signed in"} ({_user.FindFirst(ArgusClaimTypes.Role)?.Value})";

    private string WhoTitle => $"Signed in with the API key {_user.FindFirst(ArgusClaimTypes.ApiKeyId)?.Value}";

    private string ReturnUrl => "/" + Navigation.ToBaseRelativePath(Navigation.Uri);

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        Navigation.LocationChanged += OnLocationChanged;
    }

    // The menu's links keep the time range and the auto-refresh of the page the user is on.
    private string WithRange(string path)
    {
        var range = ConsoleTimeRange.FromUri(Navigation.Uri).QueryString;
        return ConsoleRefresh.FromUri(Navigation.Uri) is { } refresh
            ? path + (range.Length == 0 ? "?" : range + "&") + ConsoleRefresh.Parameter + "=" + refresh
            : path + range;
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => InvokeAsync(StateHasChanged);

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
