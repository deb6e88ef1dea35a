using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Projects;

namespace TracSeq.Samples.Storage;

/// <summary>A location as a placement checks it: its kind and, for a box, its size.</summary>
public sealed record PlacementTarget(Guid Id, string Barcode, string Kind, int? Rows, int? Columns);

/// <summary>The fields a new or changed location is written with.</summary>
public sealed record LocationValues(
    Guid Id, string Name, string Barcode, string? Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns);

/// <summary>The SQL of the storage tree: locations, their paths and occupancy, and the samples in them.</summary>
public static class StorageStore
{
    public const string UniqueBarcode = "storage_locations_barcode_key";

    private const string Columns = """
        l.id, l.name, l.barcode, l.kind, l.temperature, l.parent_id, l.rows, l.columns,
        storage_location_path(l.id) AS path, o.capacity, o.occupied, o.samples, l.created_by, l.created_at, l.updated_at
        """;

    private const string From = "FROM storage_locations l CROSS JOIN LATERAL storage_location_occupancy(l.id) o";

    /// <summary>A page of locations under the filters (any of them null); <c>q</c> is already escaped for LIKE.</summary>
    public static async Task<(IEnumerable<StorageLocation> Rows, long Total)> ListAsync(
        NpgsqlConnection connection, Guid? parentId, bool? root, string? kind, string? q, PageRequest paging)
    {
        var conditions = new List<string> { "TRUE" };
        if (parentId is not null)
        {
            conditions.Add("l.parent_id = @parentId");
        }
        if (root == true)
        {
            conditions.Add("l.parent_id IS NULL");
        }
        if (kind is not null)
        {
            conditions.Add("l.kind = @kind");
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            conditions.Add("(l.name ILIKE '%' || @q || '%' OR l.barcode ILIKE '%' || @q || '%')");
        }
        var where = string.Join(" AND ", conditions);
        var filter = new { parentId, kind, q, limit = paging.PageSize, offset = paging.Offset };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM storage_locations l WHERE {where}", filter);
        var rows = await connection.QueryAsync<StorageLocation>(
            $"SELECT {Columns} {From} WHERE {where} ORDER BY l.name, l.id LIMIT @limit OFFSET @offset", filter);
        return (rows, total);
    }

    /// <summary>
    /// A location with its children and (at most <paramref name="maxContents"/> + 1 of) its samples, in box order;
    /// samples of projects <paramref name="access"/> cannot see show as occupied positions.
    /// </summary>
    public static async Task<(StorageLocation Location, IEnumerable<StorageLocation> Children, List<StoredSample> Contents)?> DetailAsync<TKey>(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string condition, TKey key, ProjectAccess? access, int maxContents)
    {
        var location = await connection.QuerySingleOrDefaultAsync<StorageLocation>($"SELECT {Columns} {From} WHERE {condition}", new { key }, tx);
        if (location is null)
        {
            return null;
        }
        var children = await connection.QueryAsync<StorageLocation>(
            $"SELECT {Columns} {From} WHERE l.parent_id = @id ORDER BY l.name, l.id", new { id = location.Id }, tx);
        // In box order (A1, A2, … A12, B1, …), then samples without a position.
        var contents = (await connection.QueryAsync<StoredSampleRow>(
            """
            SELECT id, barcode, name, sample_type, status, position, project_id FROM samples WHERE location_id = @id
            ORDER BY substring(position, 1, 1), substring(position, 2)::int, barcode
            LIMIT @limit
            """,
            new { id = location.Id, limit = maxContents + 1 }, tx)).Select(row => row.For(access)).ToList();
        return (location, children, contents);
    }

    public static Task<StorageLocation?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.QuerySingleOrDefaultAsync<StorageLocation>($"SELECT {Columns} {From} WHERE l.id = @id FOR UPDATE OF l", new { id }, tx);

    /// <summary>FOR SHARE: the box cannot be resized under a placement that is checking its size.</summary>
    public static Task<PlacementTarget?> ShareForPlacementAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid? locationId) =>
        connection.QuerySingleOrDefaultAsync<PlacementTarget?>(
            "SELECT id, barcode, kind, rows, columns FROM storage_locations WHERE id = @locationId FOR SHARE", new { locationId }, tx);

    public static Task<string?> KindOfAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid parent) =>
        connection.QuerySingleOrDefaultAsync<string?>("SELECT kind FROM storage_locations WHERE id = @parent", new { parent }, tx);

    /// <summary>Whether <paramref name="parent"/> is at or below <paramref name="id"/>.</summary>
    public static Task<bool> ContainsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Guid parent) =>
        connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM storage_location_subtree(@id) WHERE id = @parent)", new { id, parent }, tx);

    public static Task<long> NextBarcodeNumberAsync(NpgsqlConnection connection, NpgsqlTransaction tx) =>
        connection.ExecuteScalarAsync<long>("SELECT nextval('storage_location_barcode_seq')", transaction: tx);

    public static Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LocationValues values, Guid createdBy) =>
        connection.ExecuteAsync(
            """
            INSERT INTO storage_locations (id, name, barcode, kind, temperature, parent_id, rows, columns, created_by)
            VALUES (@id, @name, @barcode, @Kind, @Temperature, @ParentId, @Rows, @Columns, @createdBy)
            """,
            new { id = values.Id, name = values.Name, barcode = values.Barcode, values.Kind, values.Temperature, values.ParentId,
                  values.Rows, values.Columns, createdBy }, tx);

    /// <summary>Writes every field but the kind, which never changes.</summary>
    public static Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LocationValues values) =>
        connection.ExecuteAsync(
            """
            UPDATE storage_locations SET name = @name, barcode = @barcode, temperature = @temperature, parent_id = @parent,
                   rows = @rows, columns = @columns, updated_at = now()
            WHERE id = @id
            """,
            new { id = values.Id, name = values.Name, barcode = values.Barcode, temperature = values.Temperature, parent = values.ParentId,
                  rows = values.Rows, columns = values.Columns }, tx);

    public static Task<IEnumerable<string>> PositionsTakenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.QueryAsync<string>("SELECT position FROM samples WHERE location_id = @id AND position IS NOT NULL", new { id }, tx);

    /// <summary>The samples at or below a location, whose cached copies show its name, barcode and path.</summary>
    public static async Task<List<(Guid Id, int Version, string Barcode)>> SamplesBelowAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        (await connection.QueryAsync<(Guid Id, int Version, string Barcode)>(
            "SELECT id, version, barcode FROM samples WHERE location_id IN (SELECT id FROM storage_location_subtree(@id))", new { id }, tx)).ToList();
}
