using Microsoft.Extensions.AI;

namespace Argus.AI.Providers;

/// <summary>
/// Teaches the built-in analyst (provider <c>argus</c>) one role. The use case that owns a role knows its structured
/// input (for example the incident pipeline passes the profile and findings as JSON variables), so it writes the
/// deterministic answer; the analyst only routes to it. Registered in DI; one per role code.
/// </summary>
public interface IBuiltInRoleAnalyst
{
    /// <summary>The role this analyst answers.</summary>
    string RoleCode { get; }

    /// <summary>The answer: plain text, or the JSON text when <paramref name="format"/> asks for a schema.</summary>
    string Answer(IReadOnlyDictionary<string, string> variables, IReadOnlyList<ChatMessage> messages, ChatResponseFormat? format);
}
