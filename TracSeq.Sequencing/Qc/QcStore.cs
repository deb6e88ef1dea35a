using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Paging;

namespace TracSeq.Sequencing.Qc;

/// <summary>The SQL of the qc_measurements table (append-only) and the target lookups a measurement needs.</summary>
public static class QcStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Columns =
        "id, target_kind, target_id, type, measured_at, instrument, results::text AS results, outcome, notes, created_by, created_at";

    public static async Task<QcMeasurementDto> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string kind, Guid targetId,
        CreateQcRequest request, string? instrument, QcResults results, string? notes, Guid createdBy)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO qc_measurements (id, target_kind, target_id, type, measured_at, instrument, results, outcome, notes, created_by)
            VALUES (@id, @kind, @targetId, @Type, @measuredAt, @instrument, @results::jsonb, @Outcome, @notes, @createdBy)
            """,
            new
            {
                id, kind, targetId, request.Type, measuredAt = request.MeasuredAt!.Value.UtcDateTime, instrument,
                results = JsonSerializer.Serialize(results, Json), request.Outcome, notes, createdBy,
            }, tx);
        return (await connection.QuerySingleAsync<QcRow>($"SELECT {Columns} FROM qc_measurements WHERE id = @id", new { id }, tx)).ToDto();
    }

    /// <summary>A library's project, or null when no library has the id.</summary>
    public static Task<(Guid Id, Guid? ProjectId)?> LibraryAsync(NpgsqlConnection connection, Guid targetId) =>
        connection.QuerySingleOrDefaultAsync<(Guid Id, Guid? ProjectId)?>("SELECT id, project_id FROM libraries WHERE id = @targetId", new { targetId });

    public static Task<bool> PoolExistsAsync(NpgsqlConnection connection, Guid targetId) =>
        connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pools WHERE id = @targetId)", new { targetId });

    /// <summary>
    /// One page of measurements, newest first, and how many match: staff see all; anyone else those of the
    /// <paramref name="visible"/> projects' libraries and of <paramref name="visibleSample"/>.
    /// </summary>
    public static async Task<(long Total, IEnumerable<QcMeasurementDto> Rows)> PageAsync(NpgsqlConnection connection,
        string? targetKind, Guid? targetId, bool staff, Guid[] visible, Guid? visibleSample, PageRequest paging)
    {
        const string where = """
            (@targetKind::text IS NULL OR target_kind = @targetKind) AND (@targetId::uuid IS NULL OR target_id = @targetId)
            AND (@staff OR (target_kind = 'library' AND target_id IN (SELECT id FROM libraries WHERE project_id = ANY(@visible)))
                        OR (target_kind = 'sample' AND target_id = @visibleSample))
            """;
        var parameters = new { targetKind, targetId, staff, visible, visibleSample, limit = paging.PageSize, offset = paging.Offset };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM qc_measurements WHERE {where}", parameters);
        var rows = await connection.QueryAsync<QcRow>(
            $"SELECT {Columns} FROM qc_measurements WHERE {where} ORDER BY measured_at DESC, id DESC LIMIT @limit OFFSET @offset", parameters);
        return (total, rows.Select(r => r.ToDto()));
    }

    /// <summary>The most recent measurement of each type for one target (what its page shows).</summary>
    public static async Task<IReadOnlyList<QcMeasurementDto>> LatestPerTypeAsync(NpgsqlConnection connection, string kind, Guid targetId) =>
        [.. (await connection.QueryAsync<QcRow>(
            $"""
            SELECT DISTINCT ON (type) {Columns} FROM qc_measurements
            WHERE target_kind = @kind AND target_id = @targetId ORDER BY type, measured_at DESC, id DESC
            """, new { kind, targetId })).Select(r => r.ToDto())];

    private sealed class QcRow
    {
        public Guid Id { get; init; }
        public string TargetKind { get; init; } = "";
        public Guid TargetId { get; init; }
        public string Type { get; init; } = "";
        public DateTime MeasuredAt { get; init; }
        public string? Instrument { get; init; }
        public string Results { get; init; } = "{}";
        public string Outcome { get; init; } = "";
        public string? Notes { get; init; }
        public Guid CreatedBy { get; init; }
        public DateTime CreatedAt { get; init; }

        public QcMeasurementDto ToDto() => new(Id, TargetKind, TargetId, Type, MeasuredAt, Instrument,
            JsonSerializer.Deserialize<QcResults>(Results, Json)!, Outcome, Notes, CreatedBy, CreatedAt);
    }
}
