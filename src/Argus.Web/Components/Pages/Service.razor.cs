using Argus.Web.Model;
using Microsoft.AspNetCore.Components;

namespace Argus.Web.Components.Pages;

/// <summary>One service: its endpoints with RED figures over the range.</summary>
public sealed partial class Service
{
    private IReadOnlyList<EndpointRow>? _endpoints;
    private bool _known;

    [Parameter]
    public string Name { get; set; } = "";

    private string TracesLink => Traces.LinkTo(Range, Name, null);

    private string EndpointTracesLink(string endpoint) => Traces.LinkTo(Range, Name, endpoint);

    private protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var services = await Reader.GetServicesAsync(Tenant, Window, cancellationToken);
        _known = services.Any(s => s.Name == Name);
        _endpoints = _known ? await new ServiceFigures(Reader).EndpointsAsync(Tenant, Name, Window, cancellationToken) : [];
    }
}
