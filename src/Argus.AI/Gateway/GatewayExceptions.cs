using Argus.Core.Llm;

namespace Argus.AI.Gateway;

/// <summary>A call the gateway refused or could not serve; the transport maps it to a status code.</summary>
public abstract class RoleCallException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status that fits.</summary>
    public abstract int StatusCode { get; }
}

/// <summary>The role's rate limit refused the call (429).</summary>
public sealed class RoleRateLimitedException(TimeSpan retryAfter, string scope)
    : RoleCallException($"The role's rate limit ({scope}) allows the next call in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
{
    /// <summary>When the next call may succeed.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <inheritdoc />
    public override int StatusCode => 429;
}

/// <summary>The call's input does not fit the role (400): e.g. a required variable is missing.</summary>
public sealed class RoleInputException(string message, IReadOnlyDictionary<string, string[]> errors) : RoleCallException(message)
{
    /// <summary>The problems, keyed by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <inheritdoc />
    public override int StatusCode => 400;
}

/// <summary>Every link of the chain failed (502). The attempts say why, without secrets.</summary>
public sealed class ChainFailedException(IReadOnlyList<LlmCallAttempt> attempts)
    : RoleCallException("No link of the role's chain answered: " + string.Join("; ", attempts.Select(a => $"{a.Provider}/{a.Model}: {a.Outcome}")))
{
    /// <summary>What each link did.</summary>
    public IReadOnlyList<LlmCallAttempt> Attempts { get; } = attempts;

    /// <inheritdoc />
    public override int StatusCode => 502;
}

/// <summary>The request could not be masked (a tenant pattern timed out), so it was not sent (422).</summary>
public sealed class MaskingFailedException(string message) : RoleCallException(message)
{
    /// <inheritdoc />
    public override int StatusCode => 422;
}

/// <summary>A provider refused to answer or its content filter stopped the answer; the chain moves on.</summary>
internal sealed class ProviderRefusalException(string message) : Exception(message);

/// <summary>The answer broke the role's JSON Schema even after one repair attempt; the chain moves on.</summary>
internal sealed class SchemaValidationException(IReadOnlyList<string> errors)
    : Exception("The answer does not match the role's JSON Schema: " + string.Join("; ", errors.Take(10)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
