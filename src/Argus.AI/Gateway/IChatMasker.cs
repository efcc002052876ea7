using Microsoft.Extensions.AI;

namespace Argus.AI.Gateway;

/// <summary>
/// The masking hook of the gateway: the first decorator of the pipeline asks it to mask what leaves for a provider and
/// to unmask what comes back. Called when at least one link of the role's chain masks (by default every link to an
/// external provider; see <see cref="Roles.RoleMasking"/>). The sensitive-data masking engine (src/Argus.AI/Masking)
/// implements it; without an implementation registered, masked roles pass text through unchanged.
/// </summary>
public interface IChatMasker
{
    /// <summary>Starts masking for one call. The scope keeps the call's token table; it lives as long as the call.</summary>
    /// <param name="tenantId">The tenant (masking rules and token tables are per tenant).</param>
    /// <param name="roleCode">The role being called.</param>
    IChatMaskingScope BeginCall(string tenantId, string roleCode);

    /// <summary>
    /// Starts masking for one call, with the tenant's settings (<see cref="GatewayRequest.Masking"/>) and the role's
    /// kinds. By default the same as <see cref="BeginCall(string, string)"/>.
    /// </summary>
    IChatMaskingScope BeginCall(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BeginCall(request.TenantId, request.RoleCode);
    }
}

/// <summary>One call's masking: mask the request, unmask the answer (whole, or streamed piece by piece).</summary>
public interface IChatMaskingScope
{
    /// <summary>The messages as they may be sent to a provider (system message included). Must not change the input list.</summary>
    IList<ChatMessage> MaskRequest(IEnumerable<ChatMessage> messages);

    /// <summary>A whole answer with its tokens replaced by the original values.</summary>
    string UnmaskAnswer(string text);

    /// <summary>
    /// The next piece of a streamed answer, unmasked. May hold back the end of <paramref name="delta"/> when it could be the
    /// start of a token split across pieces; <see cref="FlushStream"/> returns what is held back.
    /// </summary>
    string UnmaskStreamDelta(string delta);

    /// <summary>What <see cref="UnmaskStreamDelta"/> held back, at the end of a stream.</summary>
    string FlushStream();

    /// <summary>Values masked so far by <see cref="MaskRequest"/>, by kind or custom label (for the call log). By default none.</summary>
    IReadOnlyDictionary<string, int> Masked => new Dictionary<string, int>();

    /// <summary>
    /// A whole answer with its tokens replaced, and how many token-shaped strings matched no token (the model changed
    /// them; they are left as they are). By default <see cref="UnmaskAnswer(string)"/> with no count.
    /// </summary>
    string UnmaskAnswer(string text, out int mangled)
    {
        mangled = 0;
        return UnmaskAnswer(text);
    }
}
