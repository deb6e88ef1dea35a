using Dapper;
using Npgsql;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Paging;

namespace TracSeq.Sequencing.Libraries;

/// <summary>The SQL of the libraries table.</summary>
public static class LibraryStore
{
    public static async Task<Library?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null, bool forUpdate = false) =>
        await connection.QuerySingleOrDefaultAsync<Library>(
            $"SELECT {Library.Columns} FROM libraries WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}", new { id }, tx);

    public static async Task<string> NextBarcodeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset now) =>
        LibraryRules.Barcode(now, await connection.ExecuteScalarAsync<long>("SELECT nextval('library_barcode_seq')", transaction: tx));

    /// <summary>A new active library of <paramref name="sample"/>; <paramref name="name"/> and <paramref name="prepKit"/> already trimmed.</summary>
    public static Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string barcode, SampleInfo sample,
        string name, string? prepKit, ResolvedIndex index, CreateLibraryRequest request, Guid createdBy) =>
        connection.ExecuteAsync(
            """
            INSERT INTO libraries (id, barcode, sample_id, sample_barcode, sample_project, name, prep_kit, kit_id, kit_name, well,
                                   i7_name, i5_name, index1, index2, fragment_size_bp, concentration_ng_ul, volume_ul, status, created_by,
                                   target_reads, negative_control, project_id)
            VALUES (@id, @barcode, @sampleId, @sampleBarcode, @sampleProject, @name, @prepKit, @KitId, @KitName, @Well,
                    @I7Name, @I5Name, @Index1, @Index2, @FragmentSizeBp, @ConcentrationNgUl, @VolumeUl, 'active', @createdBy,
                    @targetReads, @negativeControl, @projectId)
            """,
            new
            {
                id, barcode, sampleId = sample.Id, sampleBarcode = sample.Barcode, sampleProject = sample.ProjectCode,
                name, prepKit, index.KitId, index.KitName, index.Well,
                index.I7Name, index.I5Name, index.Index1, index.Index2, request.FragmentSizeBp, request.ConcentrationNgUl, request.VolumeUl,
                createdBy, targetReads = request.TargetReads, negativeControl = request.NegativeControl ?? false,
                projectId = sample.ProjectId,
            }, tx);

    /// <summary>One page of the libraries matching the filters, newest first, and how many match; <paramref name="visible"/> null: all projects.</summary>
    public static async Task<(long Total, IEnumerable<Library> Rows)> PageAsync(NpgsqlConnection connection,
        Guid? sampleId, Guid? poolId, string? status, string? q, Guid[]? visible, PageRequest paging)
    {
        const string where = """
            (@sampleId::uuid IS NULL OR sample_id = @sampleId)
            AND (@poolId::uuid IS NULL OR id IN (SELECT library_id FROM pool_libraries WHERE pool_id = @poolId))
            AND (@status::text IS NULL OR status = @status)
            AND (@q::text IS NULL OR barcode ILIKE '%' || @q || '%' OR name ILIKE '%' || @q || '%' OR sample_barcode ILIKE '%' || @q || '%')
            AND (@visible::uuid[] IS NULL OR project_id = ANY(@visible))
            """;
        var parameters = new { sampleId, poolId, status, q, visible, limit = paging.PageSize, offset = paging.Offset };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM libraries WHERE {where}", parameters);
        var rows = await connection.QueryAsync<Library>(
            $"SELECT {Library.Columns} FROM libraries WHERE {where} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset", parameters);
        return (total, rows);
    }

    /// <summary>Whether the library is in a pool that is on a run (its index is then in a sample sheet).</summary>
    public static Task<bool> IsOnRunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pool_libraries pl JOIN run_lanes rl ON rl.pool_id = pl.pool_id WHERE pl.library_id = @id)", new { id }, tx);

    /// <summary>The fields the request gives (the rest stay), and the index when <paramref name="index"/> is not null.</summary>
    public static Task UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, UpdateLibraryRequest request, ResolvedIndex? index, DateTimeOffset now) =>
        connection.ExecuteAsync(
            """
            UPDATE libraries SET name = coalesce(@name, name), prep_kit = coalesce(@prepKit, prep_kit),
                   fragment_size_bp = coalesce(@FragmentSizeBp, fragment_size_bp),
                   concentration_ng_ul = coalesce(@ConcentrationNgUl, concentration_ng_ul), volume_ul = coalesce(@VolumeUl, volume_ul),
                   kit_id = CASE WHEN @changeIndex THEN @kitId ELSE kit_id END, kit_name = CASE WHEN @changeIndex THEN @kitName ELSE kit_name END,
                   well = CASE WHEN @changeIndex THEN @well ELSE well END, i7_name = CASE WHEN @changeIndex THEN @i7Name ELSE i7_name END,
                   i5_name = CASE WHEN @changeIndex THEN @i5Name ELSE i5_name END, index1 = CASE WHEN @changeIndex THEN @index1 ELSE index1 END,
                   index2 = CASE WHEN @changeIndex THEN @index2 ELSE index2 END, updated_at = @now,
                   target_reads = coalesce(@targetReads, target_reads), negative_control = coalesce(@negativeControl, negative_control)
            WHERE id = @id
            """,
            new
            {
                id, name = request.Name?.Trim(), prepKit = request.PrepKit?.Trim(), request.FragmentSizeBp, request.ConcentrationNgUl,
                request.VolumeUl, changeIndex = index is not null, kitId = index?.KitId, kitName = index?.KitName, well = index?.Well,
                i7Name = index?.I7Name, i5Name = index?.I5Name, index1 = index?.Index1, index2 = index?.Index2, now,
                targetReads = request.TargetReads, negativeControl = request.NegativeControl,
            }, tx);

    public static Task SetStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string to, string reason, DateTimeOffset now) =>
        connection.ExecuteAsync("UPDATE libraries SET status = @to, status_reason = @reason, updated_at = @now WHERE id = @id",
            new { id, to, reason, now }, tx);
}
