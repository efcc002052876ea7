using Argus.Web.Model;

namespace Argus.Web.Components.Pages;

/// <summary>The range at a glance: services, requests, failures, spans.</summary>
public sealed partial class Home
{
    private IReadOnlyList<ServiceRow>? _services;

    private protected override async Task LoadAsync(CancellationToken cancellationToken) =>
        _services = await new ServiceFigures(Reader).ServicesAsync(Tenant, Window, cancellationToken);
}
