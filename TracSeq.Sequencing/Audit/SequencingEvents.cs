using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Audit;

public static class EntityKinds
{
    public const string IndexKit = "index_kit";
    public const string Library = "library";
    public const string Pool = "pool";
    public const string Run = "run";
    public const string Qc = "qc";
}

/// <summary>One audit record as the API shows it: who, when, what (details), and the request's trace id.</summary>
public sealed record SequencingEventDto(
    long Id, string EntityKind, Guid EntityId, string Type, JsonElement Details, SequencingActor Actor, DateTime At, string? TraceId);

public sealed record SequencingActor(Guid Id, string? Email, string? Name);

/// <summary>
/// Appends to <c>sequencing_events</c> in the caller's transaction, so a change and its record commit or vanish
/// together. The table refuses UPDATE, DELETE and TRUNCATE.
/// </summary>
public static class SequencingEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user,
        string entityKind, Guid entityId, string type, object details) =>
        connection.ExecuteAsync(
            """
            INSERT INTO sequencing_events (entity_kind, entity_id, type, details, actor_id, actor_email, actor_name, trace_id)
            VALUES (@entityKind, @entityId, @type, @details::jsonb, @actorId, @actorEmail, @actorName, @traceId)
            """,
            new
            {
                entityKind, entityId, type, details = JsonSerializer.Serialize(details, Json),
                actorId = user.GetUserId(), actorEmail = user.GetEmail(), actorName = user.FindFirstValue("name"),
                traceId = Activity.Current?.TraceId.ToHexString(),
            }, tx);

    public static async Task<IReadOnlyList<SequencingEventDto>> ListAsync(NpgsqlConnection connection, string entityKind, Guid entityId)
    {
        var rows = await connection.QueryAsync<(long Id, string EntityKind, Guid EntityId, string Type, string Details,
            Guid ActorId, string? ActorEmail, string? ActorName, DateTime At, string? TraceId)>(
            """
            SELECT id, entity_kind, entity_id, type, details::text, actor_id, actor_email, actor_name, at, trace_id
            FROM sequencing_events WHERE entity_kind = @entityKind AND entity_id = @entityId ORDER BY id
            """, new { entityKind, entityId });
        return [.. rows.Select(r => new SequencingEventDto(r.Id, r.EntityKind, r.EntityId, r.Type, Parse(r.Details),
            new SequencingActor(r.ActorId, r.ActorEmail, r.ActorName), r.At, r.TraceId))];
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
