using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Argus.AI.Gateway;
using Argus.AI.Roles;
using Microsoft.Extensions.AI;

namespace Argus.AI.Masking;

/// <summary>A tenant's masking settings as the gateway uses them.</summary>
/// <param name="Options">The detectors the tenant allows (<see cref="SensitiveKind.SqlIdentifier"/> still needs the role to ask), and its patterns and word lists.</param>
/// <param name="StoreRestoredAnswer">Whether the call log keeps the answer restored (true) or as the provider returned it, masked (false, the default).</param>
public sealed record TenantMaskingSettings(MaskingOptions Options, bool StoreRestoredAnswer = false)
{
    /// <summary>Every kind allowed, no custom patterns, answers stored masked.</summary>
    public static TenantMaskingSettings Default { get; } = new(MaskingOptions.All);
}

/// <summary>
/// The gateway's masking step backed by the masking engine: each call gets a fresh <see cref="MaskingSession"/> of its
/// tenant, so tokens are random per call and never shared between tenants, and the mapping lives only as long as the call.
/// The detectors of a call are the tenant's (<see cref="GatewayRequest.Masking"/>) restricted by the role's
/// <see cref="RoleMasking"/>; compiled detectors are reused for as long as the tenant's settings object lives.
/// </summary>
public sealed class SensitiveDataChatMasker(MaskingOptions options) : IChatMasker
{
    /// <summary>Compiled maskers per tenant options object, by effective kind set; dropped with the options object.</summary>
    private readonly ConditionalWeakTable<MaskingOptions, ConcurrentDictionary<uint, SensitiveDataMasker>> _compiled = [];
    private readonly SensitiveDataMasker _masker = new(options);

    /// <summary>The engine with <see cref="MaskingOptions.Default"/> for calls that carry no tenant settings.</summary>
    public SensitiveDataChatMasker()
        : this(MaskingOptions.Default)
    {
    }

    /// <inheritdoc />
    public IChatMaskingScope BeginCall(string tenantId, string roleCode) => new Scope(_masker, new MaskingSession(tenantId));

    /// <inheritdoc />
    public IChatMaskingScope BeginCall(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Scope(MaskerFor(request.Masking?.Options ?? options, request.Role.Masking ?? RoleMasking.Auto), new MaskingSession(request.TenantId));
    }

    /// <summary>
    /// The kinds a call masks: the tenant's, without <see cref="SensitiveKind.SqlIdentifier"/> unless the role enables
    /// it, and without the kinds the role disables. A role cannot switch on a kind the tenant switched off.
    /// </summary>
    public static IReadOnlyList<SensitiveKind> EffectiveKinds(MaskingOptions tenant, RoleMasking role)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(role);
        var enable = Parse(role.Enable);
        var disable = Parse(role.Disable);
        return [.. tenant.EnabledKinds.Distinct().Where(k => (k != SensitiveKind.SqlIdentifier || enable.Contains(k)) && !disable.Contains(k))];
    }

    /// <summary>The compiled masker for <paramref name="tenant"/> options under <paramref name="role"/>.</summary>
    public SensitiveDataMasker MaskerFor(MaskingOptions tenant, RoleMasking role)
    {
        var kinds = EffectiveKinds(tenant, role);
        var key = 0u;
        foreach (var kind in kinds)
        {
            key |= 1u << (int)kind;
        }

        var byKinds = _compiled.GetValue(tenant, _ => new ConcurrentDictionary<uint, SensitiveDataMasker>());
        return byKinds.GetOrAdd(key, static (_, state) => new SensitiveDataMasker(state.tenant with { EnabledKinds = state.kinds }), (tenant, kinds));
    }

    private static HashSet<SensitiveKind> Parse(IReadOnlyList<string>? names)
    {
        var result = new HashSet<SensitiveKind>();
        foreach (var name in names ?? [])
        {
            if (SensitiveKindNames.TryParse(name, out var kind))
            {
                result.Add(kind);
            }
        }

        return result;
    }

    private sealed class Scope(SensitiveDataMasker masker, MaskingSession session) : IChatMaskingScope
    {
        private readonly Dictionary<string, int> _masked = new(StringComparer.Ordinal);
        private StreamingUnmasker? _stream;

        public IReadOnlyDictionary<string, int> Masked => _masked;

        public IList<ChatMessage> MaskRequest(IEnumerable<ChatMessage> messages)
        {
            var result = masker.Mask(messages, session);
            foreach (var (name, count) in result.ByName)
            {
                _masked[name] = _masked.GetValueOrDefault(name) + count;
            }

            return result.Messages;
        }

        public string UnmaskAnswer(string text) => session.Unmask(text);

        public string UnmaskAnswer(string text, out int mangled)
        {
            var result = session.Unmask(text, out var counts);
            mangled = counts.Mangled;
            return result;
        }

        public string UnmaskStreamDelta(string delta) => (_stream ??= session.CreateStreamingUnmasker()).Push(delta);

        public string FlushStream() => _stream?.Flush() ?? "";

        public override string ToString() => "masking scope";
    }
}
