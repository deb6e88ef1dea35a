using TracSeq.ServiceDefaults.Data;
using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Projects;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Sequencing.Qc;
using TracSeq.Sequencing.IndexChecks;
using TracSeq.Sequencing.Libraries;

namespace TracSeq.Sequencing.Pools;

public sealed record CreatePoolRequest(string? Name, IReadOnlyList<Guid>? LibraryIds, int? BarcodeMismatchesIndex1, int? BarcodeMismatchesIndex2);

public sealed record PoolLibraryDto(Guid Id, string Barcode, string Name, string Status, string Index1, string? Index2);

public sealed record PoolDto(
    Guid Id, string Barcode, string Name, int BarcodeMismatchesIndex1, int BarcodeMismatchesIndex2, IReadOnlyList<PoolLibraryDto> Libraries,
    IReadOnlyList<IndexCollision> Collisions, long TotalCollisions, bool CollisionsTruncated, IReadOnlyList<string> Warnings, DateTime CreatedAt,
    IReadOnlyList<QcMeasurementDto>? LatestQc = null);

public sealed record PoolSummary(Guid Id, string Barcode, string Name, int LibraryCount, DateTime CreatedAt);

/// <summary>
/// Pools: libraries mixed for one lane or more. The index check runs over the whole pool; a single colliding pair
/// refuses it (409 with the first pairs by library barcode and the count of all) and nothing is created.
/// </summary>
public static class PoolsApi
{
    public const int MaxLibraries = 5_000;

