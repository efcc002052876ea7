using System.Globalization;
using Argus.Analysis.Logs;
using Argus.Analysis.Sql;
using Argus.Core.Telemetry;

namespace Argus.Analysis.Profiles;

/// <summary>
/// Turns all spans of one trace (and optionally its log records) into a <see cref="TransactionProfile"/>.
/// Deterministic: the same spans, in any order, give the same profile. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Root</b>: the span whose parent is not in the set; with several, the earliest (then the longest). Spans
/// whose parent is missing hang under the root's level in start order; spans caught in a parent cycle come last.</para>
/// <para><b>Step types</b>, first rule that matches: connection wait (below); database (<c>db.system</c> or a statement);
/// messaging (span kind PRODUCER/CONSUMER or <c>messaging.system</c>); server (kind SERVER); external (kind CLIENT);
/// internal.</para>
/// <para><b>Connection wait</b>: the span name with everything but letters removed and lower-cased contains
/// <c>getconnection</c>, <c>connectionacquire</c>, <c>acquireconnection</c>, <c>connectionwait</c>,
/// <c>waitforconnection</c> or <c>connectioncheckout</c> (so <c>HikariPool.getConnection</c>,
/// <c>DataSource.getConnection</c>, <c>connection acquire</c>, <c>db.client.connection.wait</c> all match); or the span
/// has <c>db.client.connection.pool.name</c> and its name contains <c>wait</c>, <c>acquire</c> or <c>checkout</c>.</para>
/// <para><b>Exceptions</b>: <c>exception</c> events on spans (or a span's promoted exception type when it has no event),
/// and log records of severity ERROR or above that carry an exception; a log record repeating an exception already
/// recorded on its span (same type) is not counted twice.</para>
/// </remarks>
public static class TransactionProfileBuilder
{
    private const string ReturnedRowsAttribute = "db.response.returned_rows";
    private const string PoolNameAttribute = "db.client.connection.pool.name";
    private const int MaxServices = 100;

    private static readonly string[] ConnectionWaitNames =
        ["getconnection", "connectionacquire", "acquireconnection", "connectionwait", "waitforconnection", "connectioncheckout"];

    /// <summary>Builds the profile of one transaction.</summary>
    /// <param name="spans">All spans of the trace, in any order; at least one.</param>
    /// <param name="logs">Log records of the same trace, used for exceptions logged at ERROR; optional.</param>
    /// <param name="options">Caps; <see cref="ProfileOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">No spans, or invalid options.</exception>
    public static TransactionProfile Build(IReadOnlyList<SpanRecord> spans, IReadOnlyList<LogRecord>? logs = null, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            throw new ArgumentException("A transaction profile needs at least one span.", nameof(spans));
        }

        options ??= ProfileOptions.Default;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var tree = TraceTree.Build(spans);
        var ordered = tree.Spans;
        var depths = tree.Depths;
        var root = ordered[0];
        var durationMs = Ms(root.DurationNano);
        if (durationMs <= 0)
        {
            // A root without a duration (still open, or clock trouble): measure the trace's extent instead.
            durationMs = Ms(ordered.Max(s => s.EndTimeUnixNano) - ordered.Min(s => s.StartTimeUnixNano));
        }

        var state = new BuildState(options, durationMs);
        var services = new List<string>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var span = ordered[i];
            if (services.Count < MaxServices && !services.Contains(span.ServiceName))
            {
                services.Add(span.ServiceName);
            }

