using TracSeq.ServiceDefaults.Data;
using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Npgsql;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Projects;
using TracSeq.Sequencing.SamplesService;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Sequencing.Qc;
using TracSeq.Sequencing.IndexChecks;

namespace TracSeq.Sequencing.Libraries;

/// <summary>Where a library's index comes from: a kit well, kit index names, or custom sequences.</summary>
public sealed record LibraryIndexRequest(Guid? KitId, string? Well, string? I7Name, string? I5Name, string? Index1, string? Index2);

public sealed record CreateLibraryRequest(
    Guid? SampleId, string? Name, string? PrepKit, int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, LibraryIndexRequest? Index,
    long? TargetReads = null, bool? NegativeControl = null);

public sealed record UpdateLibraryRequest(string? Name, string? PrepKit, int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, LibraryIndexRequest? Index,
    long? TargetReads = null, bool? NegativeControl = null);

public sealed record LibraryStatusRequest(string? To, string? Reason);

public sealed record LibraryIndexDto(Guid? KitId, string? KitName, string? Well, string? I7Name, string? I5Name, string Index1, string? Index2);

public sealed record LibraryDto(
    Guid Id, string Barcode, Guid SampleId, string SampleBarcode, string Name, string? PrepKit, LibraryIndexDto Index,
    int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, decimal? MolarityNm, string Status, string? StatusReason,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<QcMeasurementDto>? LatestQc = null,
    long? TargetReads = null, bool NegativeControl = false, long? SequencedReads = null, IReadOnlyList<Results.LibraryRunReads>? Runs = null,
    string? Verdict = null, string? VerdictReason = null, Guid? ProjectId = null);

/// <summary>A row of <c>libraries</c>.</summary>
public sealed class Library
{
    public Guid Id { get; init; }
    public string Barcode { get; init; } = "";
    public Guid SampleId { get; init; }
    public string SampleBarcode { get; init; } = "";
    public string? SampleProject { get; init; }
    public string Name { get; init; } = "";
    public string? PrepKit { get; init; }
    public Guid? KitId { get; init; }
    public string? KitName { get; init; }
    public string? Well { get; init; }
    public string? I7Name { get; init; }
    public string? I5Name { get; init; }
    public string Index1 { get; init; } = "";
    public string? Index2 { get; init; }
    public int? FragmentSizeBp { get; init; }
    public decimal? ConcentrationNgUl { get; init; }
    public decimal? VolumeUl { get; init; }
    public string Status { get; init; } = "";
    public string? StatusReason { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public long? TargetReads { get; init; }
    public bool NegativeControl { get; init; }
    public Guid? ProjectId { get; init; }

    public const string Columns = """
        id, barcode, sample_id, sample_barcode, sample_project, name, prep_kit, kit_id, kit_name, well, i7_name, i5_name,
        index1, index2, fragment_size_bp, concentration_ng_ul, volume_ul, status, status_reason, created_at, updated_at,
        target_reads, negative_control, project_id
        """;

    public LibraryDto ToDto(IReadOnlyList<QcMeasurementDto>? latestQc = null) => new(
        Id, Barcode, SampleId, SampleBarcode, Name, PrepKit, new LibraryIndexDto(KitId, KitName, Well, I7Name, I5Name, Index1, Index2),
        FragmentSizeBp, ConcentrationNgUl, VolumeUl, LibraryRules.Molarity(ConcentrationNgUl, FragmentSizeBp), Status, StatusReason,
        CreatedAt, UpdatedAt, latestQc, TargetReads, NegativeControl, ProjectId: ProjectId);
}

/// <summary>The library rules, each written once.</summary>
public static class LibraryRules
{
    public const string Active = "active";
    public const string Sequenced = "sequenced";
    public const string Failed = "failed";
    public const string Archived = "archived";

    /// <summary>Only these sample statuses mean the material is in the lab and fit to make a library from.</summary>
    public static readonly IReadOnlyList<string> SampleStatusesForLibraries = ["received", "validated", "in_storage"];

