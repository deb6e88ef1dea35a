using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace TracSeq.ServiceDefaults.Outbox;

/// <summary>
/// One event for the world outside (webhooks), as a service records it: <see cref="Id"/> is the event's identity end to
/// end (Samples keeps each id once, so relaying twice delivers once); <see cref="ProjectCode"/> decides which
/// project-scoped subscriptions hear it (null: only unscoped ones).
/// </summary>
public sealed record OutboxEvent(Guid Id, string Type, DateTimeOffset OccurredAt, string? ProjectCode, JsonElement Data)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxEvent Create<T>(string type, T data, string? projectCode = null) =>
        new(Guid.CreateVersion7(), type, DateTimeOffset.UtcNow, projectCode, JsonSerializer.SerializeToElement(data, Json));
}

/// <summary>
/// Writes events into the service's <c>outbox</c> table in the caller's transaction, so an event exists exactly when
/// the change it reports committed: a crash after the commit leaves the row for <see cref="OutboxRelay"/> to send after
/// the restart; a rollback leaves nothing. Each service's migrations create the table (<c>0020_outbox.sql</c>).
/// </summary>
public static class Outbox
{
    private const int CopyThreshold = 20; // a batch of thousands of samples: one COPY, not thousands of INSERTs

    public static Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxEvent e) =>
        connection.ExecuteAsync(
            "INSERT INTO outbox (id, type, occurred_at, project_code, data) VALUES (@Id, @Type, @OccurredAt, @ProjectCode, @Data::jsonb)",
            new { e.Id, e.Type, e.OccurredAt, e.ProjectCode, Data = e.Data.GetRawText() }, transaction);

    /// <summary>Many events; a binary COPY joins the connection's open transaction.</summary>
    public static async Task AddManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<OutboxEvent> events, CancellationToken ct)
    {
        if (events.Count <= CopyThreshold)
        {
            foreach (var e in events)
            {
                await AddAsync(connection, transaction, e);
            }
            return;
        }
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY outbox (id, type, occurred_at, project_code, data) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var e in events)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(e.Type, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(e.OccurredAt, NpgsqlDbType.TimestampTz, ct);
            if (e.ProjectCode is null)
            {
                await writer.WriteNullAsync(ct);
            }
            else
            {
                await writer.WriteAsync(e.ProjectCode, NpgsqlDbType.Text, ct);
            }
            await writer.WriteAsync(e.Data.GetRawText(), NpgsqlDbType.Jsonb, ct);
        }
        await writer.CompleteAsync(ct);
    }
}