            state.Add(span, i + 1, depths[i], root.StartTimeUnixNano);
        }

        if (logs is not null)
        {
            state.AddLogs(logs);
        }

        var sqlTotal = state.SqlGroups.Values.Sum(g => g.TotalMs);
        var externalTotal = state.Targets.Values.Sum(t => t.TotalMs);
        var totals = new ProfileTotals(
            state.SqlCount,
            state.SqlGroups.Count,
            Round(sqlTotal),
            state.Share(sqlTotal),
            state.ExternalCount,
            Round(externalTotal),
            state.Share(externalTotal),
            state.ConnectionWaitCount,
            Round(state.ConnectionWaitMs),
            state.ExceptionCount,
            state.ErrorSpanCount);

        var sqlGroups = state.SqlGroups.Values
            .OrderByDescending(g => g.TotalMs).ThenBy(g => g.FirstStepIndex)
            .Select(g => g.ToProfile(state))
            .ToList();
        var targets = state.Targets.Values
            .OrderByDescending(t => t.TotalMs).ThenBy(t => t.SlowestStepIndex)
            .Select(t => t.ToProfile(state))
            .ToList();

        var truncation = new ProfileTruncation(
            Math.Max(0, ordered.Count - options.MaxSteps),
            Math.Max(0, state.SqlCount - state.Sql.Count),
            Math.Max(0, sqlGroups.Count - options.MaxSqlGroups),
            Math.Max(0, state.ExternalCount - state.ExternalCalls.Count),
            Math.Max(0, targets.Count - options.MaxExternalTargets),
            Math.Max(0, state.ConnectionWaitCount - state.ConnectionWaits.Count),
            Math.Max(0, state.ExceptionCount - state.Exceptions.Count),
            state.StatementsShortened);

        return new TransactionProfile
        {
            TraceId = root.TraceId.ToString(),
            RootSpanId = root.SpanId.ToString(),
            Service = root.ServiceName,
            Instance = root.ServiceInstanceId,
            Environment = root.DeploymentEnvironment,
            Endpoint = Endpoint(root),
            HttpStatusCode = root.HttpStatusCode,
            IsError = root.IsError || root.HttpStatusCode >= 500,
            Start = DateTimeOffset.UnixEpoch.AddTicks(root.StartTimeUnixNano / 100),
            DurationMs = Round(durationMs),
            SpanCount = ordered.Count,
            Services = services,
            Steps = state.Steps,
            Sql = state.Sql,
            SqlGroups = [.. sqlGroups.Take(options.MaxSqlGroups)],
            ExternalCalls = state.ExternalCalls,
            ExternalTargets = [.. targets.Take(options.MaxExternalTargets)],
            ConnectionWaits = state.ConnectionWaits,
            Exceptions = state.Exceptions,
            Totals = totals,
            Truncation = truncation == Untruncated ? null : truncation,
        };
    }

    private static readonly ProfileTruncation Untruncated = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Classifies a span; see the remarks on <see cref="TransactionProfileBuilder"/> for the rules.</summary>
    public static StepType Classify(SpanRecord span)
    {
        ArgumentNullException.ThrowIfNull(span);
        if (IsConnectionWait(span))
        {
            return StepType.ConnectionWait;
        }

        if (span.DbSystem is not null || span.DbStatement is not null)
        {
            return StepType.Sql;
        }

        if (span.Kind is SpanKind.Producer or SpanKind.Consumer || Attribute(span, "messaging.system") is not null)
        {
            return StepType.Messaging;
        }

        return span.Kind switch
        {
            SpanKind.Server => StepType.Server,
            SpanKind.Client => StepType.External,
            _ => StepType.Internal,
        };
    }

    private static bool IsConnectionWait(SpanRecord span)
    {
        // Letters only, lower-cased: "HikariPool.getConnection", "connection acquire" and "db.client.connection.wait"
        // all become one word to search.
        var letters = new string([.. span.Name.Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]);
        foreach (var n in ConnectionWaitNames)
        {
            if (letters.Contains(n, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return Attribute(span, PoolNameAttribute) is not null
            && (letters.Contains("wait", StringComparison.Ordinal) || letters.Contains("acquire", StringComparison.Ordinal)
                || letters.Contains("checkout", StringComparison.Ordinal));
    }

    private static string Endpoint(SpanRecord root)
    {
        var target = root.HttpRoute ?? PathOf(root.Url);
        if (root.HttpMethod is not null && target is not null)
        {
            return $"{root.HttpMethod} {target}";
        }

        return root.Name;
    }

    private static string? PathOf(string? url)
    {
        if (url is null)
        {
            return null;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? uri.AbsolutePath
            : StripQuery(url);
    }

    /// <summary>URL without query or fragment (they often carry tokens) and without user information.</summary>
    internal static string? StripQuery(string? url)
    {
        if (url is null)
        {
            return null;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        }

        var cut = url.IndexOfAny(['?', '#']);
        return cut >= 0 ? url[..cut] : url;
    }

    private static string Address(SpanRecord span)
    {
        Uri? uri = null;
        if (span.Url is not null && Uri.TryCreate(span.Url, UriKind.Absolute, out var parsed) && !parsed.IsFile)
        {
            uri = parsed;
        }

        var host = span.ServerAddress ?? uri?.Host;
        var port = span.ServerPort ?? (uri is { Port: > 0 } ? uri.Port : null);
        if (host is not null)
        {
            return port is { } p ? string.Create(CultureInfo.InvariantCulture, $"{host}:{p}") : host;
        }

        return Attribute(span, "peer.service") ?? Attribute(span, "rpc.service") ?? span.Name;
    }

    internal static string? Attribute(SpanRecord span, string key)
    {
        foreach (var a in span.Attributes)
        {
            if (a.Key == key)
            {
                return a.Value;
            }
        }

        return null;
    }

    private static string? Attribute(IReadOnlyList<TelemetryAttribute> attributes, string key)
    {
        foreach (var a in attributes)
        {
            if (a.Key == key)
            {
                return a.Value;
            }
        }

        return null;
    }

    private static CrudKind CrudOfOperation(string? operation) => operation?.Trim().ToUpperInvariant() switch
    {
        null or "" => CrudKind.Unknown,
        "SELECT" or "FIND" or "GET" or "AGGREGATE" or "COUNT" or "MGET" or "HGET" or "HGETALL" => CrudKind.Select,
        "INSERT" or "INSERTONE" or "INSERTMANY" or "SET" or "HSET" => CrudKind.Insert,
        "UPDATE" or "UPDATEONE" or "UPDATEMANY" => CrudKind.Update,
        "DELETE" or "DELETEONE" or "DELETEMANY" or "DEL" => CrudKind.Delete,
        "MERGE" or "UPSERT" => CrudKind.Merge,
        "CALL" or "EXEC" or "EXECUTE" => CrudKind.Call,
        _ => CrudKind.Other,
    };

    private static double Ms(long nanos) => nanos / 1_000_000.0;

    internal static double Round(double ms) => Math.Round(ms, 3, MidpointRounding.AwayFromZero);

    internal static string Truncate(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string? FirstOrNull(IReadOnlyList<string> list) => list.Count > 0 ? list[0] : null;

    private static bool IsErrorLog(LogRecord log) => log.SeverityNumber >= 17
        || (log.SeverityNumber == 0 && log.SeverityText?.ToUpperInvariant() is "ERROR" or "FATAL" or "CRITICAL");

    /// <summary>The running state of one build: the capped lists and the uncapped totals.</summary>
    private sealed class BuildState(ProfileOptions options, double durationMs)
    {
        private readonly Dictionary<string, SqlShape> _shapes = new(StringComparer.Ordinal);
        private readonly Dictionary<SpanId, int> _stepOfSpan = [];
        private readonly HashSet<(int Step, string Type)> _spanExceptions = [];

        public List<ProfileStep> Steps { get; } = [];
        public List<SqlStatementProfile> Sql { get; } = [];
        public Dictionary<string, SqlGroupBuilder> SqlGroups { get; } = new(StringComparer.Ordinal);
        public List<ExternalCallProfile> ExternalCalls { get; } = [];
        public Dictionary<string, TargetBuilder> Targets { get; } = new(StringComparer.Ordinal);
        public List<ConnectionWaitProfile> ConnectionWaits { get; } = [];
        public List<ExceptionProfile> Exceptions { get; } = [];
        public int SqlCount { get; private set; }
        public int ExternalCount { get; private set; }
        public int ConnectionWaitCount { get; private set; }
        public double ConnectionWaitMs { get; private set; }
        public int ExceptionCount { get; private set; }
        public int ErrorSpanCount { get; private set; }
        public int StatementsShortened { get; private set; }
        public ProfileOptions Options => options;

        public double Share(double ms) => durationMs > 0 ? Math.Round(ms / durationMs * 100, 1, MidpointRounding.AwayFromZero) : 0;

        public void Add(SpanRecord span, int index, int depth, long rootStart)
        {
            _stepOfSpan.TryAdd(span.SpanId, index);
            var type = Classify(span);
            var ms = Ms(span.DurationNano);
            var share = Share(ms);
            if (span.IsError)
            {
                ErrorSpanCount++;
            }

            if (Steps.Count < options.MaxSteps)
            {
                Steps.Add(new ProfileStep(
                    index,
                    span.SpanId.ToString(),
                    span.ParentSpanId.IsEmpty ? null : span.ParentSpanId.ToString(),
                    depth,
                    span.ServiceName,
                    Truncate(span.Name, options.MaxStatementLength),
                    span.Kind,
                    type,
                    Round(Ms(span.StartTimeUnixNano - rootStart)),
                    Round(ms),
                    share,
                    span.IsError));
            }

            switch (type)
            {
                case StepType.Sql:
                    AddSql(span, index, ms, share);
                    break;
                case StepType.External:
                    AddExternal(span, index, ms, share);
                    break;
                case StepType.ConnectionWait:
                    ConnectionWaitCount++;
                    ConnectionWaitMs += ms;
                    if (ConnectionWaits.Count < options.MaxSqlStatements)
                    {
                        ConnectionWaits.Add(new ConnectionWaitProfile(index, span.Name, Attribute(span, PoolNameAttribute), Round(ms), share));
                    }

                    break;
                default:
                    break;
            }

            AddSpanExceptions(span, index);
        }

        private void AddSql(SpanRecord span, int index, double ms, double share)
        {
            SqlCount++;
            SqlShape? shape = null;
            if (!string.IsNullOrWhiteSpace(span.DbStatement))
            {
                if (!_shapes.TryGetValue(span.DbStatement, out shape))
                {
                    shape = SqlNormalizer.Analyze(span.DbStatement);
                    _shapes[span.DbStatement] = shape;
                }
            }

            var fingerprint = shape is null ? string.Empty : shape.Fingerprint.ToString("x16", CultureInfo.InvariantCulture);
            var normalized = shape?.NormalizedText ?? span.DbOperation ?? span.Name;
            var crud = shape?.Crud is { } c && c != CrudKind.Unknown ? c : CrudOfOperation(span.DbOperation);
            IReadOnlyList<string> tables = shape is { Tables.Count: > 0 }
                ? shape.Tables
                : (Attribute(span, "db.collection.name") ?? Attribute(span, "db.sql.table")) is { } t ? [t] : [];
            long? rows = long.TryParse(Attribute(span, ReturnedRowsAttribute), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : null;

            if (Sql.Count < options.MaxSqlStatements)
            {
                var statement = span.DbStatement;
                if (statement is not null && statement.Length > options.MaxStatementLength)
                {
                    StatementsShortened++;
                    statement = Truncate(statement, options.MaxStatementLength);
                }

                Sql.Add(new SqlStatementProfile(
                    index, statement, Truncate(normalized, options.MaxStatementLength), fingerprint, span.DbSystem, span.DbName,
                    tables, crud, Round(ms), share, rows, span.IsError));
            }

            // Calls without a statement group by what is known of them, so that they still count towards repeats.
            var key = shape is null ? $"op\n{span.DbSystem}\n{span.DbName}\n{normalized}\n{string.Join(',', tables)}" : fingerprint;
            if (!SqlGroups.TryGetValue(key, out var group))
            {
                SqlGroups[key] = group = new SqlGroupBuilder(
                    fingerprint, Truncate(normalized, options.MaxStatementLength), span.DbSystem, span.DbName, tables, crud, index);
            }

            group.Add(index, ms, rows);
        }

        private void AddExternal(SpanRecord span, int index, double ms, double share)
        {
            ExternalCount++;
            var address = Address(span);
            var method = span.HttpMethod ?? Attribute(span, "rpc.method");
            var url = StripQuery(span.Url);
            var isError = span.IsError || span.HttpStatusCode >= 400;
            if (ExternalCalls.Count < options.MaxExternalCalls)
            {
                ExternalCalls.Add(new ExternalCallProfile(index, address, method, url, span.HttpStatusCode, Round(ms), share, isError));
            }

            if (!Targets.TryGetValue(address, out var target))
            {
                Targets[address] = target = new TargetBuilder(address);
            }

            target.Add(index, ms, method, url, span.HttpStatusCode, isError);
        }

        private void AddSpanExceptions(SpanRecord span, int index)
        {
            var found = false;
            foreach (var e in span.Events)
            {
                if (e.Name != "exception")
                {
                    continue;
                }

                found = true;
                AddException(index, span.ServiceName, Attribute(e.Attributes, "exception.type"), Attribute(e.Attributes, "exception.message"),
                    Attribute(e.Attributes, "exception.stacktrace"), ExceptionSource.Span);
            }

            if (!found && span.ExceptionType is not null)
            {
                AddException(index, span.ServiceName, span.ExceptionType, span.ExceptionMessage,
                    Attribute(span, "exception.stacktrace"), ExceptionSource.Span);
            }
        }

        public void AddLogs(IReadOnlyList<LogRecord> logs)
        {
            foreach (var log in logs.OrderBy(l => l.TimeUnixNano))
            {
                if (!IsErrorLog(log) || (log.ExceptionType is null && log.ExceptionStacktrace is null))
                {
                    continue;
                }

                var step = _stepOfSpan.GetValueOrDefault(log.SpanId);
                var type = log.ExceptionType ?? FirstOrNull(StackTraceParser.Parse(log.ExceptionStacktrace, 1).ExceptionTypes);
                if (step > 0 && type is not null && _spanExceptions.Contains((step, type)))
                {
                    continue; // the same exception, recorded on the span and logged
                }

                AddException(step, log.ServiceName, log.ExceptionType, log.ExceptionMessage, log.ExceptionStacktrace, ExceptionSource.Log);
            }
        }

        private void AddException(int step, string service, string? type, string? message, string? stackTrace, ExceptionSource source)
        {
            ExceptionCount++;
            if (Exceptions.Count >= options.MaxExceptions)
            {
                if (source == ExceptionSource.Span && type is not null)
                {
                    _spanExceptions.Add((step, type));
                }

                return;
            }

            var parsed = StackTraceParser.Parse(stackTrace, options.MaxFramesPerException);
            type ??= FirstOrNull(parsed.ExceptionTypes) ?? "Error";
            if (source == ExceptionSource.Span)
            {
                _spanExceptions.Add((step, type));
            }

            var causes = parsed.ExceptionTypes.Where(t => t != type).Take(options.MaxFramesPerException).ToList();
            var frames = parsed.InAppFrames.Select(f => f.ToString()).ToList();
            Exceptions.Add(new ExceptionProfile(
                step,
                service,
                type,
                message is null ? null : Truncate(message, options.MaxMessageLength),
                causes,
                frames,
                frames.Count > 0 ? frames[0] : null,
                source));
        }
    }

    private sealed class SqlGroupBuilder(
        string fingerprint, string normalized, string? dbSystem, string? dbName, IReadOnlyList<string> tables, CrudKind crud, int firstStep)
    {
        private int _count;
        private double _max = -1;
        private int _slowest;
        private long? _rows;
        private long? _maxRows;
        private int _maxRowsStep;

        public double TotalMs { get; private set; }
        public int FirstStepIndex => firstStep;

        public void Add(int step, double ms, long? rows)
        {
            _count++;
            TotalMs += ms;
            if (ms > _max)
            {
                _max = ms;
                _slowest = step;
            }

            if (rows is { } r)
            {
                _rows = (_rows ?? 0) + r;
                if (_maxRows is null || r > _maxRows)
                {
                    _maxRows = r;
                    _maxRowsStep = step;
                }
            }
        }

        public SqlGroupProfile ToProfile(BuildState state) => new(
            fingerprint, normalized, dbSystem, dbName, tables, crud, _count, Round(TotalMs), Round(_max), state.Share(TotalMs),
            firstStep, _slowest, _rows, _maxRows, _maxRowsStep);
    }

    private sealed class TargetBuilder(string address)
    {
        private readonly SortedSet<int> _statuses = [];
        private int _count;
        private int _errors;
        private double _max = -1;
        private string? _method;
        private string? _url;

        public double TotalMs { get; private set; }
        public int SlowestStepIndex { get; private set; }

        public void Add(int step, double ms, string? method, string? url, int? status, bool isError)
        {
            _count++;
            TotalMs += ms;
            if (isError)
            {
                _errors++;
            }

            if (status is { } s && _statuses.Count < 16)
            {
                _statuses.Add(s);
            }

            if (ms > _max)
            {
                _max = ms;
                SlowestStepIndex = step;
                _method = method;
                _url = url;
            }
        }

        public ExternalTargetProfile ToProfile(BuildState state) => new(
            address, _count, Round(TotalMs), Round(_max), state.Share(TotalMs), _errors, [.. _statuses], SlowestStepIndex, _method,
            _url is null ? null : Truncate(_url, state.Options.MaxStatementLength));
    }
}
