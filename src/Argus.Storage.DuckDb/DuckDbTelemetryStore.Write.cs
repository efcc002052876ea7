using System.Diagnostics;
using System.Runtime.CompilerServices;
using Argus.Core.Telemetry;
using DuckDB.NET.Data;

namespace Argus.Storage.DuckDb;

public sealed partial class DuckDbTelemetryStore
{
    // Resource ids in the `resources` table or claimed by a write in progress; guarded by itself, because writes run
    // concurrently. A claim is what keeps two writers from inserting the same resource row twice.
    private readonly HashSet<ulong> _knownResources = [];

    /// <summary>Spans are sorted within a write by these keys, so similar rows sit together and compress better.</summary>
    private static readonly Comparison<SpanRecord> SpanOrder = static (a, b) =>
    {
        var c = string.CompareOrdinal(a.TenantId, b.TenantId);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.ServiceName, b.ServiceName);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.Name, b.Name);
        }

        return c != 0 ? c : a.StartTimeUnixNano.CompareTo(b.StartTimeUnixNano);
    };

    private void LoadKnownResources()
    {
        using var command = Command(_writeConnection, "SELECT resource_id FROM resources");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _knownResources.Add(reader.GetFieldValue<ulong>(0));
        }
    }

    /// <summary>
    /// Appends all batches in one transaction, with one appender per table. Spans are sorted by tenant, service,
    /// operation and start first (compression and zone maps); logs and metrics keep their order. When the task
    /// completes, every row is committed and on disk (in the write-ahead log), so the ingest queue may acknowledge it.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<TelemetryBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ThrowIfDisposed();
        await _appendSlots.WaitAsync(cancellationToken);
        DuckDBConnection? connection = null;
        try
        {
            ThrowIfDisposed();
            if (!_appendConnections.TryTake(out connection))
            {
                connection = new DuckDBConnection(_connectionString);
                connection.Open();
            }

            Write(connection, batches);
        }
        finally
        {
            if (connection is not null)
            {
                _appendConnections.Add(connection);
            }

            _appendSlots.Release();
        }
    }

    // The write path runs a few times a second with loops over thousands of rows: optimised from its first call, so a
    // fresh server does not spend its first minute of load in the unoptimised and instrumented tiers of tiered JIT.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Write(DuckDBConnection connection, IReadOnlyList<TelemetryBatch> batches)
    {
        var started = Stopwatch.GetTimestamp();
        var spans = new List<SpanRecord>();
        var logs = new List<LogRecord>();
        var metrics = new List<MetricPoint>();
        foreach (var batch in batches)
        {
            spans.AddRange(batch.Spans);
            logs.AddRange(batch.Logs);
            metrics.AddRange(batch.Metrics);
        }

        if (spans.Count + logs.Count + metrics.Count == 0)
        {
            return;
        }

        spans.Sort(SpanOrder);

        // The same resource list instance is usually shared by all records of one request, so cache by reference.
        var resourceIds = new Dictionary<IReadOnlyList<TelemetryAttribute>, ulong>(ReferenceEqualityComparer.Instance);
        var newResources = new List<(string Tenant, ulong Id, IReadOnlyList<TelemetryAttribute> Attributes)>();
        ulong ResourceOf(string tenant, IReadOnlyList<TelemetryAttribute> attributes)
        {
            if (resourceIds.TryGetValue(attributes, out var cached))
            {
                return cached;
            }

            var id = AttributeCodec.ResourceId(tenant, attributes);
            resourceIds[attributes] = id;
            bool claimed;
            lock (_knownResources)
            {
                claimed = _knownResources.Add(id);
            }

            if (claimed)
            {
                newResources.Add((tenant, id, attributes));
            }

            return id;
        }

        Execute(connection, "BEGIN TRANSACTION");
        try
        {
            if (spans.Count > 0)
            {
                AppendSpans(connection, spans, ResourceOf);
            }

            if (logs.Count > 0)
            {
                AppendLogs(connection, logs, ResourceOf);
            }

            if (metrics.Count > 0)
            {
                AppendMetrics(connection, metrics, ResourceOf);
            }

            if (newResources.Count > 0)
            {
                using var appender = connection.CreateAppender("resources");
                foreach (var (tenant, id, attributes) in newResources)
                {
                    var (keys, values) = AttributeCodec.Encode(attributes);
                    var row = appender.CreateRow().AppendValue(tenant).AppendValue(id);
                    row.AppendValue(keys).AppendValue(values).EndRow();
                }
            }

            // Every appender above is disposed (its rows flushed into this transaction) before the commit, and DuckDB
            // writes the transaction to the WAL and fsyncs it before COMMIT returns (one fsync of the .wal per commit,
            // seen with strace): this is the point after which the receivers answer success.
            Execute(connection, "COMMIT");
        }
        catch
        {
            Execute(connection, "ROLLBACK");

            // A rolled-back write gives its claims back, so the next write of those resources inserts them.
            lock (_knownResources)
            {
                foreach (var resource in newResources)
                {
                    _knownResources.Remove(resource.Id);
                }
            }

            throw;
        }

        Log.Wrote(_logger, spans.Count, logs.Count, metrics.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendSpans(DuckDBConnection connection, List<SpanRecord> spans, Func<string, IReadOnlyList<TelemetryAttribute>, ulong> resourceOf)
    {
        using var appender = connection.CreateAppender("spans");
        foreach (var span in spans)
        {
            var (keys, values) = AttributeCodec.EncodeSpanAttributes(span, out var dropped);
            var row = appender.CreateRow()
                .AppendValue(span.TenantId)
                .AppendValue(span.ServiceName)
                .AppendValue(span.Name)
                .AppendValue(span.StartTimeUnixNano)
                .AppendValue(span.DurationNano)
                .AppendValue((System.Numerics.BigInteger)span.TraceId.Value)
                .AppendValue(span.SpanId.Value)
                .AppendValue(span.ParentSpanId.Value)
                .AppendValue((sbyte)span.Kind)
                .AppendValue((sbyte)span.StatusCode)
                .AppendValue(span.StatusMessage)
                .AppendValue(span.ServiceInstanceId)
                .AppendValue(span.DeploymentEnvironment)
                .AppendValue(span.ScopeName)
                .AppendValue(span.DbSystem)
                .AppendValue(span.DbStatement)
                .AppendValue(span.DbOperation)
                .AppendValue(span.DbName)
                .AppendValue(span.DbFingerprint)
                .AppendValue(span.ServerAddress)
                .AppendValue(span.ServerPort)
                .AppendValue(span.HttpMethod)
                .AppendValue(span.HttpRoute)
                .AppendValue(span.HttpStatusCode)
                .AppendValue(span.Url)
                .AppendValue(span.ExceptionType)
                .AppendValue(span.ExceptionMessage)
                .AppendValue(resourceOf(span.TenantId, span.ResourceAttributes));
            row.AppendValue(keys).AppendValue(values).AppendValue(dropped)
                .AppendValue(AttributeCodec.EncodeEvents(span.Events)).AppendValue(span.IssueId).EndRow();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendLogs(DuckDBConnection connection, List<LogRecord> logs, Func<string, IReadOnlyList<TelemetryAttribute>, ulong> resourceOf)
    {
        using var appender = connection.CreateAppender("logs");
        foreach (var log in logs)
        {
            var (keys, values) = AttributeCodec.Encode(log.Attributes);
            var row = appender.CreateRow()
                .AppendValue(log.TenantId)
                .AppendValue(log.ServiceName)
                .AppendValue(log.TimeUnixNano)
                .AppendValue(log.ObservedTimeUnixNano)
                .AppendValue((sbyte)Math.Clamp(log.SeverityNumber, 0, 127))
                .AppendValue(log.SeverityText)
                .AppendValue(log.Body)
                .AppendValue(log.ServiceInstanceId)
                .AppendValue(log.DeploymentEnvironment)
                .AppendValue(log.ScopeName);
            row = log.TraceId.IsEmpty ? row.AppendNullValue() : row.AppendValue((System.Numerics.BigInteger)log.TraceId.Value);
            row = log.SpanId.IsEmpty ? row.AppendNullValue() : row.AppendValue(log.SpanId.Value);
            row = row
                .AppendValue(log.EventName)
                .AppendValue(log.ExceptionType)
                .AppendValue(log.ExceptionMessage)
                .AppendValue(log.ExceptionStacktrace)
                .AppendValue(resourceOf(log.TenantId, log.ResourceAttributes));
            row.AppendValue(keys).AppendValue(values).AppendValue(log.IssueId).EndRow();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendMetrics(DuckDBConnection connection, List<MetricPoint> metrics, Func<string, IReadOnlyList<TelemetryAttribute>, ulong> resourceOf)
    {
        using var appender = connection.CreateAppender("metric_points");
        foreach (var point in metrics)
        {
            var (keys, values) = AttributeCodec.Encode(point.Attributes);
            var row = appender.CreateRow()
                .AppendValue(point.TenantId)
                .AppendValue(point.ServiceName)
                .AppendValue(point.Name)
                .AppendValue(point.TimeUnixNano)
                .AppendValue(point.StartTimeUnixNano)
                .AppendValue((sbyte)point.Kind)
                .AppendValue(point.Unit)
                .AppendValue(point.Description)
                .AppendValue(point.ServiceInstanceId)
                .AppendValue((sbyte)point.AggregationTemporality)
                .AppendValue(point.IsMonotonic)
                .AppendValue(point.Value)
                .AppendValue(point.Count)
                .AppendValue(point.Sum)
                .AppendValue(point.Min)
                .AppendValue(point.Max);
            row = point.ExplicitBounds.Count == 0 ? row.AppendNullValue() : row.AppendValue(point.ExplicitBounds);
            row = point.BucketCounts.Count == 0 ? row.AppendNullValue() : row.AppendValue(point.BucketCounts);
            row = row.AppendValue(resourceOf(point.TenantId, point.ResourceAttributes));
            row.AppendValue(keys).AppendValue(values).EndRow();
        }
    }
}
