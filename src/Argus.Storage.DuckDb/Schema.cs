namespace Argus.Storage.DuckDb;

/// <summary>The table layout, created on open and versioned in <c>schema_version</c>.</summary>
internal static class Schema
{
    /// <summary>The layout this build writes. Bump it with a migration step in <see cref="DuckDbTelemetryStore"/>.</summary>
    public const int CurrentVersion = 2;

    // Column order matters: the appenders write positionally. Columns are ordered so the ones queries filter on
    // (tenant, service, name, time) come first, which is also the order rows are sorted in within a write.
    // Attributes are a key string and a value string (see AttributeCodec): MAP cannot be appended, lists append slowly,
    // JSON measured a third larger.
    // Resource attributes repeat for every record of a process, so they live once in `resources`, keyed by a hash.
    public const string CreateTables = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL,
            applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp);

        CREATE TABLE IF NOT EXISTS resources (
            tenant_id VARCHAR NOT NULL,
            resource_id UBIGINT NOT NULL,
            attr_keys VARCHAR,
            attr_values VARCHAR);

        CREATE TABLE IF NOT EXISTS spans (
            tenant_id VARCHAR NOT NULL,
            service VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            start_ns BIGINT NOT NULL,
            duration_ns BIGINT NOT NULL,
            trace_id UHUGEINT NOT NULL,
            span_id UBIGINT NOT NULL,
            parent_span_id UBIGINT NOT NULL,
            kind TINYINT NOT NULL,
            status TINYINT NOT NULL,
            status_message VARCHAR,
            instance VARCHAR,
            environment VARCHAR,
            scope VARCHAR,
            db_system VARCHAR,
            db_statement VARCHAR,
            db_operation VARCHAR,
            db_name VARCHAR,
            db_fingerprint UBIGINT NOT NULL,
            server_address VARCHAR,
            server_port INTEGER,
            http_method VARCHAR,
            http_route VARCHAR,
            http_status_code INTEGER,
            url VARCHAR,
            exception_type VARCHAR,
            exception_message VARCHAR,
            resource_id UBIGINT NOT NULL,
            attr_keys VARCHAR,
            attr_values VARCHAR,
            promoted_keys USMALLINT NOT NULL,
            events VARCHAR);

        CREATE TABLE IF NOT EXISTS logs (
            tenant_id VARCHAR NOT NULL,
            service VARCHAR NOT NULL,
            time_ns BIGINT NOT NULL,
            observed_ns BIGINT NOT NULL,
            severity_number TINYINT NOT NULL,
            severity_text VARCHAR,
            body VARCHAR NOT NULL,
            instance VARCHAR,
            environment VARCHAR,
            scope VARCHAR,
            trace_id UHUGEINT,
            span_id UBIGINT,
            event_name VARCHAR,
            exception_type VARCHAR,
            exception_message VARCHAR,
            exception_stacktrace VARCHAR,
            resource_id UBIGINT NOT NULL,
            attr_keys VARCHAR,
            attr_values VARCHAR);

        CREATE TABLE IF NOT EXISTS metric_points (
            tenant_id VARCHAR NOT NULL,
            service VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            time_ns BIGINT NOT NULL,
            start_ns BIGINT NOT NULL,
            kind TINYINT NOT NULL,
            unit VARCHAR,
            description VARCHAR,
            instance VARCHAR,
            temporality TINYINT NOT NULL,
            monotonic BOOLEAN NOT NULL,
            value DOUBLE,
            count UBIGINT,
            sum DOUBLE,
            min DOUBLE,
            max DOUBLE,
            bounds DOUBLE[],
            bucket_counts UBIGINT[],
            resource_id UBIGINT NOT NULL,
            attr_keys VARCHAR,
            attr_values VARCHAR);
        """;

    /// <summary>
    /// Version 2: every span and log record carries the issue it belongs to (exception fingerprint or log template).
    /// Added with ALTER so that version-1 files are upgraded in place; new columns go last, where the appenders put them.
    /// </summary>
    public const string AddIssueColumns = """
        ALTER TABLE spans ADD COLUMN IF NOT EXISTS issue_id UBIGINT DEFAULT 0;
        ALTER TABLE logs ADD COLUMN IF NOT EXISTS issue_id UBIGINT DEFAULT 0;
        """;

    /// <summary>The span columns read back into a <see cref="Core.Telemetry.SpanRecord"/>, in <see cref="SpanReader"/> order.</summary>
    public const string SpanSelectColumns = """
        s.tenant_id, s.service, s.name, s.start_ns, s.duration_ns, s.trace_id, s.span_id, s.parent_span_id,
        s.kind, s.status, s.status_message, s.instance, s.environment, s.scope, s.db_system, s.db_statement,
        s.db_operation, s.db_name, s.db_fingerprint, s.server_address, s.server_port, s.http_method, s.http_route,
        s.http_status_code, s.url, s.exception_type, s.exception_message, s.attr_keys, s.attr_values, s.events, s.promoted_keys,
        r.attr_keys, r.attr_values, s.issue_id
        """;
}
