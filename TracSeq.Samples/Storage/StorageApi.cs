using TracSeq.ServiceDefaults.Projects;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Samples.Caching;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Storage;

public sealed record CreateLocationRequest(
    string? Name, string? Barcode, string? Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns);

public sealed record StorageServices(NpgsqlDataSource Db, SampleCache Cache, ProjectAccessResolver Projects);

/// <summary>
/// The storage tree: rooms, freezers, fridges, shelves, racks and boxes. Anyone signed in may look; lab technicians
/// and above manage locations. Samples are put into places with <see cref="SamplePlacementApi"/>.
/// </summary>
public static partial class StorageApi
{
    public const int MaxNameLength = 200;
    public const int MaxContents = 3000; // more than the largest box (26 × 99) holds
    private const string UniqueBarcode = "storage_locations_barcode_key";

    private const string Columns = """
        l.id, l.name, l.barcode, l.kind, l.temperature, l.parent_id, l.rows, l.columns,
        storage_location_path(l.id) AS path, o.capacity, o.occupied, o.samples, l.created_by, l.created_at, l.updated_at
        """;

    private const string From = "FROM storage_locations l CROSS JOIN LATERAL storage_location_occupancy(l.id) o";

    public static RouteGroupBuilder MapStorageApi(this IEndpointRouteBuilder app)
    {
        var storage = app.MapGroup("/api/storage/locations").WithTags("Storage").WithStandardProblems();
        storage.MapGet("/", ListAsync);
        storage.MapPost("/", CreateAsync).RequireAuthorization(Policies.CanHandleSamples).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"name": "Box 7", "kind": "box", "parentId": "01956a1e-0000-7000-8000-0000000a0002", "rows": 9, "columns": 9}""");
        storage.MapGet("/by-barcode/{barcode}", GetByBarcodeAsync).ProducesProblem(StatusCodes.Status404NotFound);
        storage.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        storage.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.CanHandleSamples)
            .Accepts<JsonElement>("application/json", "application/merge-patch+json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"name": "Box 7 (DNA)", "temperature": -80}""");
        return storage;
    }

    /// <summary>List storage locations</summary>
    /// <remarks>
    /// Any signed-in user. Filter by parent (<c>parentId</c>, or <c>root=true</c> for the top level), <c>kind</c>
    /// (room, freezer, fridge, shelf, rack, box) and <c>q</c> (name or barcode text); each with its path and occupancy.
    /// </remarks>
    /// <response code="200">A page of locations.</response>
    /// <response code="400">An unknown kind, both root and parentId, or a bad page.</response>
    public static async Task<Results<Ok<PagedResult<StorageLocationDto>>, ValidationProblem>> ListAsync(
        Guid? parentId, bool? root, string? kind, string? q, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Check(kind is null || LocationKinds.IsKnown(kind), "kind", $"kind must be one of: {string.Join(", ", LocationKinds.All)}.")
              .Check(!(root == true && parentId is not null), "root", "Give either root=true or parentId, not both.")
              .Text("q", q, 200, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

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
        var filter = new { parentId, kind, q = q is null ? null : Like.Escape(q.Trim()),
            limit = paging.PageSize, offset = paging.Offset };

        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM storage_locations l WHERE {where}", filter);
        var rows = await connection.QueryAsync<StorageLocation>(
            $"SELECT {Columns} {From} WHERE {where} ORDER BY l.name, l.id LIMIT @limit OFFSET @offset", filter);
        return TypedResults.Ok(new PagedResult<StorageLocationDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    /// <summary>Get a storage location with its children and contents</summary>
    /// <remarks>Any signed-in user. The location, its path from the top, occupancy, the locations directly inside it and the samples it holds (at most 3,000 listed); a sample of a project you are not a member of shows as an occupied position only.</remarks>
    /// <response code="200">The location.</response>
    /// <response code="404">No location has this id.</response>
    public static async Task<Results<Ok<StorageLocationDetailDto>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource db, ProjectAccessResolver projects, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var detail = await DetailAsync(connection, null, "l.id = @key", id, access);
        return detail is null ? SampleProblems.LocationNotFound() : TypedResults.Ok(detail);
    }

    /// <summary>Find a storage location by its barcode</summary>
    /// <remarks>Any signed-in user; what a scanner calls at a freezer or box.</remarks>
    /// <response code="200">The location.</response>
    /// <response code="404">No location has this barcode.</response>
    public static async Task<Results<Ok<StorageLocationDetailDto>, ProblemHttpResult>> GetByBarcodeAsync(
        string barcode, ClaimsPrincipal user, NpgsqlDataSource db, ProjectAccessResolver projects, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var detail = await DetailAsync(connection, null, "l.barcode = @key", barcode, access);
        return detail is null ? SampleProblems.LocationNotFound() : TypedResults.Ok(detail);
    }

    /// <summary>Create a storage location</summary>
    /// <remarks>
    /// Lab technicians and above. Kinds nest room → freezer or fridge → shelf → rack → box (a kind may sit in any
    /// larger one). Only boxes have rows (1 to 26) and columns (1 to 99). Leave <c>barcode</c> out to get
    /// <c>LOC-nnnnn</c>, or give your own in the sample barcode shape. Temperature in °C.
    /// </remarks>
    /// <response code="201">The new location.</response>
    /// <response code="400">A missing name, an unknown kind, a parent that cannot hold this kind, or bad box dimensions.</response>
    /// <response code="409">Another location has this barcode.</response>
    public static async Task<Results<Created<StorageLocationDetailDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateLocationRequest request, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Text("name", request.Name, MaxNameLength)
            .Check(LocationKinds.IsKnown(request.Kind), "kind", $"kind must be one of: {string.Join(", ", LocationKinds.All)}.")
            .CheckBarcode(request.Barcode)
            .CheckTemperature(request.Temperature);
        if (LocationKinds.IsKnown(request.Kind))
        {
            errors.CheckSize(request.Kind!, request.Rows, request.Columns);
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (request.ParentId is { } parentId)
        {
            var parentKind = await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT kind FROM storage_locations WHERE id = @parentId", new { parentId }, tx);
            var parentProblem = ParentProblem(parentKind, request.Kind!);
            if (parentProblem is not null)
            {
                return new ValidationErrors().Add("parentId", parentProblem).ToProblem();
            }
        }

        var number = request.Barcode is null
            ? await connection.ExecuteScalarAsync<long>("SELECT nextval('storage_location_barcode_seq')", transaction: tx)
            : 0;
        var barcode = request.Barcode ?? BarcodeRules.GenerateLocation(number);
        var id = Guid.CreateVersion7();
        try
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO storage_locations (id, name, barcode, kind, temperature, parent_id, rows, columns, created_by)
                VALUES (@id, @name, @barcode, @Kind, @Temperature, @ParentId, @Rows, @Columns, @createdBy)
                """,
                new { id, name = request.Name!.Trim(), barcode, request.Kind, request.Temperature, request.ParentId, request.Rows, request.Columns,
                      createdBy = user.GetUserId() }, tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == UniqueBarcode)
        {
            return BarcodeTaken(barcode);
        }
        var created = (await DetailAsync(connection, tx, "l.id = @key", id, null))!; // new: nothing stored in it yet
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/storage/locations/{id}", created);
    }

    /// <summary>Change a storage location</summary>
    /// <remarks>
    /// Lab technicians and above. A merge patch of name, barcode, temperature, parentId (move within the tree), rows and
    /// columns (resize a box, not below a sample it holds). The kind never changes.
    /// </remarks>
    /// <response code="200">The location as changed.</response>
    /// <response code="400">A malformed field, a kind change, or a parent that would not fit.</response>
    /// <response code="404">No location has this id.</response>
    /// <response code="409">The barcode is taken, or the box holds samples outside the new size.</response>
    public static async Task<Results<Ok<StorageLocationDetailDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, [FromBody] JsonElement body, ClaimsPrincipal user, [AsParameters] StorageServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var patch = PatchBody.Open(body, errors);
        var name = patch.Text("name", MaxNameLength, nullable: false);
        var barcode = patch.Text("barcode", 50, nullable: false);
        var temperature = patch.Number("temperature");
        var parentId = patch.Id("parentId");
        var rows = patch.Integer("rows");
        var columns = patch.Integer("columns");
        patch.Refuse("kind", "The kind of a location cannot change; create a new location instead.");
        patch.RefuseUnknown();
        if (body.ValueKind == JsonValueKind.Object && patch.IsEmpty)
        {
            errors.Add("body", "Give at least one field to change.");
        }
        errors.CheckBarcode(barcode.Value).CheckTemperature(temperature.Value);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<StorageLocation>(
            $"SELECT {Columns} {From} WHERE l.id = @id FOR UPDATE OF l", new { id }, tx);
        if (current is null)
        {
            return SampleProblems.LocationNotFound();
        }

        var newRows = rows.Or(current.Rows);
        var newColumns = columns.Or(current.Columns);
        if (rows.IsSet || columns.IsSet)
        {
            errors.CheckSize(current.Kind, newRows, newColumns);
        }
        var newParent = parentId.Or(current.ParentId);
        if (parentId.IsSet && newParent is { } parent && parent != current.ParentId)
        {
            var parentKind = await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT kind FROM storage_locations WHERE id = @parent", new { parent }, tx);
            var inside = await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM storage_location_subtree(@id) WHERE id = @parent)", new { id, parent }, tx);
            var problem = inside ? "parentId would put the location inside itself." : ParentProblem(parentKind, current.Kind);
            if (problem is not null)
            {
                errors.Add("parentId", problem);
            }
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        if (current.IsBox && (newRows != current.Rows || newColumns != current.Columns))
        {
            var positions = await connection.QueryAsync<string>(
                "SELECT position FROM samples WHERE location_id = @id AND position IS NOT NULL", new { id }, tx);
            var outside = positions.Where(p => !Positions.Fits(p, newRows!.Value, newColumns!.Value)).Order(StringComparer.Ordinal).ToList();
            if (outside.Count > 0)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                    title: "The box holds samples outside the new size; move them first.",
                    extensions: new Dictionary<string, object?> { ["positions"] = outside });
            }
        }

        try
        {
            await connection.ExecuteAsync(
                """
                UPDATE storage_locations SET name = @name, barcode = @barcode, temperature = @temperature, parent_id = @parent,
                       rows = @rows, columns = @columns, updated_at = now()
                WHERE id = @id
                """,
                new { id, name = name.IsSet ? name.Value!.Trim() : current.Name, barcode = barcode.Or(current.Barcode),
                      temperature = temperature.Or(current.Temperature), parent = newParent, rows = newRows, columns = newColumns }, tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == UniqueBarcode)
        {
            return BarcodeTaken(barcode.Value!);
        }
        // Samples at or below show this location's name, barcode and path: their cached copies must go.
        var affected = name.IsSet || barcode.IsSet || parentId.IsSet
            ? (await connection.QueryAsync<(Guid Id, int Version, string Barcode)>(
                "SELECT id, version, barcode FROM samples WHERE location_id IN (SELECT id FROM storage_location_subtree(@id))", new { id }, tx)).ToList()
            : [];
        var updated = (await DetailAsync(connection, tx, "l.id = @key", id, await s.Projects.ForAsync(user, ct)))!;
        await tx.CommitAsync(ct);

        await s.Cache.InvalidateAsync(affected.Select(a => new CachedSampleKey(a.Id, a.Version, [a.Barcode])));
        return TypedResults.Ok(updated);
    }

    private static async Task<StorageLocationDetailDto?> DetailAsync<TKey>(NpgsqlConnection connection, NpgsqlTransaction? tx, string condition, TKey key, ProjectAccess? access)
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
            new { id = location.Id, limit = MaxContents + 1 }, tx)).Select(row => row.For(access)).ToList();
        var truncated = contents.Count > MaxContents;
        return StorageLocationDetailDto.From(location, [.. children.Select(c => c.ToDto())], truncated ? contents[..MaxContents] : contents, truncated);
    }

    private static ValidationErrors CheckBarcode(this ValidationErrors errors, string? barcode)
    {
        return barcode is null ? errors : BarcodeRules.ClassifyLocation(barcode) switch
        {
            BarcodeShape.Malformed => errors.Add("barcode", "barcode must be 4 to 50 capital letters, digits or hyphens, starting with a letter or digit."),
            BarcodeShape.Reserved => errors.Add("barcode", "barcode: LOC-nnnnn barcodes are reserved for the ones TracSeq generates; leave barcode out to get one."),
            _ => errors,
        };
    }

    private static ValidationErrors CheckTemperature(this ValidationErrors errors, decimal? temperature) =>
        errors.Check(temperature is null || (temperature >= -273.15m && temperature <= 150m), "temperature",
            "temperature is in °C, between -273.15 and 150.");

    private static ValidationErrors CheckSize(this ValidationErrors errors, string kind, int? rows, int? columns)
    {
        if (kind != LocationKinds.Box)
        {
            return errors.Check(rows is null && columns is null, "rows", "Only boxes have rows and columns.");
        }
        return errors
            .Check(rows is >= 1 and <= Positions.MaxRows, "rows", $"A box needs rows, 1 to {Positions.MaxRows} (A to Z).")
            .Check(columns is >= 1 and <= Positions.MaxColumns, "columns", $"A box needs columns, 1 to {Positions.MaxColumns}.");
    }

    private static string? ParentProblem(string? parentKind, string kind) =>
        parentKind is null ? "parentId names no storage location."
        : LocationKinds.CanContain(parentKind, kind) ? null
        : $"A {kind} cannot be put inside a {parentKind}.";

    private static ProblemHttpResult BarcodeTaken(string barcode) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another storage location has this barcode.", detail: barcode);
}
