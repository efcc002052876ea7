using Argus.Web.Model;

namespace Argus.Web.Components.Pages;

/// <summary>Every service of the range with its server requests, error rate and p95.</summary>
public sealed partial class Services
{
    private IReadOnlyList<ServiceRow>? _rows;

    private protected override async Task LoadAsync(CancellationToken cancellationToken) =>
        _rows = await new ServiceFigures(Reader).ServicesAsync(Tenant, Window, cancellationToken);
}
