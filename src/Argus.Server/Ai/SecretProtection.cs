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
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ArgusOptions>, ILoggerFactory>((o, argus, loggers) =>
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(Path.GetFullPath(argus.Value.DataPath), "keys")), loggers));
        return services;
    }
}