    /// <summary>Set by hand, always with a reason; <c>sequenced</c> is set by a completed run.</summary>
    public static readonly IReadOnlyList<string> ManualStatuses = [Failed, Archived];

    /// <summary>nM = ng/µL × 10⁶ / (660 g/mol per bp × size in bp); null unless both are known.</summary>
    public static decimal? Molarity(decimal? concentrationNgUl, int? fragmentSizeBp) =>
        concentrationNgUl is { } c && fragmentSizeBp is { } size && size > 0
            ? Math.Round(c * 1_000_000m / (660m * size), 4, MidpointRounding.AwayFromZero)
            : null;

    public static string Barcode(DateTimeOffset now, long n) =>
        string.Create(CultureInfo.InvariantCulture, $"TS-LIB-{now.UtcDateTime:yyMMdd}-{n:D5}");

    public static ValidationErrors CheckMeasures(this ValidationErrors errors, string? name, string? prepKit, int? size, decimal? concentration, decimal? volume) =>
        errors.Text("name", name, 200, required: false)
            .Text("prepKit", prepKit, 200, required: false)
            .Check(size is null or (>= 1 and <= 100_000), "fragmentSizeBp", "fragmentSizeBp must be 1 to 100000 bp.")
            .Check(concentration is null or (>= 0 and <= 100_000), "concentrationNgUl", "concentrationNgUl must be 0 to 100000 ng/µL.")
            .Check(volume is null or (>= 0 and <= 1_000_000), "volumeUl", "volumeUl must be 0 to 1000000 µL.");

