using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Audit;

public static class SampleEventTypes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string StatusChanged = "status_changed";
    public const string Stored = "stored";                          // put into storage for the first time
    public const string Moved = "moved";                            // from one place in storage to another
    public const string RemovedFromStorage = "removed_from_storage";
}

/// <summary>Who did it, from the access token.</summary>
public sealed record Actor(Guid Id, string? Email, string? Name)
{
    public static Actor From(ClaimsPrincipal user) => new(user.GetUserId(), user.GetEmail(), user.FindFirstValue("name"));
}

/// <summary>One field that changed; <c>old</c> and <c>new</c> are JSON values (null when absent).</summary>
public sealed record SampleChange(string Field, object? Old, object? New);

/// <summary>Where the sample is after the event.</summary>
public sealed record EventLocation(Guid Id, string Barcode, string Name, string? Position, string Path);

public sealed record NewSampleEvent(
    Guid SampleId, string Type, string? FromStatus, string? ToStatus,
    IReadOnlyList<SampleChange> Changes, string? Reason, EventLocation? Location);

public sealed record SampleEventDto(
    long Id, string Type, DateTime At, Actor Actor, string? FromStatus, string? ToStatus,
    JsonElement Changes, string? Reason, JsonElement? Location, string? TraceId);

/// <summary>
/// Appends to <c>sample_events</c> in the caller's transaction, so a change and its record commit or vanish together.
/// The table refuses UPDATE, DELETE and TRUNCATE, and no endpoint offers either.
/// </summary>
public static class SampleEventLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor, NewSampleEvent e) =>
        connection.ExecuteAsync(
            """
            INSERT INTO sample_events (sample_id, type, actor_id, actor_email, actor_name, from_status, to_status,
                                       changes, reason, location, trace_id)
            VALUES (@SampleId, @Type, @ActorId, @ActorEmail, @ActorName, @FromStatus, @ToStatus,
                    @Changes::jsonb, @Reason, @Location::jsonb, @TraceId)
            """,
            new
            {
                e.SampleId, e.Type, ActorId = actor.Id, ActorEmail = actor.Email, ActorName = actor.Name,
                e.FromStatus, e.ToStatus, Changes = SerializeChanges(e.Changes), e.Reason,
                Location = e.Location is null ? null : JsonSerializer.Serialize(e.Location, Json),
                TraceId = CurrentTraceId(),
            },
            transaction);

    /// <summary>Many events in one binary COPY: what a batch of thousands of samples needs to stay fast.</summary>
    public static async Task WriteManyAsync(NpgsqlConnection connection, Actor actor, IEnumerable<NewSampleEvent> events, CancellationToken ct)
    {
        var traceId = CurrentTraceId();
        await using var writer = await connection.BeginBinaryImportAsync(
            """
            COPY sample_events (sample_id, type, actor_id, actor_email, actor_name, from_status, to_status,
                                changes, reason, location, trace_id) FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var e in events)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(e.SampleId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(e.Type, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(actor.Id, NpgsqlDbType.Uuid, ct);
            await WriteNullableAsync(writer, actor.Email, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, actor.Name, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, e.FromStatus, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, e.ToStatus, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(SerializeChanges(e.Changes), NpgsqlDbType.Jsonb, ct);
            await WriteNullableAsync(writer, e.Reason, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, e.Location is null ? null : JsonSerializer.Serialize(e.Location, Json), NpgsqlDbType.Jsonb, ct);
            await WriteNullableAsync(writer, traceId, NpgsqlDbType.Text, ct);
        }
        await writer.CompleteAsync(ct);
    }

    public static async Task<(IReadOnlyList<SampleEventDto> Items, long Total)> ListAsync(
        NpgsqlConnection connection, Guid sampleId, PageRequest paging)
    {
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sample_events WHERE sample_id = @sampleId", new { sampleId });
        var rows = await connection.QueryAsync<(long Id, string Type, DateTime At, Guid ActorId, string? ActorEmail, string? ActorName,
            string? FromStatus, string? ToStatus, string Changes, string? Reason, string? Location, string? TraceId)>(
            """
            SELECT id, type, at, actor_id, actor_email, actor_name, from_status, to_status, changes::text, reason,
                   location::text, trace_id
            FROM sample_events WHERE sample_id = @sampleId
            ORDER BY at, id LIMIT @limit OFFSET @offset
            """,
            new { sampleId, limit = paging.PageSize, offset = paging.Offset });
        var items = rows.Select(r => new SampleEventDto(
            r.Id, r.Type, r.At, new Actor(r.ActorId, r.ActorEmail, r.ActorName), r.FromStatus, r.ToStatus,
            Parse(r.Changes), r.Reason, r.Location is null ? null : Parse(r.Location), r.TraceId)).ToList();
        return (items, total);
    }

    public static string SerializeChanges(IReadOnlyList<SampleChange> changes) => JsonSerializer.Serialize(changes, Json);

    private static string? CurrentTraceId() => Activity.Current?.TraceId.ToHexString();

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(ct);
        }
        else
        {
            await writer.WriteAsync(value, type, ct);
        }
    }
}
