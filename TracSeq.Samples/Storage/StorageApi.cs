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

        await using var connection = await db.OpenConnectionAsync(ct);
        var (rows, total) = await StorageStore.ListAsync(connection, parentId, root, kind, q is null ? null : Like.Escape(q.Trim()), paging);
        return TypedResults.Ok(new PagedResult<StorageLocationDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    /// <summary>Get a storage location with its children and contents</summary>
    /// <remarks>Any signed-in user. The location, its path from the top, occupancy, the locations directly inside it and the samples
    /// it holds (at most 3,000 listed); a sample of a project you are not a member of shows as an occupied position only.</remarks>
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
        var errors = CheckNew(request);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (request.ParentId is { } parentId && ParentProblem(await StorageStore.KindOfAsync(connection, tx, parentId), request.Kind!) is { } parentProblem)
        {
            return new ValidationErrors().Add("parentId", parentProblem).ToProblem();
        }
        var barcode = request.Barcode ?? BarcodeRules.GenerateLocation(await StorageStore.NextBarcodeNumberAsync(connection, tx));
        var values = new LocationValues(Guid.CreateVersion7(), request.Name!.Trim(), barcode, request.Kind, request.Temperature,
            request.ParentId, request.Rows, request.Columns);
        try
        {
            await StorageStore.InsertAsync(connection, tx, values, user.GetUserId());
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == StorageStore.UniqueBarcode)
        {
            return BarcodeTaken(barcode);
        }
        var created = (await DetailAsync(connection, tx, "l.id = @key", values.Id, null))!; // new: nothing stored in it yet
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/storage/locations/{values.Id}", created);
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
        var patch = LocationPatch.Read(body, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await StorageStore.LockAsync(connection, tx, id);
        if (current is null)
        {
            return SampleProblems.LocationNotFound();
        }
        var values = patch.ApplyTo(current);
        await CheckChangeAsync(connection, tx, current, patch, values, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if ((await ResizeRefusalAsync(connection, tx, current, values) ?? await StoreAsync(connection, tx, patch, values)) is { } refused)
        {
            return refused;
        }
        // Samples at or below show this location's name, barcode and path: their cached copies must go.
        var affected = patch.ChangesWhatSamplesShow ? await StorageStore.SamplesBelowAsync(connection, tx, id) : [];
        var updated = (await DetailAsync(connection, tx, "l.id = @key", id, await s.Projects.ForAsync(user, ct)))!;
        await tx.CommitAsync(ct);

        await s.Cache.InvalidateAsync(affected.Select(a => new CachedSampleKey(a.Id, a.Version, [a.Barcode])));
        return TypedResults.Ok(updated);
    }

    /// <summary>A new size fits the kind; a new parent exists, can hold the kind and is not inside the location itself.</summary>
    private static async Task CheckChangeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, StorageLocation current,
        LocationPatch patch, LocationValues values, ValidationErrors errors)
    {
        if (patch.Resizes)
        {
            errors.CheckSize(current.Kind, values.Rows, values.Columns);
        }
        if (patch.Moves(current) && values.ParentId is { } parent)
        {
            var parentKind = await StorageStore.KindOfAsync(connection, tx, parent);
            var inside = await StorageStore.ContainsAsync(connection, tx, current.Id, parent);
            var problem = inside ? "parentId would put the location inside itself." : ParentProblem(parentKind, current.Kind);
            if (problem is not null)
            {
                errors.Add("parentId", problem);
            }
        }
    }

    /// <summary>409 when a box would shrink below a sample it holds.</summary>
    private static async Task<ProblemHttpResult?> ResizeRefusalAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, StorageLocation current, LocationValues values)
    {
        if (!current.IsBox || (values.Rows == current.Rows && values.Columns == current.Columns))
        {
            return null;
        }
        var positions = await StorageStore.PositionsTakenAsync(connection, tx, current.Id);
        var outside = positions.Where(p => !Positions.Fits(p, values.Rows!.Value, values.Columns!.Value)).Order(StringComparer.Ordinal).ToList();
        return outside.Count == 0 ? null : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: "The box holds samples outside the new size; move them first.",
            extensions: new Dictionary<string, object?> { ["positions"] = outside });
    }

    /// <summary>Writes the change; 409 when the new barcode is another location's.</summary>
    private static async Task<ProblemHttpResult?> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LocationPatch patch, LocationValues values)
    {
        try
        {
            await StorageStore.UpdateAsync(connection, tx, values);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == StorageStore.UniqueBarcode)
        {
            return BarcodeTaken(patch.Barcode.Value!);
        }
    }

    private static ValidationErrors CheckNew(CreateLocationRequest request)
    {
        var errors = new ValidationErrors()
            .Text("name", request.Name, MaxNameLength)
            .Check(LocationKinds.IsKnown(request.Kind), "kind", $"kind must be one of: {string.Join(", ", LocationKinds.All)}.")
            .CheckBarcode(request.Barcode)
            .CheckTemperature(request.Temperature);
        return LocationKinds.IsKnown(request.Kind) ? errors.CheckSize(request.Kind!, request.Rows, request.Columns) : errors;
    }

    private static async Task<StorageLocationDetailDto?> DetailAsync<TKey>(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string condition, TKey key, ProjectAccess? access)
    {
        if (await StorageStore.DetailAsync(connection, tx, condition, key, access, MaxContents) is not { } found)
        {
            return null;
        }
        var (location, children, contents) = found;
        var truncated = contents.Count > MaxContents;
        return StorageLocationDetailDto.From(location, [.. children.Select(c => c.ToDto())], truncated ? contents[..MaxContents] : contents, truncated);
    }

    internal static ValidationErrors CheckBarcode(this ValidationErrors errors, string? barcode)
    {
        return barcode is null ? errors : BarcodeRules.ClassifyLocation(barcode) switch
        {
            BarcodeShape.Malformed => errors.Add("barcode", "barcode must be 4 to 50 capital letters, digits or hyphens, starting with a letter or digit."),
            BarcodeShape.Reserved => errors.Add("barcode",
                "barcode: LOC-nnnnn barcodes are reserved for the ones TracSeq generates; leave barcode out to get one."),
            _ => errors,
        };
    }

    internal static ValidationErrors CheckTemperature(this ValidationErrors errors, decimal? temperature) =>
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
