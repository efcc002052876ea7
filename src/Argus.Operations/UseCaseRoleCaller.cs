using Argus.AI.Gateway;
using Argus.AI.Providers;
using Argus.Operations.IncidentReports;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Argus.Operations;

/// <summary>How a use case's role call ended.</summary>
/// <param name="Result">The parsed answer, or the deterministic one when the chain gave no valid answer.</param>
/// <param name="RoleVersion">The role version that served (0 when the tenant has no such role).</param>
/// <param name="Provider">The provider that wrote <paramref name="Result"/>; <c>argus</c> for the deterministic writer.</param>
/// <param name="Model">The model that wrote it.</param>
/// <param name="CallId">The call log entry, when the gateway was reached.</param>
/// <param name="BuiltIn">Whether no LLM wrote it.</param>
/// <param name="Error">Why the chain's answer was not used, if so.</param>
public sealed record RoleCallOutcome<T>(T Result, int RoleVersion, string? Provider, string? Model, string? CallId, bool BuiltIn, string? Error);

/// <summary>Reads a role's answer text into a result, or says what is wrong with it.</summary>
public delegate bool RoleAnswerParser<T>(string text, out T? result, out string? problem);

/// <summary>
/// Calls a role on behalf of a use case (incident reports, change tracking): the tenant's production version, through
/// the gateway (masking, call log, chain), parsed by the use case; when the tenant lacks the role, every link fails, or
/// the answer does not parse, the use case's deterministic writer answers instead, so the use case always has a result.
/// </summary>
public sealed partial class UseCaseRoleCaller(IRoleResolver roles, RoleGateway gateway, ILogger<UseCaseRoleCaller> logger)
{
    /// <summary>The model name reported for the deterministic writer.</summary>
    public const string DeterministicModel = "argus-analyst-1";

    /// <summary>Calls <paramref name="roleCode"/> with <paramref name="variables"/> and one user message.</summary>
    public async Task<RoleCallOutcome<T>> CallAsync<T>(
        string tenant, string roleCode, string clientId, string user, string instruction, IReadOnlyDictionary<string, string> variables,
        RoleAnswerParser<T> parse, Func<T> deterministic, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(deterministic);
        var role = await roles.ResolveAsync(tenant, roleCode, cancellationToken);
        if (role is null)
        {
            return Fallback($"the tenant has no role '{roleCode}'.", 0);
        }

        var (definition, version) = role.Value;
        try
        {
            var answer = await gateway.CompleteAsync(
                new GatewayRequest
                {
                    TenantId = tenant,
                    ClientId = clientId,
                    User = user,
                    RoleCode = roleCode,
                    RoleVersion = version,
                    Role = definition,
                    Messages = [new ChatMessage(ChatRole.User, instruction)],
                    Variables = variables,
                },
                cancellationToken);
            if (parse(answer.Text, out var result, out var problem) && result is not null)
            {
                return new RoleCallOutcome<T>(result, version, answer.Provider, answer.Model, answer.CallId, answer.BuiltIn, null);
            }

            return Fallback($"the answer of {answer.Provider}/{answer.Model} broke the role's format: {problem}", version, answer.CallId);
        }
        catch (RoleCallException ex)
        {
            return Fallback(ex.Message, version);
        }

        RoleCallOutcome<T> Fallback(string why, int roleVersion, string? callId = null)
        {
            LogFallback(logger, roleCode, tenant, why);
            return new RoleCallOutcome<T>(deterministic(), roleVersion, ProviderOptions.BuiltInName, DeterministicModel, callId, true, why);
        }
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "Role {Role} of tenant {Tenant} answered without its chain: {Reason}")]
    private static partial void LogFallback(ILogger logger, string role, string tenant, string reason);
}