    /// <summary>A reads target is 1 to 10¹² reads (a NovaSeq X 25B flow cell gives about 2.6 × 10¹⁰).</summary>
    public static ValidationErrors CheckTarget(this ValidationErrors errors, long? targetReads) =>
        errors.Check(targetReads is null or (>= 1 and <= 1_000_000_000_000), "targetReads", "targetReads must be 1 to 1000000000000 reads.");
}

/// <summary>A library's index once resolved against its kit.</summary>
public sealed record ResolvedIndex(Guid? KitId, string? KitName, string? Well, string? I7Name, string? I5Name, string Index1, string? Index2);

/// <summary>
/// Libraries: made from a received, validated or stored sample (read from Samples with the caller's token), tagged
/// with an index from a kit well, kit index names or custom sequences, given a generated <c>TS-LIB-…</c> barcode; the
/// sample's audit trail gets a <c>library_created</c> event through Samples, in the same all-or-nothing step.
/// </summary>
public static class LibrariesApi
{
    public static RouteGroupBuilder MapLibrariesApi(this IEndpointRouteBuilder app)
    {
        var libraries = app.MapGroup("/api/libraries").WithTags("Libraries");
        libraries.MapPost("/", CreateAsync).Write(SequencingPolicies.LabWork, "Make a library from a sample",
            "The sample must be received, validated or in_storage (409 naming its status otherwise). The index is " +
            "{kitId, well} (fixed-layout kit), {kitId, i7Name, i5Name?} or custom {index1, index2?} (ACGT, 4–24 bases). " +
            "Answers the library with its TS-LIB barcode and derived molarity; the sample's audit trail gets library_created." +
            " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing; the key with another body is 422.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithRequestExample("""{"sampleId": "01956a2b-5000-7000-8000-000000000001", "name": "LIB liver 1", "fragmentSizeBp": 350, "concentrationNgUl": 2.31, "index": {"index1": "ATTACTCG", "index2": "AGGCTATA"}}""");
        libraries.MapGet("/", ListAsync).Documented("List libraries", "Filter by sampleId, poolId, status or text (barcode, name, sample barcode); paged.");
        libraries.MapGet("/{id:guid}", GetAsync).Documented("One library", "The library with its index, molarity and the latest QC per type.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        libraries.MapPatch("/{id:guid}", UpdateAsync).Write(SequencingPolicies.LabWork, "Edit a library",
            "Changes name, prepKit, fragmentSizeBp, concentrationNgUl, volumeUl and, unless the library is in a pool on a run, its index. Fields left out stay.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"name": "LIB liver 1 (re-quantified)", "concentrationNgUl": 2.5}""");
        libraries.MapPost("/{id:guid}/status", ChangeStatusAsync).Write(SequencingPolicies.LabWork, "Fail or archive a library",
            "Moves an active or sequenced library to failed or archived, with a reason. Nothing is ever deleted.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"to": "failed", "reason": "Adapter dimers on the TapeStation trace"}""");
        libraries.MapGet("/{id:guid}/events", EventsAsync).Documented("A library's audit trail", "Every write to the library: who, when, what and the trace id, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return libraries;
    }

    public const string CreateScope = "library.create";

    public static async Task<Results<Created<LibraryDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateLibraryRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http, NpgsqlDataSource db, SamplesClient samples,
        TimeProvider clock, ProjectGate projects, CancellationToken ct)
    {
        var errors = new ValidationErrors().CheckKey(idempotencyKey, required: false)
            .Check(request.SampleId is { } s && s != Guid.Empty, "sampleId", "sampleId is required.")
            .CheckMeasures(request.Name, request.PrepKit, request.FragmentSizeBp, request.ConcentrationNgUl, request.VolumeUl)
            .CheckTarget(request.TargetReads)
            .Check(request.Index is not null, "index", "index is required: {kitId, well}, {kitId, i7Name, i5Name?} or {index1, index2?}.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var (index, indexErrors) = await ResolveIndexAsync(connection, request.Index!);
        if (indexErrors is not null)
        {
            return indexErrors;
        }

        var authorization = http.Request.Headers[HeaderNames.Authorization].ToString();
        SampleInfo? sample;
        try
        {
            sample = await samples.GetSampleAsync(request.SampleId!.Value, authorization, ct);
        }
        catch (SamplesUnavailableException e)
        {
            return Endpoints.SamplesUnavailable(e.Message);
        }
        if (sample is null)
        {
            // Samples answers 404 for another project's sample too (rule 1): the same answer as an unknown id.
            return new ValidationErrors().Add("sampleId", "No sample has this id.").ToProblem();
        }
        if (projects.WriteRefusal(await projects.ForAsync(user, ct), sample.ProjectId) is { } refused)
        {
            return refused; // a viewer of the sample's project (403); Samples has already hidden the rest
        }
        if (!LibraryRules.SampleStatusesForLibraries.Contains(sample.Status))
        {
            return Endpoints.Conflict($"A library cannot be made from a sample that is {sample.Status}.",
                $"The sample must be {string.Join(", ", LibraryRules.SampleStatusesForLibraries)}.",
                new Dictionary<string, object?> { ["sampleId"] = sample.Id, ["sampleStatus"] = sample.Status });
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (idempotencyKey is not null)
        {
            var claim = await IdempotencyRecords.ClaimAsync(connection, tx, CreateScope, user.GetUserId(), idempotencyKey, IdempotencyRecords.Hash(request));
            if (claim.State == IdempotencyState.KeyReused)
            {
                return IdempotencyRecords.KeyReused();
            }
            if (claim.State == IdempotencyState.Replay)
            {
                return IdempotencyRecords.Replay(http, claim, $"/api/libraries/{IdempotencyRecords.StoredId(claim)}");
            }
        }
        var barcode = LibraryRules.Barcode(now, await connection.ExecuteScalarAsync<long>("SELECT nextval('library_barcode_seq')", transaction: tx));
        await connection.ExecuteAsync(
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
                name = Blank(request.Name) ?? sample.Name, prepKit = Blank(request.PrepKit), index!.KitId, index.KitName, index.Well,
                index.I7Name, index.I5Name, index.Index1, index.Index2, request.FragmentSizeBp, request.ConcentrationNgUl, request.VolumeUl,
                createdBy = user.GetUserId(), targetReads = request.TargetReads, negativeControl = request.NegativeControl ?? false,
                projectId = sample.ProjectId,
            }, tx);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "created",
            new { barcode, sampleId = sample.Id, sampleBarcode = sample.Barcode, index });
        try
        {
            // Before commit: if Samples cannot record the event, the library is not made either. Samples keys the
            // event by library id, so its retries (or a commit lost after it) never write it twice.
            await samples.RecordLibraryCreatedAsync(sample.Id, id, barcode, authorization, ct);
        }
        catch (SamplesUnavailableException e)
        {
            return Endpoints.SamplesUnavailable(e.Message);
        }
        var created = (await LoadAsync(connection, id, tx))!.ToDto();
        if (idempotencyKey is not null)
        {
            await IdempotencyRecords.CompleteAsync(connection, tx, CreateScope, user.GetUserId(), idempotencyKey, StatusCodes.Status201Created, created);
        }
        await tx.CommitAsync(ct);
        SequencingMetrics.LibrariesCreated.Inc();
        return TypedResults.Created($"/api/libraries/{id}", created);
    }

