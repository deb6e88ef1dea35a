using TracSeq.ServiceDefaults.Outbox;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Caching;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Samples.Projects;

namespace TracSeq.Samples.Samples;

/// <summary>The services every sample handler needs.</summary>
public sealed record SampleServices(
    NpgsqlDataSource Db, SampleCache Cache, TimeProvider Clock, ProjectAccessResolver Projects, AuthorizationDenials Denials);

/// <summary>What the list, stats and export need to apply rule 1.</summary>
public sealed record SampleListServices(NpgsqlDataSource Db, ProjectAccessResolver Projects, AuthorizationDenials Denials);

public sealed record SampleStats(long Total, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> ByType);

/// <summary>Samples: search, create, read (cached), edit with ETags, the audit trail, stats; status changes and
/// storage moves are features of their own (Lifecycle, Storage), each mapping its routes.</summary>
public static class SamplesApi
{
    /// <summary>Example bodies for the OpenAPI document.</summary>
    private static class Examples
    {
        public const string Sample = """
            {"id": "01956a1e-7c3b-7d2a-9a41-6f0c2b8e5d10", "barcode": "TS-DNA-250314-00017", "name": "Liver biopsy 12",
             "sampleType": "dna", "status": "in_storage", "projectCode": "ONC-2025", "submissionId": null, "templateId": null,
             "templateVersion": null, "volume": 250.5, "concentration": 12.25, "qualityScore": 8.1,
             "collectedAt": "2025-03-14T08:30:00Z", "receivedAt": "2025-03-14T11:02:00Z", "notes": "Keep on dry ice",
             "metadata": {"donor": "D-0042"},
             "location": {"id": "01956a1e-0000-7000-8000-00000000b007", "barcode": "LOC-00007", "name": "Box 7", "kind": "box",
                          "position": "B7", "path": "Room 101 > Freezer A > Rack 2 > Box 7"},
             "createdBy": "0b9a3c3e-5d0c-4a8e-9f57-2f1d6f2a7c11", "createdAt": "2025-03-14T09:30:00Z",
             "updatedAt": "2025-03-14T11:05:00Z", "version": 4}
            """;

        public const string CreateRequest = """
            {"name": "Liver biopsy 12", "sampleType": "dna", "volume": 250.5, "concentration": 12.25, "qualityScore": 8.1,
             "projectCode": "ONC-2025", "collectedAt": "2025-03-14T09:30:00+01:00", "notes": "Keep on dry ice", "metadata": {"donor": "D-0042"}}
            """;

        public const string CreateBadRequest = """
            {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "One or more validation errors occurred.", "status": 400,
             "errors": {"barcode": ["barcode must be 4 to 50 capital letters, digits or hyphens, starting with a letter or digit."]},
             "traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "correlationId": "4bf92f3577b34da6a3ce929d0e0e4736"}
            """;

        public const string CreateConflict = """
            {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.10", "title": "This barcode is already in use.", "status": 409,
             "detail": "LAB-PLATE7-A01", "barcodes": ["LAB-PLATE7-A01"], "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}
            """;
    }

    public const string CreateScope = "samples.create";

