using Dapper;
using Npgsql;

namespace TracSeq.Samples.Samples;

/// <summary>The SQL of samples: reads, row locks and the updates the handlers make.</summary>
public static class SampleStore
{
    public const string UniqueBarcode = "samples_barcode_key";

    public static Task<Sample> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id) =>
        connection.QuerySingleAsync<Sample>(SampleQueries.SelectById, new { id }, tx);

    /// <summary>A sample by a condition on <c>s</c> (<c>@key</c> the value), without a transaction.</summary>
    public static Task<Sample?> FindAsync<TKey>(NpgsqlConnection connection, string condition, TKey key) =>
        connection.QuerySingleOrDefaultAsync<Sample>($"SELECT {SampleQueries.Columns} {SampleQueries.From} WHERE {condition}", new { key });

    public static Task<Sample?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.QuerySingleOrDefaultAsync<Sample>($"{SampleQueries.SelectById} FOR UPDATE OF s", new { id }, tx);

    /// <summary>Locked in id order, so overlapping bulk changes and run moves queue instead of deadlocking.</summary>
    public static async Task<List<Sample>> LockManyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids) =>
        (await connection.QueryAsync<Sample>(
            $"SELECT {SampleQueries.Columns} {SampleQueries.From} WHERE s.id = ANY(@ids) ORDER BY s.id FOR UPDATE OF s",
            new { ids }, tx)).ToList();

    public static Task<Guid?> ProjectOfAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id) =>
        connection.ExecuteScalarAsync<Guid?>("SELECT project_id FROM samples WHERE id = @id", new { id }, tx);

    public static Task<long> CountAsync(NpgsqlConnection connection, SampleQuery query) =>
        connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM samples s WHERE {query.Where}", query.Parameters);

    /// <summary>One page of the search; the query's parameters carry <c>limit</c> and <c>offset</c>.</summary>
    public static Task<IEnumerable<Sample>> PageAsync(NpgsqlConnection connection, SampleQuery query) =>
        connection.QueryAsync<Sample>(
            $"SELECT {SampleQueries.Columns} {SampleQueries.From} WHERE {query.Where} ORDER BY {query.OrderBy} LIMIT @limit OFFSET @offset",
            query.Parameters);

    public static async Task<List<(string Status, string SampleType, long Count)>> CountByStatusAndTypeAsync(
        NpgsqlConnection connection, SampleQuery query) =>
        (await connection.QueryAsync<(string Status, string SampleType, long Count)>(
            $"SELECT s.status, s.sample_type, count(*) FROM samples s WHERE {query.Where} GROUP BY s.status, s.sample_type",
            query.Parameters)).ToList();

    /// <summary>Writes a patch's values; the project id follows the code.</summary>
    public static Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SampleValues values) =>
        connection.ExecuteAsync(
            """
            UPDATE samples SET name = @Name, sample_type = @SampleType, barcode = @Barcode, volume = @Volume,
                   concentration = @Concentration, quality_score = @QualityScore, project_code = @ProjectCode,
                   project_id = (SELECT id FROM projects WHERE code = @ProjectCode),
                   collected_at = @CollectedAt, notes = @Notes, metadata = @Metadata::jsonb,
                   version = version + 1, updated_at = now()
            WHERE id = @Id
            """,
            values, tx);

    public static Task PlaceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Guid locationId, string? position, string status) =>
        connection.ExecuteAsync(
            "UPDATE samples SET location_id = @locationId, position = @position, status = @status, version = version + 1, updated_at = now() WHERE id = @id",
            new { id, locationId, position, status }, tx);

    public static Task TakeOutOfStorageAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.ExecuteAsync(
            "UPDATE samples SET location_id = NULL, position = NULL, version = version + 1, updated_at = now() WHERE id = @id", new { id }, tx);

    /// <summary>The sample in a box position, if any.</summary>
    public static Task<(string Barcode, Guid ProjectId)?> OccupantAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid locationId, string position) =>
        connection.QuerySingleOrDefaultAsync<(string Barcode, Guid ProjectId)?>(
            "SELECT barcode, project_id FROM samples WHERE location_id = @locationId AND position = @position", new { locationId, position }, tx);

    /// <summary>
    /// Sets a status on many samples, stamping <c>received_at</c> on receipt and freeing the position on discard.
    /// </summary>
    public static async Task<Dictionary<Guid, (Guid Id, int Version, DateTime? ReceivedAt)>> SetStatusAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids, string to) =>
        (await connection.QueryAsync<(Guid Id, int Version, DateTime? ReceivedAt)>(
            """
            UPDATE samples SET status = @to,
                   received_at = CASE WHEN @to = 'received' THEN now() ELSE received_at END,
                   location_id = CASE WHEN @to = 'discarded' THEN NULL ELSE location_id END,
                   position = CASE WHEN @to = 'discarded' THEN NULL ELSE position END,
                   version = version + 1, updated_at = now()
            WHERE id = ANY(@ids)
            RETURNING id, version, received_at
            """,
            new { to, ids }, tx)).ToDictionary(r => r.Id);
}
