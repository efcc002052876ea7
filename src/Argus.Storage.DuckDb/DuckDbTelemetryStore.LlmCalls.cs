using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Core;
using Argus.Core.Llm;

namespace Argus.Storage.DuckDb;

// The role gateway's call log lives next to the telemetry, so it shares the store's retention (age and size).
// Rows are few compared with spans (one per LLM call), so the layout favours simple reads over compression.
public sealed partial class DuckDbTelemetryStore : ILlmCallLog
{
    /// <summary>DDL of the call log; idempotent, run at every open.</summary>
    internal const string LlmCallsDdl = """
        CREATE TABLE IF NOT EXISTS llm_calls (
            tenant_id VARCHAR NOT NULL,
            time_ns BIGINT NOT NULL,
            id VARCHAR NOT NULL,
            api_key_id VARCHAR,
            user_name VARCHAR,
            role_code VARCHAR NOT NULL,
            role_version INTEGER NOT NULL,
            status VARCHAR NOT NULL,
            error VARCHAR,
            provider VARCHAR,
            model VARCHAR,
            served_link INTEGER NOT NULL,
            attempts VARCHAR,
            parameters VARCHAR,
            request VARCHAR,
            answer VARCHAR,
            stream BOOLEAN NOT NULL,
            latency_ms DOUBLE NOT NULL,
            first_token_ms DOUBLE,
            input_tokens BIGINT NOT NULL,
            output_tokens BIGINT NOT NULL,
            cost DOUBLE);
        """ + LlmCallsMaskingColumns;

    /// <summary>
    /// Masked values by kind (JSON object) and mangled tokens per call; added with ALTER so that call logs written by
    /// an older Argus are upgraded in place. New columns go last, where the appender puts them.
    /// </summary>
    private const string LlmCallsMaskingColumns = """

        ALTER TABLE llm_calls ADD COLUMN IF NOT EXISTS masked VARCHAR;
        ALTER TABLE llm_calls ADD COLUMN IF NOT EXISTS mangled_tokens INTEGER DEFAULT 0;
        """;

    private const string LlmCallColumns = "id, time_ns, api_key_id, user_name, role_code, role_version, status, error, provider, model, served_link, attempts, parameters, request, answer, stream, latency_ms, first_token_ms, input_tokens, output_tokens, cost, masked, mangled_tokens";

    /// <summary>Creates the call-log table (called from schema creation).</summary>
    private void CreateLlmCallTables() => Execute(_writeConnection, LlmCallsDdl);

    /// <summary>Deletes calls older than the cutoff; part of age retention.</summary>
    private long DeleteLlmCallsOlderThan(long cutoffNanos) =>
        ExecuteCount(_writeConnection, "DELETE FROM llm_calls WHERE time_ns < $cutoff", ("cutoff", cutoffNanos));

    /// <inheritdoc />
    public async Task WriteCallsAsync(IReadOnlyList<LlmCallRecord> calls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0)
        {
            return;
        }