    public static async Task<Results<Ok<PagedResult<LibraryDto>>, ValidationProblem>> ListAsync(
        Guid? sampleId, Guid? poolId, string? status, string? q, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource db,
        ProjectGate projects, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Check(status is null || status is LibraryRules.Active or LibraryRules.Sequenced or LibraryRules.Failed or LibraryRules.Archived,
                "status", "status must be one of: active, sequenced, failed, archived.")
            .Text("q", q, 200, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        const string where = """
            (@sampleId::uuid IS NULL OR sample_id = @sampleId)
            AND (@poolId::uuid IS NULL OR id IN (SELECT library_id FROM pool_libraries WHERE pool_id = @poolId))
            AND (@status::text IS NULL OR status = @status)
            AND (@q::text IS NULL OR barcode ILIKE '%' || @q || '%' OR name ILIKE '%' || @q || '%' OR sample_barcode ILIKE '%' || @q || '%')
            AND (@visible::uuid[] IS NULL OR project_id = ANY(@visible))
            """;
        var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds; // rule 1: rows and totals of the caller's projects only
        var parameters = new { sampleId, poolId, status, q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(), visible, limit = paging.PageSize, offset = paging.Offset };
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM libraries WHERE {where}", parameters);
        var rows = await connection.QueryAsync<Library>(
            $"SELECT {Library.Columns} FROM libraries WHERE {where} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset", parameters);
        return TypedResults.Ok(new PagedResult<LibraryDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<LibraryDto>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, ProjectGate projects, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var library = await LoadAsync(connection, id);
        if (library is null)
        {
            return Endpoints.NotFound("library");
        }
        if (projects.ReadRefusal(access, library.ProjectId) is { } hidden)
        {
            return hidden;
        }
        var results = await Results.ResultsStore.LibrarySummaryAsync(connection, id);
        return TypedResults.Ok(library.ToDto(await QcApi.LatestPerTypeAsync(connection, QcApi.TargetLibrary, id)) with
        {
            SequencedReads = results.SequencedReads, Runs = results.Runs, Verdict = results.Verdict, VerdictReason = results.VerdictReason,
        });
    }

    public static async Task<Results<Ok<LibraryDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateLibraryRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, ProjectGate projects, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .CheckMeasures(request.Name, request.PrepKit, request.FragmentSizeBp, request.ConcentrationNgUl, request.VolumeUl)
            .CheckTarget(request.TargetReads)
            .Check(request.Name is not null || request.PrepKit is not null || request.FragmentSizeBp is not null ||
                   request.ConcentrationNgUl is not null || request.VolumeUl is not null || request.Index is not null ||
                   request.TargetReads is not null || request.NegativeControl is not null,
                "body", "Give at least one of name, prepKit, fragmentSizeBp, concentrationNgUl, volumeUl, index, targetReads, negativeControl.");
        if (request.Name is not null)
        {
            errors.Text("name", request.Name, 200);
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        ResolvedIndex? index = null;
        if (request.Index is not null)
        {
            var (resolved, indexErrors) = await ResolveIndexAsync(connection, request.Index);
            if (indexErrors is not null)
            {
                return indexErrors;
            }
            index = resolved;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (index is not null)
        {
            await PoolGuards.LockPoolsOfAsync(connection, tx, id);
        }
        var before = await LoadAsync(connection, id, tx, forUpdate: true);
        if (before is null)
        {
            return Endpoints.NotFound("library");
        }
        if (projects.WriteRefusal(await projects.ForAsync(user, ct), before.ProjectId) is { } refused)
        {
            return refused;
        }
        if (index is not null && await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM pool_libraries pl JOIN run_lanes rl ON rl.pool_id = pl.pool_id WHERE pl.library_id = @id)", new { id }, tx))
        {
            return Endpoints.Conflict("The index of a library on a run cannot change.",
                "The library is in a pool that is on a run: its sample sheet depends on this index.");
        }
        await connection.ExecuteAsync(
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
                i7Name = index?.I7Name, i5Name = index?.I5Name, index1 = index?.Index1, index2 = index?.Index2, now = clock.GetUtcNow(),
                targetReads = request.TargetReads, negativeControl = request.NegativeControl,
            }, tx);
        if (index is not null && await PoolGuards.CollisionAfterIndexChangeAsync(connection, tx, id) is { } collision)
        {
            return collision;
        }
        var after = (await LoadAsync(connection, id, tx))!;
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "updated", new { before = before.ToDto(), after = after.ToDto() });
        await tx.CommitAsync(ct);
        return TypedResults.Ok(after.ToDto());
    }

    public static async Task<Results<Ok<LibraryDto>, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(
        Guid id, LibraryStatusRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, ProjectGate projects, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check(request.To is not null && LibraryRules.ManualStatuses.Contains(request.To), "to", "to must be failed or archived.")
            .Text("reason", request.Reason, 2000);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var library = await LoadAsync(connection, id, tx, forUpdate: true);
        if (library is null)
        {
            return Endpoints.NotFound("library");
        }
        if (projects.WriteRefusal(await projects.ForAsync(user, ct), library.ProjectId) is { } refused)
        {
            return refused;
        }
        if (library.Status is LibraryRules.Failed or LibraryRules.Archived)
        {
            return Endpoints.Conflict($"A library that is {library.Status} does not change status any more.", null,
                new Dictionary<string, object?> { ["from"] = library.Status, ["to"] = request.To });
        }
        await connection.ExecuteAsync("UPDATE libraries SET status = @to, status_reason = @reason, updated_at = @now WHERE id = @id",
            new { id, to = request.To, reason = request.Reason!.Trim(), now = clock.GetUtcNow() }, tx);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "status_changed",
            new { from = library.Status, to = request.To, reason = request.Reason.Trim() });
        var changed = (await LoadAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(changed.ToDto());
    }

    public static async Task<Results<Ok<IReadOnlyList<SequencingEventDto>>, ProblemHttpResult>> EventsAsync(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource db, ProjectGate projects, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var library = await LoadAsync(connection, id);
        if (library is null)
        {
            return Endpoints.NotFound("library");
        }
        if (projects.ReadRefusal(access, library.ProjectId) is { } hidden)
        {
            return hidden;
        }
        return TypedResults.Ok(await SequencingEvents.ListAsync(connection, EntityKinds.Library, id));
    }

    public static async Task<Library?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null, bool forUpdate = false) =>
        await connection.QuerySingleOrDefaultAsync<Library>(
            $"SELECT {Library.Columns} FROM libraries WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}", new { id }, tx);

