using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Argus.Core.Telemetry;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Argus.Storage.DuckDb;

/// <summary>
/// The embedded telemetry store: spans, logs and metric points in one DuckDB file.
/// </summary>
/// <remarks>
/// Concurrency: up to <see cref="DuckDbStoreOptions.MaxConcurrentWrites"/> telemetry writes run at once, each on its
/// own pooled connection (appends do not conflict); retention, schema work and the LLM call log use one dedicated
/// connection and run alone. Every read takes its own connection to the same database (DuckDB.NET shares one database
/// instance per file within the process), so reads run beside writes and see the last committed data (MVCC snapshots).
/// </remarks>
public sealed partial class DuckDbTelemetryStore : ITelemetryWriter, ITelemetryReader, ITelemetryRetention, IDisposable, IAsyncDisposable
{
    private readonly DuckDbStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly string _walPath;

    // Writes and retention share this connection and take the gate; DuckDB connections are not thread-safe.
    private readonly DuckDBConnection _writeConnection;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // Telemetry writes take one slot each and an append connection of their own; retention takes every slot.
    private readonly SemaphoreSlim _appendSlots;
    private readonly ConcurrentBag<DuckDBConnection> _appendConnections = [];
    private readonly ConcurrentBag<DuckDBConnection> _idleReaders = [];
    private int _disposed;

    private DuckDbTelemetryStore(DuckDbStoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _walPath = DatabasePath + ".wal";
        _connectionString = new DuckDBConnectionStringBuilder { DataSource = DatabasePath }.ConnectionString;
        _writeConnection = new DuckDBConnection(_connectionString);
        _appendSlots = new SemaphoreSlim(options.MaxConcurrentWrites, options.MaxConcurrentWrites);
    }

    /// <summary>Waits until no telemetry write runs and holds the write gate: for retention and closing.</summary>
    private async Task AcquireExclusiveAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        try
        {
            for (; taken < _options.MaxConcurrentWrites; taken++)
            {
                await _appendSlots.WaitAsync(cancellationToken);
            }

            await _writeGate.WaitAsync(cancellationToken);
        }
        catch
        {
            if (taken > 0)
            {
                _appendSlots.Release(taken);
            }

            throw;
        }
    }

    private void ReleaseExclusive()
    {
        _writeGate.Release();
        _appendSlots.Release(_options.MaxConcurrentWrites);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Opens (or creates) the store at <see cref="DuckDbStoreOptions.DatabasePath"/>, creating or checking the schema.
    /// Only one store may hold a file at a time (DuckDB locks it against other processes).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The file was written by a newer schema version.</exception>
    public static DuckDbTelemetryStore Open(DuckDbStoreOptions options, ILogger<DuckDbTelemetryStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var store = new DuckDbTelemetryStore(options, (ILogger?)logger ?? NullLogger.Instance);
        try
        {
            store.Initialise();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private void Initialise()
    {
        _writeConnection.Open();
        if (_options.MemoryLimitMegabytes > 0)
        {
            Execute(_writeConnection, $"SET memory_limit = '{_options.MemoryLimitMegabytes.ToString(CultureInfo.InvariantCulture)}MB'");
        }

        if (_options.Threads > 0)
        {
            Execute(_writeConnection, $"SET threads = {_options.Threads.ToString(CultureInfo.InvariantCulture)}");
        }

        // Appended rows go to the WAL and are compressed into the file at each checkpoint; a partly filled row group is
        // rewritten at every checkpoint, so a small threshold compresses the same rows many times over.
        Execute(_writeConnection, $"SET checkpoint_threshold = '{_options.CheckpointThresholdMegabytes.ToString(CultureInfo.InvariantCulture)}MB'");
        Execute(_writeConnection, Schema.CreateTables);
        CreateLlmCallTables();
        Execute(_writeConnection, Schema.AddIssueColumns);
        var version = Scalar<int?>(_writeConnection, "SELECT max(version) FROM schema_version");
        if (version is < 2)
        {
            Execute(_writeConnection, "INSERT INTO schema_version (version) VALUES (2)");
            version = 2;
        }
        if (version is null)
        {
            Execute(_writeConnection, $"INSERT INTO schema_version (version) VALUES ({Schema.CurrentVersion.ToString(CultureInfo.InvariantCulture)})");
            Log.SchemaCreated(_logger, DatabasePath, Schema.CurrentVersion);
            version = Schema.CurrentVersion;
        }
        else if (version > Schema.CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The telemetry database {DatabasePath} has schema version {version}, newer than this Argus build supports ({Schema.CurrentVersion}). Upgrade Argus or point DatabasePath at another file.");
        }

        // Version 1 is the first layout; later versions add their migration steps here, each in a transaction.
        LoadKnownResources();
        Log.Opened(_logger, DatabasePath, version.Value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AcquireExclusiveAsync(CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            while (_idleReaders.TryTake(out var reader))
            {
                reader.Dispose();
            }

            while (_appendConnections.TryTake(out var append))
            {
                append.Dispose();
            }

            // Fold the write-ahead log into the file now, so a clean stop leaves one compact file and the next
            // start does not replay it. Durability does not depend on this: the WAL is replayed if it is skipped.
            try
            {
                Execute(_writeConnection, "CHECKPOINT");
            }
            catch (DuckDBException ex)
            {
                Log.CheckpointFailed(_logger, ex);
            }

            _writeConnection.Dispose();
        }
        finally
        {
            ReleaseExclusive();
            _writeGate.Dispose();
            _appendSlots.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>A read connection from the pool (or a new one); give it back with <see cref="ReturnReader"/>.</summary>
    private DuckDBConnection RentReader()
    {
        ThrowIfDisposed();
        if (_idleReaders.TryTake(out var connection))
        {
            return connection;
        }

        connection = new DuckDBConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private void ReturnReader(DuckDBConnection connection)
    {
        if (Volatile.Read(ref _disposed) == 0 && connection.State == ConnectionState.Open && _idleReaders.Count < _options.MaxIdleReadConnections)
        {
            _idleReaders.Add(connection);
            return;
        }

        connection.Dispose();
    }

    /// <summary>Runs a read on a pooled connection, cancelling the query when the token fires.</summary>
    private Task<T> ReadAsync<T>(Func<DuckDBConnection, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = RentReader();
        try
        {
            return Task.FromResult(read(connection));
        }
        finally
        {
            ReturnReader(connection);
        }
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private static void Execute(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static long ExecuteCount(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static T? Scalar<T>(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        var value = command.ExecuteScalar();
        if (value is null or DBNull)
        {
            return default;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }
}