        ThrowIfDisposed();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            using var appender = _writeConnection.CreateAppender("llm_calls");
            foreach (var c in calls)
            {
                var row = appender.CreateRow()
                    .AppendValue(c.TenantId)
                    .AppendValue(TimeRange.ToUnixNano(c.Time))
                    .AppendValue(c.Id)
                    .AppendValue(c.ApiKeyId)
                    .AppendValue(c.User)
                    .AppendValue(c.RoleCode)
                    .AppendValue(c.RoleVersion)
                    .AppendValue(c.Status)
                    .AppendValue(c.Error)
                    .AppendValue(c.Provider)
                    .AppendValue(c.Model)
                    .AppendValue(c.ServedLink)
                    .AppendValue(JsonSerializer.Serialize(c.Attempts, LlmCallJsonContext.Default.IReadOnlyListLlmCallAttempt))
                    .AppendValue(c.ParametersJson)
                    .AppendValue(c.RequestJson)
                    .AppendValue(c.Answer)
                    .AppendValue(c.Stream)
                    .AppendValue(c.LatencyMs)
                    .AppendValue(c.FirstTokenMs)
                    .AppendValue(c.InputTokens)
                    .AppendValue(c.OutputTokens)
                    .AppendValue(c.Cost)
                    .AppendValue(c.Masked is null ? null : JsonSerializer.Serialize(c.Masked, LlmCallJsonContext.Default.IReadOnlyDictionaryStringInt32))
                    .AppendValue(c.MangledTokens);
                row.EndRow();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LlmCallRecord>> QueryCallsAsync(string tenantId, LlmCallQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync<IReadOnlyList<LlmCallRecord>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT {LlmCallColumns}
                FROM llm_calls
                WHERE tenant_id = $tenant AND time_ns >= $from AND time_ns < $to
                {(query.Role is null ? "" : "AND role_code = $role")}
                {(query.Client is null ? "" : "AND api_key_id = $client")}
                {(query.Model is null ? "" : "AND model = $model")}
                {(query.Status is null ? "" : "AND status = $status")}
                ORDER BY time_ns DESC
                LIMIT $limit
                """,
                Parameters(("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()), ("limit", query.Limit),
                    query.Role is null ? default : ("role", query.Role),
                    query.Client is null ? default : ("client", query.Client),
                    query.Model is null ? default : ("model", query.Model),
                    query.Status is null ? default : ("status", query.Status)));
            return Query(command, r => ReadLlmCall(r, tenantId), cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LlmUsagePoint>> GetUsageAsync(string tenantId, LlmUsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var step = StepNanos(query.Step);
        // The group column is chosen from an enum, never from user text.
        var group = query.GroupBy switch
        {
            LlmUsageGroupBy.Role => "role_code",
            LlmUsageGroupBy.Client => "coalesce(api_key_id, 'anonymous')",
            _ => "coalesce(model, 'none')",
        };
        return ReadAsync<IReadOnlyList<LlmUsagePoint>>(connection =>
        {
            using var command = Command(connection, $"""
                SELECT (time_ns // $step) * $step AS bucket, {group} AS grp, count(*),
                       count(*) FILTER (WHERE status <> 'ok'),
                       sum(input_tokens)::BIGINT, sum(output_tokens)::BIGINT, coalesce(sum(cost), 0)::DOUBLE,
                       quantile_cont(latency_ms, 0.5), quantile_cont(latency_ms, 0.95)
                FROM llm_calls
                WHERE tenant_id = $tenant AND time_ns >= $from AND time_ns < $to
                GROUP BY bucket, grp
                ORDER BY bucket, grp
                """,
                ("tenant", tenantId), ("from", query.Range.FromUnixNano), ("to", query.Range.ToUnixNano()), ("step", step));
            return Query(command, r => new LlmUsagePoint(
                TimeRange.FromUnixNanoToTime(r.GetInt64(0)), r.GetString(1), r.GetInt64(2), r.GetInt64(3),
                r.GetInt64(4),
                r.GetInt64(5),
                r.GetDouble(6), r.GetDouble(7), r.GetDouble(8)), cancellationToken);
        }, cancellationToken);
    }

    private static LlmCallRecord ReadLlmCall(DbDataReader r, string tenantId)
    {
        var attemptsJson = NullableString(r, 11);
        return new LlmCallRecord
        {
            Id = r.GetString(0),
            TenantId = tenantId,
            Time = TimeRange.FromUnixNanoToTime(r.GetInt64(1)),
            ApiKeyId = NullableString(r, 2),
            User = NullableString(r, 3),
            RoleCode = r.GetString(4),
            RoleVersion = r.GetInt32(5),
            Status = r.GetString(6),
            Error = NullableString(r, 7),
            Provider = NullableString(r, 8),
            Model = NullableString(r, 9),
            ServedLink = r.GetInt32(10),
            Attempts = attemptsJson is null ? [] : JsonSerializer.Deserialize(attemptsJson, LlmCallJsonContext.Default.IReadOnlyListLlmCallAttempt) ?? [],
            ParametersJson = NullableString(r, 12),
            RequestJson = NullableString(r, 13),
            Answer = NullableString(r, 14),
            Stream = r.GetBoolean(15),
            LatencyMs = r.GetDouble(16),
            FirstTokenMs = r.IsDBNull(17) ? null : r.GetDouble(17),
            InputTokens = r.GetInt64(18),
            OutputTokens = r.GetInt64(19),
            Cost = r.IsDBNull(20) ? null : r.GetDouble(20),
            Masked = NullableString(r, 21) is { } masked ? JsonSerializer.Deserialize(masked, LlmCallJsonContext.Default.IReadOnlyDictionaryStringInt32) : null,
            MangledTokens = r.IsDBNull(22) ? 0 : r.GetInt32(22),
        };
    }
}

/// <summary>JSON for the attempts column.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<LlmCallAttempt>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, int>))]
internal sealed partial class LlmCallJsonContext : JsonSerializerContext;
