using Argus.Operations;
using Microsoft.Extensions.Options;

namespace Argus.Server.Configuration;

/// <summary>Binds options that validate themselves (<see cref="IStartupValidatedOptions"/>) and fails start-up with every problem they list.</summary>
internal static class StartupValidatedOptions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start-up.</summary>
    public static IServiceCollection AddStartupValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IStartupValidatedOptions
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, Validator<T>>();
        return services;
    }

    private sealed class Validator<T> : IValidateOptions<T>
        where T : class, IStartupValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = options.Validate().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
