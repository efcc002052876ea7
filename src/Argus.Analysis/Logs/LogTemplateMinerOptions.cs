namespace Argus.Analysis.Logs;

/// <summary>
/// Settings of <see cref="LogTemplateMiner"/>. One configuration serves every log source: the defaults are the ones
/// measured on the Loghub benchmark and nothing here is specific to a system.
/// </summary>
/// <remarks>
/// Per-source behaviour is optional and needs no setting: a host that wants templates never to be shared between
/// sources keeps one miner per source (same options); otherwise one miner serves all sources.
/// </remarks>
public sealed class LogTemplateMinerOptions
{
    /// <summary>Most templates kept; when a new template would exceed it, the least recently used one is evicted.
    /// Default 20,000 (a few MB of state).</summary>
    public int MaxTemplates { get; set; } = 20_000;

    /// <summary>Share (0..1] of a line's words that must agree with a template for the line to join it. Default 0.5.</summary>
    public double SimilarityThreshold { get; set; } = 0.5;

    /// <summary>Most words per line that are compared; the rest of a longer line becomes one wildcard. Default 128.</summary>
    public int MaxTokens { get; set; } = 128;

    /// <summary>Words longer than this many characters are treated as values (base64 blobs, dumps). Default 256.</summary>
    public int MaxTokenLength { get; set; } = 256;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (MaxTemplates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTemplates), MaxTemplates, "MaxTemplates must be at least 1.");
        }

        if (SimilarityThreshold is <= 0 or > 1 || double.IsNaN(SimilarityThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(SimilarityThreshold), SimilarityThreshold, "SimilarityThreshold must be in (0, 1].");
        }

        if (MaxTokens < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "MaxTokens must be at least 2.");
        }

        if (MaxTokenLength < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokenLength), MaxTokenLength, "MaxTokenLength must be at least 8.");
        }
    }
}
