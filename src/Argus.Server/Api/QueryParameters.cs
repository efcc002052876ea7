using System.Globalization;
using Argus.Core;
using Argus.Core.Telemetry;

namespace Argus.Server.Api;

/// <summary>
/// Parses the query-string conventions shared by every query endpoint, collecting all problems so that a
/// caller sees every mistake in one 400 answer.
/// </summary>
internal sealed class QueryParameters(TimeProvider time)
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    /// <summary>The problems found so far, keyed by parameter, as ValidationProblem wants them.</summary>
    public IDictionary<string, string[]> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

    /// <summary>
    /// <c>from</c> and <c>to</c> as ISO-8601 or epoch milliseconds. <c>to</c> defaults to now, <c>from</c> to
    /// <paramref name="defaultSpan"/> before <c>to</c>.
    /// </summary>
    public TimeRange Range(string? from, string? to, TimeSpan? defaultSpan = null)
    {
        var end = InStoreRange("to", ParseTime("to", to)) ?? time.GetUtcNow();
        var start = InStoreRange("from", ParseTime("from", from)) ?? end - (defaultSpan ?? TimeSpan.FromHours(1));
        if (end < start)
        {
            Add("to", "'to' is before 'from'.");
            return new TimeRange(start, start);
        }

        return new TimeRange(start, end);
    }

    /// <summary>A step such as <c>60s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, <c>00:01:00</c>, or plain seconds; chosen from the range when absent.</summary>
    public TimeSpan Step(string? value, TimeRange range, int maxBuckets = 1_000)
    {
        TimeSpan step;
        if (string.IsNullOrWhiteSpace(value))
        {
            // About 60 buckets, rounded up to a whole minute when the range is long enough.
            var seconds = Math.Max(1, (long)Math.Ceiling(range.Duration.TotalSeconds / 60));
            if (seconds > 60)
            {
                seconds = (seconds + 59) / 60 * 60;
            }

            return TimeSpan.FromSeconds(seconds);
        }

        if (!TryParseDuration(value, out step) || step <= TimeSpan.Zero)
        {
            Add("step", $"'{value}' is not a step; use e.g. 30s, 5m, 1h, 1d or 00:05:00.");
            return TimeSpan.FromMinutes(1);
        }

        if (range.Duration.Ticks / step.Ticks > maxBuckets)
        {
            Add("step", $"A step of {value} makes more than {maxBuckets} buckets over this range; use a larger step.");
        }

        return step;
    }

    public int Limit(string? value, int defaultValue, int max) => Limit("limit", value, defaultValue, max);

    /// <summary>A whole number from 1 to <paramref name="max"/> in the parameter <paramref name="name"/>.</summary>
    public int Limit(string name, string? value, int defaultValue, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > max)
        {
            Add(name, $"'{name}' must be a whole number from 1 to {max}.");
            return defaultValue;
        }

        return limit;
    }

    /// <summary><c>minSeverity</c>: a level name (TRACE … FATAL) or an OTLP severity number from 0 to 24.</summary>
    public int Severity(string? value, int defaultValue)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 24)
        {
            return number;
        }

        if (SeverityLevels.MinNumberOf(value) is { } named)
        {
            return named;
        }

        Add("minSeverity", "'minSeverity' must be a level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL) or a number from 0 to 24.");
        return defaultValue;
    }

    public double? PositiveNumber(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || !double.IsFinite(number))
        {
            Add(name, $"'{name}' must be a non-negative number.");
            return null;
        }

        return number;
    }

    public void Add(string key, string message)
    {
        _errors[key] = _errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }

    private DateTimeOffset? ParseTime(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Relative to now, as in Grafana: now, now-1h, now-15m (or just -1h).
        var relative = value.StartsWith("now", StringComparison.OrdinalIgnoreCase) ? value[3..] : value.StartsWith('-') ? value : null;
        if (relative is not null)
        {
            if (relative.Length == 0)
            {
                return time.GetUtcNow();
            }

            if (relative[0] == '-' && Durations.TryParse(relative[1..], out var ago) && ago >= TimeSpan.Zero && ago <= TimeSpan.FromDays(3650))
            {
                return time.GetUtcNow() - ago;
            }

            Add(name, $"'{name}' '{value}' is not a time; relative times are now or now-<duration> ({Durations.Grammar}).");
            return null;
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochMs))
        {
            try
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(epochMs);
            }
            catch (ArgumentOutOfRangeException)
            {
                Add(name, $"'{name}' epoch milliseconds {value} is out of range.");
                return null;
            }
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        Add(name, $"'{name}' must be ISO-8601 (2026-06-15T12:00:00Z) or epoch milliseconds.");
        return null;
    }

    // Telemetry times are nanoseconds since 1970 in 64 bits, which end in April 2262; a time outside would wrap around
    // and silently match nothing.
    private static readonly DateTimeOffset LastRepresentable = DateTimeOffset.UnixEpoch.AddTicks(long.MaxValue / 100);

    private DateTimeOffset? InStoreRange(string name, DateTimeOffset? value)
    {
        if (value is { } v && (v < DateTimeOffset.UnixEpoch || v > LastRepresentable))
        {
            Add(name, $"'{name}' must be between 1970-01-01 and {LastRepresentable:yyyy-MM-dd} (telemetry times are nanoseconds since 1970).");
            return null;
        }

        return value;
    }

    internal static bool TryParseDuration(string value, out TimeSpan duration) => Durations.TryParse(value, out duration);
}