    /// <summary>Turns one of the three index forms into sequences, naming the field of <c>index</c> that is wrong.</summary>
    public static async Task<(ResolvedIndex? Index, ValidationProblem? Errors)> ResolveIndexAsync(NpgsqlConnection connection, LibraryIndexRequest request)
    {
        var errors = new ValidationErrors();
        if (request.KitId is null)
        {
            errors.Check(request.Well is null && request.I7Name is null && request.I5Name is null, "index.kitId",
                    "well, i7Name and i5Name need the kitId of their kit.")
                .Check(IndexSequence.IsValid(request.Index1), "index.index1", Bases("index1", request.Index1))
                .Check(request.Index2 is null || IndexSequence.IsValid(request.Index2), "index.index2", Bases("index2", request.Index2));
            return errors.IsValid
                ? (new ResolvedIndex(null, null, null, null, null, request.Index1!.ToUpperInvariant(), request.Index2?.ToUpperInvariant()), null)
                : (null, errors.ToProblem());
        }
        errors.Check(request.Index1 is null && request.Index2 is null, "index.index1", "Give either a kit's index or custom index1/index2, not both.")
            .Check((request.Well is null) != (request.I7Name is null), "index.well", "Give either a well or i7Name (with i5Name) of the kit.")
            .Check(request.Well is null || Kits.IndexKitRules.Well(request.Well, out _) is null, "index.well", "well is a plate well, A01 to P24.")
            .Check(request.I7Name is null || Kits.IndexKitRules.IndexName(request.I7Name) is null, "index.i7Name", "i7Name is 1 to 100 printable characters.")
            .Check(request.I5Name is null || Kits.IndexKitRules.IndexName(request.I5Name) is null, "index.i5Name", "i5Name is 1 to 100 printable characters.");
        if (!errors.IsValid)
        {
            return (null, errors.ToProblem());
        }
        var kit = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, bool FixedLayout)>(
            "SELECT id, name::text, fixed_layout FROM index_kits WHERE id = @id", new { id = request.KitId });
        if (kit.Id == Guid.Empty)
        {
            return (null, errors.Add("index.kitId", "No index kit has this id.").ToProblem());
        }
        var (i7Name, i5Name, well) = (request.I7Name?.Trim(), request.I5Name?.Trim(), (string?)null);
        if (request.Well is not null)
        {
            Kits.IndexKitRules.Well(request.Well, out var normalized);
            var found = await connection.QuerySingleOrDefaultAsync<(string I7Name, string? I5Name)?>(
                "SELECT i7_name, i5_name FROM index_kit_wells WHERE kit_id = @kitId AND well = @well", new { kitId = kit.Id, well = normalized ?? request.Well });
            if (found is null)
            {
                return (null, errors.Add("index.well", kit.FixedLayout
                    ? $"The kit {kit.Name} has no well {request.Well}."
                    : $"The kit {kit.Name} has no fixed layout; give i7Name (and i5Name).").ToProblem());
            }
            (i7Name, i5Name, well) = (found.Value.I7Name, found.Value.I5Name, normalized);
        }
        var sequences = (await connection.QueryAsync<(int Read, string Name, string Sequence)>(
            "SELECT read, name, sequence FROM index_kit_indices WHERE kit_id = @kitId AND ((read = 1 AND name = @i7Name) OR (read = 2 AND name = @i5Name))",
            new { kitId = kit.Id, i7Name, i5Name })).ToDictionary(x => x.Read, x => x.Sequence);
        errors.Check(sequences.ContainsKey(1), "index.i7Name", $"The kit {kit.Name} has no i7 index named {i7Name}.")
            .Check(i5Name is null || sequences.ContainsKey(2), "index.i5Name", $"The kit {kit.Name} has no i5 index named {i5Name}.");
        return errors.IsValid
            ? (new ResolvedIndex(kit.Id, kit.Name, well, i7Name, i5Name, sequences[1], i5Name is null ? null : sequences[2]), null)
            : (null, errors.ToProblem());
    }

    private static string Bases(string field, string? value) =>
        value is not null && IndexSequence.FirstInvalidBase(value) is { } bad
            ? $"{field} may contain only A, C, G and T; '{bad}' is not a base."
            : $"{field} must be {IndexSequence.MinLength} to {IndexSequence.MaxLength} bases (A, C, G, T).";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
