using Dapper;
using Npgsql;
using TracSeq.Labels;

namespace TracSeq.Samples.Labels;

/// <summary>What a sample's label says, read from <c>samples</c>: the date is when it was collected, else registered.</summary>
public sealed record SampleLabelRow(Guid Id, string Barcode, string Name, string? ProjectCode, DateTime? CollectedAt, DateTime CreatedAt, string? Position)
{
    public LabelItem ToItem(bool withPosition) =>
        new(Barcode, Name, ProjectCode, DateOnly.FromDateTime(CollectedAt ?? CreatedAt), withPosition ? Position : null);
}

/// <summary>The label queries: samples by id (in the order asked), by box (in position order), by submission.</summary>
public static class LabelStore
{
    private const string Columns = "s.id, s.barcode, s.name, s.project_code, s.collected_at, s.created_at, s.position";

    /// <summary>Rule 1: only the caller's projects' samples (<c>@visible</c> null: facility staff, all of them).</summary>
    private const string Visible = "(@visible::uuid[] IS NULL OR s.project_id = ANY(@visible))";

    public static async Task<IReadOnlyList<SampleLabelRow>> ByIdsAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, Guid[]? visible, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SampleLabelRow>(new CommandDefinition($"""
            SELECT {Columns} FROM unnest(@ids) WITH ORDINALITY AS wanted(id, n) JOIN samples s ON s.id = wanted.id WHERE {Visible} ORDER BY wanted.n
            """, new { ids = ids.ToArray(), visible }, cancellationToken: ct))];
    }

    /// <summary>
    /// The samples directly in each location, location by location in the order asked, each box in position order (A1,
    /// A2 … A10, B1: row letter, then column as a number), unplaced ones last. Null when a location does not exist.
    /// At most <paramref name="limit"/> rows, so an over-full request costs no more than a full one.
    /// </summary>
    public static async Task<(IReadOnlyList<SampleLabelRow> Rows, IReadOnlyList<Guid> Missing)> ByLocationsAsync(
        NpgsqlDataSource db, IReadOnlyList<Guid> locationIds, int limit, Guid[]? visible, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var known = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM storage_locations WHERE id = ANY(@ids)", new { ids = locationIds.ToArray() }, cancellationToken: ct))).ToHashSet();
        var missing = locationIds.Where(id => !known.Contains(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            return ([], missing);
        }
        var rows = await connection.QueryAsync<SampleLabelRow>(new CommandDefinition($"""
            SELECT {Columns} FROM unnest(@ids) WITH ORDINALITY AS wanted(id, n) JOIN samples s ON s.location_id = wanted.id
            WHERE {Visible}
            ORDER BY wanted.n, left(s.position, 1) NULLS LAST, substring(s.position FROM 2)::int, s.barcode
            LIMIT @limit
            """, new { ids = locationIds.ToArray(), limit, visible }, cancellationToken: ct));
        return ([.. rows], []);
    }

    /// <summary>Every sample a submission created, in the order of its sheet's rows (creation order).</summary>
    public static async Task<IReadOnlyList<SampleLabelRow>> BySubmissionAsync(
        NpgsqlDataSource db, Guid submissionId, int limit, Guid[]? visible, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SampleLabelRow>(new CommandDefinition($"""
            SELECT {Columns} FROM samples s WHERE s.submission_id = @submissionId AND {Visible} ORDER BY s.created_at, s.barcode LIMIT @limit
            """, new { submissionId, limit, visible }, cancellationToken: ct))];
    }
}
