using Argus.AI.Gateway;
using Microsoft.Extensions.AI;

namespace Argus.AI.Masking;

/// <summary>
/// The gateway's masking step backed by the masking engine: each call gets a fresh <see cref="MaskingSession"/> of its
/// tenant, so tokens are random per call and never shared between tenants, and the mapping lives only as long as the call.
/// </summary>
public sealed class SensitiveDataChatMasker(MaskingOptions options) : IChatMasker
{
    private readonly SensitiveDataMasker _masker = new(options);

    /// <inheritdoc />
    public IChatMaskingScope BeginCall(string tenantId, string roleCode) => new Scope(_masker, new MaskingSession(tenantId));

    private sealed class Scope(SensitiveDataMasker masker, MaskingSession session) : IChatMaskingScope
    {
        private StreamingUnmasker? _stream;

        public IList<ChatMessage> MaskRequest(IEnumerable<ChatMessage> messages) => masker.Mask(messages, session).Messages;

        public string UnmaskAnswer(string text) => session.Unmask(text);

        public string UnmaskStreamDelta(string delta) => (_stream ??= session.CreateStreamingUnmasker()).Push(delta);

        public string FlushStream() => _stream?.Flush() ?? "";

        public override string ToString() => "masking scope";
    }
}
