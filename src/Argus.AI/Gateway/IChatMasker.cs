using Microsoft.Extensions.AI;

namespace Argus.AI.Gateway;

/// <summary>
/// The masking hook of the gateway: the first decorator of the pipeline asks it to mask what leaves for a provider and
/// to unmask what comes back. Called only for roles with <c>masking: true</c>. The sensitive-data masking engine
/// (src/Argus.AI/Masking) implements it; without an implementation registered, masked roles pass text through unchanged.
/// </summary>
public interface IChatMasker
{
    /// <summary>Starts masking for one call. The scope keeps the call's token table; it lives as long as the call.</summary>
    /// <param name="tenantId">The tenant (masking rules and token tables are per tenant).</param>
    /// <param name="roleCode">The role being called.</param>
    IChatMaskingScope BeginCall(string tenantId, string roleCode);
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
}
