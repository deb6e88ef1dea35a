using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Caching;
using TracSeq.Samples.Idempotency;
using TracSeq.Samples.Lifecycle;
using TracSeq.Samples.Storage;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Samples;

/// <summary>The services every sample handler needs.</summary>
public sealed record SampleServices(NpgsqlDataSource Db, SampleCache Cache, TimeProvider Clock);

public sealed record SampleStats(long Total, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> ByType);

/// <summary>Samples: search, create, read (cached), edit with ETags, the audit trail, stats; status and storage moves
/// are in <see cref="SampleStatusApi"/> and <see cref="SamplePlacementApi"/>.</summary>
public static class SamplesApi
{
    public const string CreateScope = "samples.create";
    public const string UniqueBarcode = "samples_barcode_key";

    public static RouteGroupBuilder MapSamplesApi(this IEndpointRouteBuilder app)
    {
        var samples = app.MapGroup("/api/samples").WithTags("Samples");
        samples.MapGet("/", ListAsync);
        samples.MapPost("/", CreateAsync).RequireAuthorization(Policies.CanSubmit);
        samples.MapGet("/stats", StatsAsync);
        samples.MapGet("/export", SampleExport.ExportAsync);
        samples.MapGet("/by-barcode/{barcode}", GetByBarcodeAsync);
        samples.MapGet("/{id:guid}", GetAsync);
        samples.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.CanHandleSamples);
        samples.MapGet("/{id:guid}/events", EventsAsync);
        samples.MapPost("/{id:guid}/status", SampleStatusApi.ChangeAsync).RequireAuthorization(Policies.CanHandleSamples);
        samples.MapPost("/bulk/status", SampleStatusApi.BulkChangeAsync).RequireAuthorization(Policies.CanHandleSamples);
        samples.MapPut("/{id:guid}/location", SamplePlacementApi.PlaceAsync).RequireAuthorization(Policies.CanHandleSamples);
        samples.MapDelete("/{id:guid}/location", SamplePlacementApi.RemoveAsync).RequireAuthorization(Policies.CanHandleSamples);
        return samples;
    }

    public static async Task<Results<Ok<PagedResult<SampleDto>>, ValidationProblem>> ListAsync(
        [AsParameters] SampleFilter filter, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        var query = SampleQuery.From(filter, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        query.Parameters.Add("limit", paging.PageSize);
        query.Parameters.Add("offset", paging.Offset);
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM samples s WHERE {query.Where}", query.Parameters);
        var rows = await connection.QueryAsync<Sample>(
            $"SELECT {SampleQueries.Columns} {SampleQueries.From} WHERE {query.Where} ORDER BY {query.OrderBy} LIMIT @limit OFFSET @offset",
            query.Parameters);
        return TypedResults.Ok(new PagedResult<SampleDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<SampleStats>, ValidationProblem>> StatsAsync(
        [AsParameters] SampleFilter filter, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var query = SampleQuery.From(filter, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var counts = (await connection.QueryAsync<(string Status, string SampleType, long Count)>(
            $"SELECT s.status, s.sample_type, count(*) FROM samples s WHERE {query.Where} GROUP BY s.status, s.sample_type",
            query.Parameters)).ToList();
        // Every status and type appears, at zero when there are none: a dashboard should not have to guess.
        var byStatus = SampleStatus.All.ToDictionary(st => st, st => counts.Where(c => c.Status == st).Sum(c => c.Count));
        var byType = SampleTypes.All.ToDictionary(t => t, t => counts.Where(c => c.SampleType == t).Sum(c => c.Count));
        return TypedResults.Ok(new SampleStats(counts.Sum(c => c.Count), byStatus, byType));
    }

    public static async Task<Results<Ok<SampleDto>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var sample = await s.Cache.GetByIdAsync(id) ?? await LoadAndCacheAsync(s, "s.id = @key", id, ct);
        return sample is null ? SampleProblems.SampleNotFound() : Answer(http, sample);
    }

    public static async Task<Results<Ok<SampleDto>, ProblemHttpResult>> GetByBarcodeAsync(
        string barcode, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        if (barcode.Length > 50)
        {
            return SampleProblems.SampleNotFound(); // longer than any barcode can be
        }
        var sample = await s.Cache.GetByBarcodeAsync(barcode) ?? await LoadAndCacheAsync(s, "s.barcode = @key", barcode, ct);
        return sample is null ? SampleProblems.SampleNotFound() : Answer(http, sample);
    }

    public static async Task<Results<Created<SampleDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateSampleRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var now = s.Clock.GetUtcNow();
        var errors = new ValidationErrors().CheckKey(idempotencyKey, required: false).CheckNew(request, "", now);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var actor = Actor.From(user);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (idempotencyKey is not null)
        {
            var claim = await IdempotencyRecords.ClaimAsync(connection, tx, CreateScope, actor.Id, idempotencyKey, IdempotencyRecords.Hash(request));
            if (claim.State == IdempotencyState.KeyReused)
            {
                return SampleProblems.IdempotencyKeyReused();
            }
            if (claim.State == IdempotencyState.Replay)
            {
                return Replay(http, claim);
            }
        }

        if (request.Barcode is { } wanted && (await Barcodes.TakenAsync(connection, tx, [wanted])).Count > 0)
        {
            return SampleProblems.DuplicateBarcode([wanted]);
        }
        var barcode = request.Barcode ?? Barcodes.Generate(request.SampleType!, now, (await Barcodes.NextNumbersAsync(connection, tx, 1))[0]);
        var sample = NewSample.From(request, barcode, actor.Id);
        try
        {
            await SampleWriter.InsertAsync(connection, tx, sample);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == UniqueBarcode)
        {
            return SampleProblems.DuplicateBarcode([barcode]); // taken by a concurrent request since the check above
        }
        await SampleEventLog.WriteAsync(connection, tx, actor, sample.CreatedEvent());
        var created = (await connection.QuerySingleAsync<Sample>(SampleQueries.SelectById, new { id = sample.Id }, tx)).ToDto();
        if (idempotencyKey is not null)
        {
            await IdempotencyRecords.CompleteAsync(connection, tx, CreateScope, actor.Id, idempotencyKey, StatusCodes.Status201Created, created);
        }
        await tx.CommitAsync(ct);

        SampleMetrics.CountCreated([sample]);
        http.Response.Headers.ETag = SampleETag.For(created.Version);
        return TypedResults.Created($"/api/samples/{created.Id}", created);
    }

    /// <summary>
    /// Edits descriptive fields (merge-patch: left out = unchanged, null = cleared; <c>metadata</c> is replaced as a
    /// whole). Status and location have their own endpoints. <c>If-Match</c> with the ETag makes the edit conditional.
    /// </summary>
    public static async Task<Results<Ok<SampleDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, [FromBody] JsonElement body, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var patch = SamplePatch.Read(body, errors, s.Clock.GetUtcNow());
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<Sample>($"{SampleQueries.SelectById} FOR UPDATE OF s", new { id }, tx);
        if (current is null)
        {
            return SampleProblems.SampleNotFound();
        }
        switch (SampleETag.Check(http.Request, current.Version))
        {
            case IfMatchOutcome.Malformed:
                return new ValidationErrors().Add("If-Match", "If-Match must be an entity tag as given in ETag, such as \"3\".").ToProblem();
            case IfMatchOutcome.DoesNotMatch:
                return SampleProblems.PreconditionFailed(current.Version);
        }

        var (values, changes) = patch.ApplyTo(current);
        if (changes.Count == 0)
        {
            return Answer(http, current.ToDto()); // nothing differs: no new version, no event
        }
        if (values.Barcode != current.Barcode && (await Barcodes.TakenAsync(connection, tx, [values.Barcode])).Count > 0)
        {
            return SampleProblems.DuplicateBarcode([values.Barcode]);
        }
        try
        {
            await connection.ExecuteAsync(
                """
                UPDATE samples SET name = @Name, sample_type = @SampleType, barcode = @Barcode, volume = @Volume,
                       concentration = @Concentration, quality_score = @QualityScore, project_code = @ProjectCode,
                       collected_at = @CollectedAt, notes = @Notes, metadata = @Metadata::jsonb,
                       version = version + 1, updated_at = now()
                WHERE id = @Id
                """,
                values, tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == UniqueBarcode)
        {
            return SampleProblems.DuplicateBarcode([values.Barcode]);
        }
        var updated = await connection.QuerySingleAsync<Sample>(SampleQueries.SelectById, new { id }, tx);
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user),
            new NewSampleEvent(id, SampleEventTypes.Updated, null, null, changes, null, SamplePlacementApi.EventLocationOf(updated)));
        await tx.CommitAsync(ct);

        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [current.Barcode, updated.Barcode]));
        return Answer(http, updated.ToDto());
    }

    public static async Task<Results<Ok<PagedResult<SampleEventDto>>, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid id, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM samples WHERE id = @id)", new { id }))
        {
            return SampleProblems.SampleNotFound();
        }
        var (items, total) = await SampleEventLog.ListAsync(connection, id, paging);
        return TypedResults.Ok(new PagedResult<SampleEventDto>(items, paging.Page, paging.PageSize, total));
    }

    /// <summary>An answer carrying a sample, with its ETag.</summary>
    public static Ok<SampleDto> Answer(HttpContext http, SampleDto sample)
    {
        http.Response.Headers.ETag = SampleETag.For(sample.Version);
        return TypedResults.Ok(sample);
    }

    private static async Task<SampleDto?> LoadAndCacheAsync<TKey>(SampleServices s, string condition, TKey key, CancellationToken ct)
    {
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        var sample = (await connection.QuerySingleOrDefaultAsync<Sample>(
            $"SELECT {SampleQueries.Columns} {SampleQueries.From} WHERE {condition}", new { key }))?.ToDto();
        if (sample is not null)
        {
            await s.Cache.StoreAsync(sample);
        }
        return sample;
    }

    /// <summary>The stored first answer, byte for byte, with the headers it had.</summary>
    private static ContentHttpResult Replay(HttpContext http, IdempotencyClaim claim)
    {
        using var stored = JsonDocument.Parse(claim.Response);
        var id = stored.RootElement.GetProperty("id").GetGuid();
        http.Response.Headers.Location = $"/api/samples/{id}";
        http.Response.Headers.ETag = SampleETag.For(stored.RootElement.GetProperty("version").GetInt32());
        http.Response.Headers[IdempotencyRecords.ReplayedHeaderName] = "true";
        return TypedResults.Content(claim.Response, "application/json", Encoding.UTF8, claim.StatusCode);
    }
}