    public static RouteGroupBuilder MapPoolsApi(this IEndpointRouteBuilder app)
    {
        var pools = app.MapGroup("/api/pools").WithTags("Pools");
        pools.MapPost("/", CreateAsync).Write(SequencingPolicies.FacilityWork, "Pool libraries",
                "Creates a TS-POOL pool of active or sequenced libraries after checking their indices (mismatches 0–2, default 1). " +
                $"Any collision is 409 with the first {IndexCollisionChecker.MaxReported} colliding pairs, totalCollisions and truncated, " +
                "and nothing is created. A library may be in several pools." +
                " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing;" +
            " the key with another body is 422.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        pools.MapGet("/", ListAsync).Documented("List pools", "Newest first; q searches barcode and name; paged. Facility staff only: empty for anyone else.");
        pools.MapGet("/{id:guid}", GetAsync)
            .Documented("One pool", "The pool with its libraries, index warnings and the latest QC per type. Facility staff only.")
            .ProducesProblem(StatusCodes.Status404NotFound).FacilityOnly("pool");
        pools.MapGet("/{id:guid}/events", EventsAsync).Documented("A pool's audit trail", "Who made the pool, when, and the trace id. Facility staff only.")
            .ProducesProblem(StatusCodes.Status404NotFound).FacilityOnly("pool");
        return pools;
    }

    public const string CreateScope = "pool.create";

    public static async Task<Results<Created<PoolDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreatePoolRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http,
        NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors().CheckKey(idempotencyKey, required: false).Text("name", request.Name, 200)
            .Check(request.LibraryIds is { Count: > 0 and <= MaxLibraries }, "libraryIds", $"libraryIds must list 1 to {MaxLibraries} libraries.")
            .Check(
                request.LibraryIds is null || request.LibraryIds.Distinct().Count() == request.LibraryIds.Count,
                "libraryIds",
                "libraryIds must not repeat a library.")
            .CheckMismatches(request.BarcodeMismatchesIndex1, request.BarcodeMismatchesIndex2);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var (m1, m2) = (request.BarcodeMismatchesIndex1 ?? 1, request.BarcodeMismatchesIndex2 ?? 1);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Idempotency.EarlierAnswerAsync(
                connection, tx, http, user, CreateScope, idempotencyKey, request, Idempotency.CreatedUnder("/api/pools")) is { } earlier)
        {
            return earlier.KeyReused is { } reused ? reused : earlier.Replayed!;
        }
        var (libraries, missing) = await IndexChecksApi.LibraryIndicesAsync(connection, request.LibraryIds!, "libraryIds", tx);
        if (missing is not null)
        {
            return missing;
        }
        if (Unpoolable(libraries, m1, m2) is { } refused)
        {
            return refused;
        }
        var (id, barcode) = (Guid.CreateVersion7(), await PoolStore.NextBarcodeAsync(connection, tx, clock.GetUtcNow()));
        await PoolStore.InsertAsync(connection, tx, id, barcode, request.Name!.Trim(), m1, m2, request.LibraryIds!, user.GetUserId());
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Pool, id, "created",
            new { barcode, name = request.Name.Trim(), libraries = libraries.Count, m1, m2 });
        var pool = (await LoadAsync(connection, id, tx))!;
        await Idempotency.CompleteAsync(connection, tx, user, CreateScope, idempotencyKey, StatusCodes.Status201Created, pool);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/pools/{id}", pool);
    }

    /// <summary>Why these libraries cannot be one pool (a failed or archived one, or indices too alike), or null.</summary>
    private static ProblemHttpResult? Unpoolable(IReadOnlyList<IndexChecksApi.LibraryIndex> libraries, int m1, int m2)
    {
        var unusable = libraries.Where(l => l.Status is LibraryRules.Failed or LibraryRules.Archived).ToList();
        if (unusable.Count > 0)
        {
            return Endpoints.Conflict("Failed or archived libraries cannot be pooled; nothing was created.", null,
                new Dictionary<string, object?> { ["libraries"] = unusable.Select(l => new { l.Id, l.Barcode, l.Status }).ToList() });
        }
        var check = IndexCollisionChecker.Check([.. libraries.Select(l => new IndexEntry(l.Barcode, l.Index1, l.Index2))], m1, m2);
        if (check.Ok)
        {
            return null;
        }
        SequencingMetrics.IndexCollisions.WithLabels("pool").Inc(check.TotalCollisions);
        return IndexChecksApi.CollisionConflict(check);
    }

    public static async Task<Results<Ok<PagedResult<PoolSummary>>, ValidationProblem>> ListAsync(
        string? q, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Text("q", q, 200, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if (!LibraryProjects.SeesFacilityObjects(user))
        {
            return TypedResults.Ok(new PagedResult<PoolSummary>([], paging.Page, paging.PageSize, 0));
        }
        const string where = "(@q::text IS NULL OR p.barcode ILIKE '%' || @q || '%' OR p.name ILIKE '%' || @q || '%')";
        var parameters = new { q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(), limit = paging.PageSize, offset = paging.Offset };
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM pools p WHERE {where}", parameters);
        var rows = await connection.QueryAsync<PoolSummary>(
            $"""
            SELECT p.id, p.barcode, p.name, (SELECT count(*)::int FROM pool_libraries pl WHERE pl.pool_id = p.id) AS librarycount, p.created_at AS createdat
            FROM pools p WHERE {where} ORDER BY p.created_at DESC, p.id LIMIT @limit OFFSET @offset
            """, parameters);
        return TypedResults.Ok(new PagedResult<PoolSummary>([.. rows], paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<PoolDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var pool = await LoadAsync(connection, id);
        return pool is null
            ? Endpoints.NotFound("pool")
            : TypedResults.Ok(pool with { LatestQc = await QcApi.LatestPerTypeAsync(connection, QcApi.TargetPool, id) });
    }

    public static async Task<Results<Ok<IReadOnlyList<SequencingEventDto>>, ProblemHttpResult>> EventsAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pools WHERE id = @id)", new { id }))
        {
            return Endpoints.NotFound("pool");
        }
        return TypedResults.Ok(await SequencingEvents.ListAsync(connection, EntityKinds.Pool, id));
    }

    public static async Task<PoolDto?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null)
    {
        var pool = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Barcode, string Name, short M1, short M2, DateTime CreatedAt)>(
            "SELECT id, barcode, name, barcode_mismatches_index1, barcode_mismatches_index2, created_at FROM pools WHERE id = @id", new { id }, tx);
        if (pool.Id == Guid.Empty)
        {
            return null;
        }
        var libraries = (await connection.QueryAsync<PoolLibraryDto>(
            """
            SELECT l.id, l.barcode, l.name, l.status, l.index1, l.index2
            FROM pool_libraries pl JOIN libraries l ON l.id = pl.library_id WHERE pl.pool_id = @id ORDER BY pl.position
            """, new { id }, tx)).ToList();
        var check = IndexCollisionChecker.Check([.. libraries.Select(l => new IndexEntry(l.Barcode, l.Index1, l.Index2))], pool.M1, pool.M2);
        return new PoolDto(pool.Id, pool.Barcode, pool.Name, pool.M1, pool.M2, libraries, check.Collisions, check.TotalCollisions, check.Truncated,
            check.Warnings, pool.CreatedAt);
    }

}
