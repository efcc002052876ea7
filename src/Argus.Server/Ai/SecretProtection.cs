using Argus.Server.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>
/// ASP.NET Core Data Protection for secrets kept in the control plane (provider API keys), its key ring in
/// <c>{DataPath}/keys</c> (files readable by the owner only). Back that folder up with control.db: without it the
/// stored secrets cannot be decrypted. Keys rotate every 90 days; old keys keep decrypting.
/// </summary>
internal static class SecretProtection
{
    public static IServiceCollection AddArgusSecretProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("argus");
        // The repository is opened at its first use, not when the options are built: the anti-forgery middleware builds
        // them while the pipeline is assembled, and reading Argus's options there would validate them before start-up
        // can list every configuration problem at once.
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
            o.XmlRepository = new DeferredXmlRepository(() => new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<ArgusOptions>>().Value.DataPath), "keys")),
                sp.GetRequiredService<ILoggerFactory>())));
        return services;
    }

    /// <summary>An XML repository created when first read or written.</summary>
    private sealed class DeferredXmlRepository(Func<IXmlRepository> create) : IXmlRepository
    {
        private readonly Lazy<IXmlRepository> _inner = new(create);

        public IReadOnlyCollection<System.Xml.Linq.XElement> GetAllElements() => _inner.Value.GetAllElements();

        public void StoreElement(System.Xml.Linq.XElement element, string friendlyName) => _inner.Value.StoreElement(element, friendlyName);
    }
}