    public static RouteGroupBuilder MapSamplesApi(this IEndpointRouteBuilder app)
    {
        var samples = app.MapGroup("/api/samples").WithTags("Samples").WithStandardProblems();
        samples.MapGet("/", ListAsync)
            .WithResponseExample(StatusCodes.Status200OK, $$"""{"items": [{{Examples.Sample}}], "page": 1, "pageSize": 50, "total": 1}""");
        samples.MapPost("/", CreateAsync).RequireAuthorization(Policies.CanSubmit)
            .Produces<SampleDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithRequestExample(Examples.CreateRequest)
            .WithResponseExample(StatusCodes.Status201Created, Examples.Sample)
            .WithResponseExample(StatusCodes.Status400BadRequest, Examples.CreateBadRequest)
            .WithResponseExample(StatusCodes.Status409Conflict, Examples.CreateConflict);
        samples.MapGet("/stats", StatsAsync);
        samples.MapGet("/export", SampleExport.ExportAsync).Produces(StatusCodes.Status200OK, contentType: "text/csv");
        samples.MapGet("/by-barcode/{barcode}", GetByBarcodeAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, Examples.Sample);
        samples.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, Examples.Sample);
        samples.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.CanHandleSamples)
            .Accepts<JsonElement>("application/json", "application/merge-patch+json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithRequestExample("""{"volume": 240, "notes": null, "metadata": {"donor": "D-0042", "aliquot": 2}}""");
        samples.MapGet("/{id:guid}/events", EventsAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return samples;
    }

    /// <summary>Search samples</summary>
    /// <remarks>
    /// Any signed-in user; only the samples of your projects (facility staff: all), totals included. Filters combine:
    /// <c>status</c> and <c>type</c> take comma lists; <c>q</c> searches barcode,
    /// name, project code and metadata values; <c>projectCode</c>, <c>submissionId</c>; <c>locationId</c> includes
    /// everything stored below that location; <c>from</c>/<c>to</c> bound the creation time. <c>sort</c> is one of
    /// createdAt (default, newest first as <c>-createdAt</c>), updatedAt, collectedAt, barcode, name, status, sampleType,
    /// projectCode, with <c>-</c> for descending. Paged: <c>page</c> from 1, <c>pageSize</c> 1 to 500 (default 50).
    /// </remarks>
    /// <response code="200">A page of samples: <c>{items, page, pageSize, total}</c>.</response>
    /// <response code="400">An unknown status, type or sort, a malformed date or id, or a bad page; <c>errors</c> names the parameter.</response>
    /// <response code="404">projectCode names no project you can see.</response>
    public static async Task<Results<Ok<PagedResult<SampleDto>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        [AsParameters] SampleFilter filter, int? page, int? pageSize, ClaimsPrincipal user, [AsParameters] SampleListServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        var query = SampleQuery.From(filter, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var access = await s.Projects.ForAsync(user, ct);
        query = query.VisibleTo(access);
        query.Parameters.Add("limit", paging.PageSize);
        query.Parameters.Add("offset", paging.Offset);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        if (await SampleProjects.FilterRefusalAsync(connection, access, filter.ProjectCode, s.Denials) is { } unknown)
        {
            return unknown;
        }
        var total = await SampleStore.CountAsync(connection, query);
        var rows = await SampleStore.PageAsync(connection, query);
        return TypedResults.Ok(new PagedResult<SampleDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    /// <summary>Count samples by status and type</summary>
    /// <remarks>Any signed-in user, over the samples of your projects (facility staff: all). Takes the same filters as the search
    /// and answers the total and the counts by status and by sample type (every status and type listed, zeros included).</remarks>
    /// <response code="200">The counts.</response>
    /// <response code="400">A filter is malformed.</response>
    /// <response code="404">projectCode names no project you can see.</response>
    public static async Task<Results<Ok<SampleStats>, ValidationProblem, ProblemHttpResult>> StatsAsync(
        [AsParameters] SampleFilter filter, ClaimsPrincipal user, [AsParameters] SampleListServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var query = SampleQuery.From(filter, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var access = await s.Projects.ForAsync(user, ct);
        query = query.VisibleTo(access);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        if (await SampleProjects.FilterRefusalAsync(connection, access, filter.ProjectCode, s.Denials) is { } unknown)
        {
            return unknown;
        }
        var counts = await SampleStore.CountByStatusAndTypeAsync(connection, query);
        // Every status and type appears, at zero when there are none: a dashboard should not have to guess.
        var byStatus = SampleStatus.All.ToDictionary(st => st, st => counts.Where(c => c.Status == st).Sum(c => c.Count));
        var byType = SampleTypes.All.ToDictionary(t => t, t => counts.Where(c => c.SampleType == t).Sum(c => c.Count));
        return TypedResults.Ok(new SampleStats(counts.Sum(c => c.Count), byStatus, byType));
    }

    /// <summary>Get a sample</summary>
    /// <remarks>Members of the sample's project and facility staff; for anyone else the sample does not exist (404).
    /// The sample with its location; the <c>ETag</c> header is its version, for <c>If-Match</c> on edits and status changes.</remarks>
    /// <response code="200">The sample, with <c>ETag</c>.</response>
    /// <response code="404">No sample has this id.</response>
    public static async Task<Results<Ok<SampleDto>, CachedSampleResult, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var access = await s.Projects.ForAsync(user, ct);
        if (await s.Cache.GetByIdAsync(id) is { } cached && access.CanSee(cached.ProjectId))
        {
            return Answer(http, cached);
        }
        // A refused hit goes on to PostgreSQL too (and is counted there), so its 404 takes as long as one for an id that
        // never existed.
        var sample = await LoadAndCacheAsync(s, "s.id = @key", id, ct);
        return sample is not null && access.Sees(sample.ProjectId, s.Denials) ? SampleAnswers.Ok(http, sample) : SampleProblems.SampleNotFound();
    }

    /// <summary>Find a sample by its barcode</summary>
    /// <remarks>Members of the sample's project and facility staff (404 for anyone else, cached or not); what a scanner calls.
    /// The barcode is matched exactly.</remarks>
    /// <response code="200">The sample, with <c>ETag</c>.</response>
    /// <response code="404">No sample has this barcode.</response>
    public static async Task<Results<Ok<SampleDto>, CachedSampleResult, ProblemHttpResult>> GetByBarcodeAsync(
        string barcode, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        if (barcode.Length > 50)
        {
            return SampleProblems.SampleNotFound(); // longer than any barcode can be
        }
        // The membership check comes before any answer, a cache hit included (rule 2).
        var access = await s.Projects.ForAsync(user, ct);
        if (await s.Cache.GetByBarcodeAsync(barcode) is { } cached && access.CanSee(cached.ProjectId))
        {
            return Answer(http, cached);
        }
        // A refused hit goes on to PostgreSQL too (and is counted there), so its 404 takes as long as one for a barcode
        // that never existed.
        var sample = await LoadAndCacheAsync(s, "s.barcode = @key", barcode, ct);
        return sample is not null && access.Sees(sample.ProjectId, s.Denials) ? SampleAnswers.Ok(http, sample) : SampleProblems.SampleNotFound();
    }

    /// <summary>Register a sample</summary>
    /// <remarks>
    /// Research scientists and above. The sample starts <c>pending</c>. Leave <c>barcode</c> out to get a generated one
    /// (<c>TS-DNA-250314-00017</c>), or give your own: 4 to 50 capital letters, digits and hyphens, starting with a
    /// letter or digit, not shaped like a generated one. Sample types: dna, rna, blood, saliva, tissue, cells, plasma,
    /// other. Volume in µL, concentration in ng/µL (0 to 1,000,000), quality score 0 to 100; <c>collectedAt</c> not in
    /// the future. With an <c>Idempotency-Key</c> header, repeating the request answers the first result
    /// (<c>Idempotent-Replayed: true</c>) and creates nothing.
    /// </remarks>
    /// <response code="201">The new sample; <c>Location</c> and <c>ETag</c> headers.</response>
    /// <response code="400">A field is missing or out of bounds; <c>errors</c> names each.</response>
    /// <response code="409">The barcode is already in use (<c>barcodes</c> lists it).</response>
    /// <response code="422">The Idempotency-Key was already used for a different request.</response>
    public static async Task<Results<Created<SampleDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateSampleRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var now = s.Clock.GetUtcNow();
        var access = await s.Projects.ForAsync(user, ct);
        var errors = new ValidationErrors().CheckKey(idempotencyKey, required: false).CheckNew(request, "", now)
            .CheckProjectNamed(access, request.ProjectCode);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var actor = Actor.From(user);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (project, refusal) = await SampleProjects.TargetAsync(connection, tx, access, request.ProjectCode, s.Denials);
        if (refusal is not null)
        {
            return refusal;
        }
        var claim = await IdempotencyRecords.ClaimIfKeyedAsync(connection, tx, CreateScope, actor.Id, idempotencyKey, request);
        if (claim.State != IdempotencyState.New)
        {
            return claim.State == IdempotencyState.Replay ? Replay(http, claim) : IdempotencyRecords.KeyReused();
        }

        var (sample, taken) = await InsertAsync(connection, tx, request with { ProjectCode = project!.Code }, project.Id, actor, now);
        if (sample is null)
        {
            return taken!;
        }
        var created = (await SampleStore.GetAsync(connection, tx, sample.Id)).ToDto();
        await IdempotencyRecords.CompleteIfKeyedAsync(connection, tx, CreateScope, actor.Id, idempotencyKey, StatusCodes.Status201Created, created);
        await tx.CommitAsync(ct);

        SampleMetrics.CountCreated([sample]);
        http.Response.Headers.ETag = SampleETag.For(created.Version);
        return TypedResults.Created($"/api/samples/{created.Id}", created);
    }

    /// <summary>The new sample with its barcode (given or generated), its created event and its webhook; 409 when the barcode is taken.</summary>
    private static async Task<(NewSample? Sample, ProblemHttpResult? Taken)> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, CreateSampleRequest request, Guid projectId, Actor actor, DateTimeOffset now)
    {
        if (request.Barcode is { } wanted && (await Barcodes.TakenAsync(connection, tx, [wanted])).Count > 0)
        {
            return (null, SampleProblems.DuplicateBarcode([wanted]));
        }
        var barcode = request.Barcode ?? Barcodes.Generate(request.SampleType!, now, (await Barcodes.NextNumbersAsync(connection, tx, 1))[0]);
        var sample = NewSample.From(request, barcode, actor.Id, projectId);
        try
        {
            await SampleWriter.InsertAsync(connection, tx, sample);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == SampleStore.UniqueBarcode)
        {
            return (null, SampleProblems.DuplicateBarcode([barcode])); // taken by a concurrent request since the check above
        }
        await SampleEventLog.WriteAsync(connection, tx, actor, sample.CreatedEvent());
        await Outbox.AddAsync(connection, tx, SampleWebhookEvents.Created(sample));
        return (sample, null);
    }

    /// <summary>Edit a sample</summary>
    /// <remarks>
    /// Lab technicians and above. A merge patch of name, sampleType, barcode, volume, concentration, qualityScore,
    /// projectCode, collectedAt, notes and metadata: a field left out stays, <c>null</c> clears it, <c>metadata</c> is
    /// replaced as a whole. Status and location have their own endpoints and are refused here, as is any unknown field.
    /// Send <c>If-Match</c> with the ETag you read to make sure nobody changed the sample since (412 otherwise). Every
    /// changed field is recorded in the audit trail, old and new.
    /// </remarks>
    /// <response code="200">The sample as changed, with its new <c>ETag</c>.</response>
    /// <response code="400">A field is malformed, unknown or not editable here, or If-Match is not an entity tag.</response>
    /// <response code="404">No sample has this id.</response>
    /// <response code="409">The new barcode is already in use.</response>
    /// <response code="412">If-Match does not name the current version (<c>currentETag</c> does).</response>
    public static async Task<Results<Ok<SampleDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, [FromBody] JsonElement body, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s,
        Labels.SequencingLabelsClient sequencing, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var patch = SamplePatch.Read(body, errors, s.Clock.GetUtcNow());
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (locked, refusal) = await LockedSample.LockForWriteAsync(connection, tx, id, user, s, ct);
        if (locked is null)
        {
            return refusal!;
        }
        var current = locked.Sample;
        var (malformed, stale) = SampleETag.IfMatchRefusal(http.Request, current.Version);
        if (malformed is not null || stale is not null)
        {
            return malformed is not null ? malformed : stale!;
        }

        var (values, changes) = patch.ApplyTo(current);
        if (changes.Count == 0)
        {
            return SampleAnswers.Ok(http, current.ToDto()); // nothing differs: no new version, no event
        }
        var (updated, notStored) = await StoreChangesAsync(connection, tx, locked, values, changes, user, s, sequencing, http, ct);
        if (updated is null)
        {
            return notStored!;
        }
        await tx.CommitAsync(ct);

        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [current.Barcode, updated.Barcode]));
        return SampleAnswers.Ok(http, updated.ToDto());
    }

    /// <summary>
    /// Writes an edit and its audit event, and moves the sample's libraries with it to another project; refused when
    /// the project or barcode it moves to refuses it, or Sequencing cannot move the libraries.
    /// </summary>
    private static async Task<(Sample? Updated, ProblemHttpResult? Refusal)> StoreChangesAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        LockedSample locked, SampleValues values, List<SampleChange> changes, ClaimsPrincipal user, SampleServices s,
        Labels.SequencingLabelsClient sequencing, HttpContext http, CancellationToken ct)
    {
        var current = locked.Sample;
        if (values.ProjectCode != current.ProjectCode
            && (await SampleProjects.TargetAsync(connection, tx, locked.Access, values.ProjectCode, s.Denials)).Refusal is { } moveRefused)
        {
            return (null, moveRefused); // a move into a project the caller may not act in
        }
        if (values.Barcode != current.Barcode && (await Barcodes.TakenAsync(connection, tx, [values.Barcode])).Count > 0)
        {
            return (null, SampleProblems.DuplicateBarcode([values.Barcode]));
        }
        try
        {
            await SampleStore.UpdateAsync(connection, tx, values);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == SampleStore.UniqueBarcode)
        {
            return (null, SampleProblems.DuplicateBarcode([values.Barcode]));
        }
        var updated = await SampleStore.GetAsync(connection, tx, current.Id);
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user),
            new NewSampleEvent(current.Id, SampleEventTypes.Updated, null, null, changes, null, updated.ToEventLocation()));
        if (updated.ProjectId != current.ProjectId && await MoveLibrariesAsync(sequencing, updated, http, ct) is { } unavailable)
        {
            return (null, unavailable);
        }
        return (updated, null);
    }

    /// <summary>Its libraries go with it before the move commits: a library is always its sample's project's.</summary>
    private static async Task<ProblemHttpResult?> MoveLibrariesAsync(
        Labels.SequencingLabelsClient sequencing, Sample updated, HttpContext http, CancellationToken ct)
    {
        try
        {
            await sequencing.MoveLibrariesAsync(updated.Id, updated.ProjectId, http.Request.Headers.Authorization.ToString(), ct);
            return null;
        }
        catch (Labels.SequencingUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The Sequencing service is unavailable; the sample was not moved.", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["dependency"] = "sequencing" });
        }
    }

    /// <summary>A sample's audit trail</summary>
    /// <remarks>
    /// Members of the sample's project and facility staff (404 for anyone else). Every event, oldest first: type, time, actor,
    /// status before and after, changed fields (old
    /// and new), reason, location and the trace id of the request that made it. Events are never changed or deleted.
    /// </remarks>
    /// <response code="200">A page of events.</response>
    /// <response code="400">A bad page or page size.</response>
    /// <response code="404">No sample has this id.</response>
    public static async Task<Results<Ok<PagedResult<SampleEventDto>>, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid id, int? page, int? pageSize, ClaimsPrincipal user, [AsParameters] SampleListServices s, CancellationToken ct) =>
        await EventPages.AnswerAsync<SampleEventDto>(page, pageSize, SampleProblems.SampleNotFound, async paging =>
        {
            var access = await s.Projects.ForAsync(user, ct);
            await using var connection = await s.Db.OpenConnectionAsync(ct);
            var projectId = await SampleStore.ProjectOfAsync(connection, null, id);
            return projectId is { } project && access.Sees(project, s.Denials) ? await SampleEventLog.ListAsync(connection, id, paging) : null;
        });

    /// <summary>A cached sample, its JSON written out as stored, with the same ETag as a read from PostgreSQL.</summary>
    private static CachedSampleResult Answer(HttpContext http, CachedSample sample)
    {
        http.Response.Headers.ETag = SampleETag.For(sample.Version);
        return new CachedSampleResult(sample.Json);
    }

    private static async Task<SampleDto?> LoadAndCacheAsync<TKey>(SampleServices s, string condition, TKey key, CancellationToken ct)
    {
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        var sample = (await SampleStore.FindAsync(connection, condition, key))?.ToDto();
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
        http.Response.Headers.ETag = SampleETag.For(stored.RootElement.GetProperty("version").GetInt32());
        return IdempotencyRecords.Replay(http, claim, $"/api/samples/{IdempotencyRecords.StoredId(claim)}");
    }
}
