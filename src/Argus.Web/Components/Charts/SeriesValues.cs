using Argus.Core.Issues;

namespace Argus.Web.Components.Charts;

/// <summary>Series as a <see cref="Sparkline"/> takes them.</summary>
internal static class SeriesValues
{
    /// <summary>An issue's counts per step, oldest first.</summary>
    public static IReadOnlyList<double?> Values(this IEnumerable<IssueCountPoint> points) => [.. points.Select(p => (double?)p.Count)];
}
