using Argus.AI.Providers;
using Argus.AI.Roles;
using Microsoft.Extensions.Options;

namespace Argus.Server.Ai;

/// <summary>A role every tenant (or one tenant) starts with.</summary>
internal sealed record RoleSeed(RoleDefinition Definition, string? Tenant, string Author, string Message, bool FromFile);

/// <summary>
/// The built-in roles and the roles of the YAML folder, read once at start-up. Invalid files are logged with every
/// problem and skipped, so a typo in one file does not keep Argus from starting.
/// </summary>
internal sealed class RoleSeeds
{
    private readonly List<RoleSeed> _seeds = [];

    public RoleSeeds(IOptions<AiOptions> options, ProviderRegistry providers, ILogger<RoleSeeds> logger)
    {
        _seeds.AddRange(BuiltInRoles.All.Select(r => new RoleSeed(r, null, "argus", "built-in role", FromFile: false)));
        var folder = Path.GetFullPath(options.Value.RolesPath);
        foreach (var file in RoleYamlLoader.LoadFolder(folder))
        {
            if (file.Role is null)
            {
                AiLog.YamlRoleInvalid(logger, file.Path, file.Error ?? "unreadable");
                continue;
            }

            var validation = RoleValidator.Validate(file.Role, providers);
            if (!validation.IsValid)
            {
                AiLog.YamlRoleInvalid(logger, file.Path, string.Join(" ", validation.Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))));
                continue;
            }

            // A file replaces a built-in of the same code.
            _seeds.RemoveAll(s => s.Definition.Code == file.Role.Code && (s.Tenant == file.Tenant || !s.FromFile));
            _seeds.Add(new RoleSeed(file.Role, file.Tenant, "yaml:" + Path.GetFileName(file.Path), $"loaded from {Path.GetFileName(file.Path)}", FromFile: true));
            AiLog.YamlRoleLoaded(logger, file.Role.Code, file.Path);
        }
    }

    public IEnumerable<RoleSeed> For(string tenantId) => _seeds.Where(s => s.Tenant is null || s.Tenant == tenantId);
}
