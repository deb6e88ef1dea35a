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
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Sequencing.Qc;
using TracSeq.Sequencing.IndexChecks;
using TracSeq.Sequencing.Kits;

namespace TracSeq.Sequencing.Libraries;

/// <summary>Where a library's index comes from: a kit well, kit index names, or custom sequences.</summary>
public sealed record LibraryIndexRequest(Guid? KitId, string? Well, string? I7Name, string? I5Name, string? Index1, string? Index2);

public sealed record CreateLibraryRequest(
    Guid? SampleId, string? Name, string? PrepKit, int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, LibraryIndexRequest? Index,
    long? TargetReads = null, bool? NegativeControl = null);

public sealed record UpdateLibraryRequest(
    string? Name, string? PrepKit, int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, LibraryIndexRequest? Index,
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

    public static ValidationErrors CheckMeasures(
        this ValidationErrors errors, string? name, string? prepKit, int? size, decimal? concentration, decimal? volume) =>
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
            " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing;" +
            " the key with another body is 422.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithRequestExample(
                """{"sampleId": "01956a2b-5000-7000-8000-000000000001", "name": "LIB liver 1", "fragmentSizeBp": 350, "concentrationNgUl": 2.31,""" +
                """ "index": {"index1": "ATTACTCG", "index2": "AGGCTATA"}}""");
        libraries.MapGet("/", ListAsync).Documented("List libraries", "Filter by sampleId, poolId, status or text (barcode, name, sample barcode); paged.");
        libraries.MapGet("/{id:guid}", GetAsync).Documented("One library", "The library with its index, molarity and the latest QC per type.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        libraries.MapPatch("/{id:guid}", UpdateAsync).Write(SequencingPolicies.LabWork, "Edit a library",
            "Changes name, prepKit, fragmentSizeBp, concentrationNgUl, volumeUl and, unless the library is in a pool on a run, its index. " +
            "Fields left out stay.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"name": "LIB liver 1 (re-quantified)", "concentrationNgUl": 2.5}""");
        libraries.MapPost("/{id:guid}/status", ChangeStatusAsync).Write(SequencingPolicies.LabWork, "Fail or archive a library",
            "Moves an active or sequenced library to failed or archived, with a reason. Nothing is ever deleted.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"to": "failed", "reason": "Adapter dimers on the TapeStation trace"}""");
        libraries.MapGet("/{id:guid}/events", EventsAsync)
            .Documented("A library's audit trail", "Every write to the library: who, when, what and the trace id, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return libraries;
    }

    public const string CreateScope = "library.create";

    public static async Task<Results<Created<LibraryDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateLibraryRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http,
        NpgsqlDataSource db, SamplesClient samples, TimeProvider clock, ProjectGate projects, CancellationToken ct)
    {
        if (CheckCreate(request, idempotencyKey) is { } invalid)
        {
            return invalid;
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var (index, indexErrors) = await ResolveIndexAsync(connection, request.Index!);
        if (indexErrors is not null)
        {
            return indexErrors;
        }
        var authorization = http.Request.Headers[HeaderNames.Authorization].ToString();
        var (sample, refused) = await UsableSampleAsync(request.SampleId!.Value, authorization, user, samples, projects, ct);
        if (sample is null || refused is not null)
        {
            // Samples answers 404 for another project's sample too (rule 1): the same answer as an unknown id.
            return refused is not null ? refused : new ValidationErrors().Add("sampleId", "No sample has this id.").ToProblem();
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Idempotency.EarlierAnswerAsync(
                connection, tx, http, user, CreateScope, idempotencyKey, request, Idempotency.CreatedUnder("/api/libraries")) is { } earlier)
        {
            return earlier.KeyReused is { } reused ? reused : earlier.Replayed!;
        }
        var (id, barcode) = (Guid.CreateVersion7(), await LibraryStore.NextBarcodeAsync(connection, tx, clock.GetUtcNow()));
        await LibraryStore.InsertAsync(
            connection, tx, id, barcode, sample, Blank(request.Name) ?? sample.Name, Blank(request.PrepKit), index!, request, user.GetUserId());
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "created",
            new { barcode, sampleId = sample.Id, sampleBarcode = sample.Barcode, index });
        if (await RecordOnSampleAsync(samples, sample.Id, id, barcode, authorization, ct) is { } unavailable)
        {
            return unavailable;
        }
        var created = (await LibraryStore.LoadAsync(connection, id, tx))!.ToDto();
        await Idempotency.CompleteAsync(connection, tx, user, CreateScope, idempotencyKey, StatusCodes.Status201Created, created);
        await tx.CommitAsync(ct);
        SequencingMetrics.LibrariesCreated.Inc();
        return TypedResults.Created($"/api/libraries/{id}", created);
    }

    private static ValidationProblem? CheckCreate(CreateLibraryRequest request, string? idempotencyKey)
    {
        var errors = new ValidationErrors().CheckKey(idempotencyKey, required: false)
            .Check(request.SampleId is { } s && s != Guid.Empty, "sampleId", "sampleId is required.")
            .CheckMeasures(request.Name, request.PrepKit, request.FragmentSizeBp, request.ConcentrationNgUl, request.VolumeUl)
            .CheckTarget(request.TargetReads)
            .Check(request.Index is not null, "index", "index is required: {kitId, well}, {kitId, i7Name, i5Name?} or {index1, index2?}.");
        return errors.IsValid ? null : errors.ToProblem();
    }

    /// <summary>
    /// The sample, read from Samples with the caller's token, when a library may be made of it: (null, null) when Samples
    /// does not know it; a refusal when Samples is down, the caller only views its project, or its status does not allow one.
    /// </summary>
    private static async Task<(SampleInfo? Sample, ProblemHttpResult? Refused)> UsableSampleAsync(
        Guid sampleId, string authorization, ClaimsPrincipal user, SamplesClient samples, ProjectGate projects, CancellationToken ct)
    {
        SampleInfo? sample;
        try
        {
            sample = await samples.GetSampleAsync(sampleId, authorization, ct);
        }
        catch (SamplesUnavailableException e)
        {
            return (null, Endpoints.SamplesUnavailable(e.Message));
        }
        if (sample is null)
        {
            return (null, null);
        }
        if (projects.WriteRefusal(await projects.ForAsync(user, ct), sample.ProjectId) is { } refused)
        {
            return (sample, refused); // a viewer of the sample's project (403); Samples has already hidden the rest
        }
        return LibraryRules.SampleStatusesForLibraries.Contains(sample.Status)
            ? (sample, null)
            : (sample, Endpoints.Conflict($"A library cannot be made from a sample that is {sample.Status}.",
                $"The sample must be {string.Join(", ", LibraryRules.SampleStatusesForLibraries)}.",
                new Dictionary<string, object?> { ["sampleId"] = sample.Id, ["sampleStatus"] = sample.Status }));
    }

    /// <summary>The sample's library_created event, before commit: if Samples cannot record it, the library is not made either.</summary>
    private static async Task<ProblemHttpResult?> RecordOnSampleAsync(
        SamplesClient samples, Guid sampleId, Guid libraryId, string barcode, string authorization, CancellationToken ct)
    {
        try
        {
            // Samples keys the event by library id, so its retries (or a commit lost after it) never write it twice.
            await samples.RecordLibraryCreatedAsync(sampleId, libraryId, barcode, authorization, ct);
            return null;
        }
        catch (SamplesUnavailableException e)
        {
            return Endpoints.SamplesUnavailable(e.Message);
        }
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
        var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds; // rule 1: rows and totals of the caller's projects only
        await using var connection = await db.OpenConnectionAsync(ct);
        var (total, rows) = await LibraryStore.PageAsync(connection, sampleId, poolId, status, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), visible, paging);
        return TypedResults.Ok(new PagedResult<LibraryDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<LibraryDto>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource db, ProjectGate projects, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var library = await LibraryStore.LoadAsync(connection, id);
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
        if (CheckUpdate(request) is { } invalid)
        {
            return invalid;
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var (index, indexErrors) = request.Index is null ? (null, null) : await ResolveIndexAsync(connection, request.Index);
        if (indexErrors is not null)
        {
            return indexErrors;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (index is not null)
        {
            await PoolGuards.LockPoolsOfAsync(connection, tx, id);
        }
        var (before, refused) = await LockWritableAsync(connection, tx, id, user, projects, ct);
        if (before is null)
        {
            return refused!;
        }
        if (index is not null && await LibraryStore.IsOnRunAsync(connection, tx, id))
        {
            return Endpoints.Conflict("The index of a library on a run cannot change.",
                "The library is in a pool that is on a run: its sample sheet depends on this index.");
        }
        await LibraryStore.UpdateAsync(connection, tx, id, request, index, clock.GetUtcNow());
        if (index is not null && await PoolGuards.CollisionAfterIndexChangeAsync(connection, tx, id) is { } collision)
        {
            return collision;
        }
        var after = (await LibraryStore.LoadAsync(connection, id, tx))!;
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "updated", new { before = before.ToDto(), after = after.ToDto() });
        await tx.CommitAsync(ct);
        return TypedResults.Ok(after.ToDto());
    }

    private static ValidationProblem? CheckUpdate(UpdateLibraryRequest request)
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
        return errors.IsValid ? null : errors.ToProblem();
    }

    /// <summary>Locks the library for a change: 404 when there is none, 403 when the caller only views its project.</summary>
    private static async Task<(Library? Library, ProblemHttpResult? Refused)> LockWritableAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, ClaimsPrincipal user, ProjectGate projects, CancellationToken ct)
    {
        var library = await LibraryStore.LoadAsync(connection, id, tx, forUpdate: true);
        if (library is null)
        {
            return (null, Endpoints.NotFound("library"));
        }
        return projects.WriteRefusal(await projects.ForAsync(user, ct), library.ProjectId) is { } refused ? (null, refused) : (library, null);
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
        var (library, refused) = await LockWritableAsync(connection, tx, id, user, projects, ct);
        if (library is null)
        {
            return refused!;
        }
        if (library.Status is LibraryRules.Failed or LibraryRules.Archived)
        {
            return Endpoints.Conflict($"A library that is {library.Status} does not change status any more.", null,
                new Dictionary<string, object?> { ["from"] = library.Status, ["to"] = request.To });
        }
        await LibraryStore.SetStatusAsync(connection, tx, id, request.To!, request.Reason!.Trim(), clock.GetUtcNow());
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "status_changed",
            new { from = library.Status, to = request.To, reason = request.Reason.Trim() });
        var changed = (await LibraryStore.LoadAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(changed.ToDto());
    }

    public static async Task<Results<Ok<IReadOnlyList<SequencingEventDto>>, ProblemHttpResult>> EventsAsync(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource db, ProjectGate projects, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var library = await LibraryStore.LoadAsync(connection, id);
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
        return errors.IsValid ? await KitIndexAsync(connection, request.KitId.Value, request, errors) : (null, errors.ToProblem());
    }

    /// <summary>A kit's index, by well or by index names, checked against what the stored kit has.</summary>
    private static async Task<(ResolvedIndex? Index, ValidationProblem? Errors)> KitIndexAsync(
        NpgsqlConnection connection, Guid kitId, LibraryIndexRequest request, ValidationErrors errors)
    {
        var kit = await IndexKitStore.KitAsync(connection, kitId);
        if (kit.Id == Guid.Empty)
        {
            return (null, errors.Add("index.kitId", "No index kit has this id.").ToProblem());
        }
        var (i7Name, i5Name, well) = (request.I7Name?.Trim(), request.I5Name?.Trim(), (string?)null);
        if (request.Well is not null)
        {
            Kits.IndexKitRules.Well(request.Well, out var normalized);
            if (await IndexKitStore.WellAsync(connection, kit.Id, normalized ?? request.Well) is not { } found)
            {
                return (null, errors.Add("index.well", kit.FixedLayout
                    ? $"The kit {kit.Name} has no well {request.Well}."
                    : $"The kit {kit.Name} has no fixed layout; give i7Name (and i5Name).").ToProblem());
            }
            (i7Name, i5Name, well) = (found.I7Name, found.I5Name, normalized);
        }
        var sequences = await IndexKitStore.SequencesAsync(connection, kit.Id, i7Name, i5Name);
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
