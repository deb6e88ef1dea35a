using TracSeq.ServiceDefaults.Data;
using Microsoft.AspNetCore.Mvc;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Npgsql;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Projects;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Qc;

public sealed record QcTarget(string? Kind, Guid? Id);

/// <summary>Units are part of the names: ng/µL, nM, bp; RIN and DIN 1–10; absorbance ratios.</summary>
public sealed record QcResults(
    decimal? ConcentrationNgUl, decimal? ConcentrationNm, decimal? Rin, decimal? Din, decimal? AverageSizeBp, decimal? A260280, decimal? A260230);

public sealed record CreateQcRequest(
    QcTarget? Target, string? Type, DateTimeOffset? MeasuredAt, string? Instrument, QcResults? Results, string? Outcome, string? Notes);

public sealed record QcMeasurementDto(
    Guid Id, string TargetKind, Guid TargetId, string Type, DateTime MeasuredAt, string? Instrument, QcResults Results, string Outcome,
    string? Notes, Guid CreatedBy, DateTime CreatedAt);

/// <summary>
/// QC measurements on samples, libraries and pools. Append-only (the database refuses UPDATE and DELETE): a
/// re-measure is a new record, and the target's page shows the latest per type. A failing QC changes no status.
/// </summary>
public static class QcApi
{
    public const string TargetSample = "sample";
    public const string TargetLibrary = "library";
    public const string TargetPool = "pool";
    private static readonly string[] Kinds = [TargetSample, TargetLibrary, TargetPool];

    public static RouteGroupBuilder MapQcApi(this IEndpointRouteBuilder app)
    {
        var qc = app.MapGroup("/api/qc").WithTags("QC");
        qc.MapPost("/", CreateAsync).Write(SequencingPolicies.LabWork, "Record a QC measurement",
            "target {kind: sample|library|pool, id}, type (qubit, nanodrop, bioanalyzer, tapestation, qpcr, fragment_analyzer, other), " +
            "measuredAt (not in the future), results {concentrationNgUl, concentrationNm, rin, din, averageSizeBp, a260280, a260230}, " +
            "outcome pass|fail|borderline. Append-only; a sample target is looked up in Samples with your token." +
            " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing;" +
            " the key with another body is 422.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        qc.MapGet("/", ListAsync).Documented("List QC measurements", "Filter by targetKind and targetId; newest measurement first; paged.");
        return qc;
    }

    public const string CreateScope = "qc.create";

    public static async Task<Results<Created<QcMeasurementDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateQcRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http,
        NpgsqlDataSource db, SamplesClient samples, TimeProvider clock, ProjectGate projects, CancellationToken ct)
    {
        var errors = Validate(request, clock.GetUtcNow()).CheckKey(idempotencyKey, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var (kind, targetId) = (request.Target!.Kind!, request.Target.Id!.Value);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await TargetRefusalAsync(connection, samples, http, projects, user, kind, targetId, ct) is { } refusal)
        {
            return refusal.Problem is { } problem ? problem : refusal.Invalid!;
        }
        var id = Guid.CreateVersion7();
        var results = request.Results ?? new QcResults(null, null, null, null, null, null, null);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var location = $"/api/qc?targetKind={kind}&targetId={targetId}";
        if (await Idempotency.EarlierAnswerAsync(connection, tx, http, user, CreateScope, idempotencyKey, request, _ => location) is { } earlier)
        {
            return earlier.KeyReused is { } reused ? reused : earlier.Replayed!;
        }
        var created = await QcStore.InsertAsync(
            connection, tx, id, kind, targetId, request, Blank(request.Instrument), results, Blank(request.Notes), user.GetUserId());
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Qc, id, "created",
            new { targetKind = kind, targetId, request.Type, request.Outcome });
        await Idempotency.CompleteAsync(connection, tx, user, CreateScope, idempotencyKey, StatusCodes.Status201Created, created);
        await tx.CommitAsync(ct);
        SequencingMetrics.QcResults.WithLabels(request.Type!, request.Outcome!).Inc();
        return TypedResults.Created(location, created);
    }

    /// <summary>Why the caller cannot measure this target: Samples down (503), a viewer (403), or a target they cannot see (400).</summary>
    private sealed record TargetRefusal(ProblemHttpResult? Problem, ValidationProblem? Invalid);

    private static async Task<TargetRefusal?> TargetRefusalAsync(NpgsqlConnection connection, SamplesClient samples, HttpContext http,
        ProjectGate projects, ClaimsPrincipal user, string kind, Guid targetId, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        (bool Exists, Guid? ProjectId) target;
        try
        {
            target = await TargetAsync(connection, samples, http, kind, targetId, access, ct);
        }
        catch (SamplesUnavailableException e)
        {
            return new(Endpoints.SamplesUnavailable(e.Message), null);
        }
        // Another project's target is refused as one that never existed (rule 1); a viewer's measurement is 403 (rule 4).
        var verdict = target.Exists ? access.WriteVerdict(target.ProjectId, projects.Denials) : ProjectVerdict.Invisible;
        return verdict switch
        {
            ProjectVerdict.ReadOnly => new(LibraryProjects.ViewerOnly(), null),
            ProjectVerdict.Invisible => new(null, new ValidationErrors().Add("target.id", $"No {kind} has this id.").ToProblem()),
            _ => null,
        };
    }

    /// <summary>Whether the target exists and its project: a sample's from Samples (asked with the caller's token, so
    /// another project's is absent), a library's its own, a pool none (the facility's).</summary>
    private static async Task<(bool Exists, Guid? ProjectId)> TargetAsync(
        NpgsqlConnection connection, SamplesClient samples, HttpContext http, string kind, Guid targetId, ProjectAccess access, CancellationToken ct)
    {
        switch (kind)
        {
            case TargetSample:
                var sample = await samples.GetSampleAsync(targetId, http.Request.Headers[HeaderNames.Authorization].ToString(), ct);
                return (sample is not null, sample?.ProjectId);
            case TargetLibrary:
                var library = await QcStore.LibraryAsync(connection, targetId);
                return (library is not null, library?.ProjectId);
            default:
                var pool = access.IsStaff && await QcStore.PoolExistsAsync(connection, targetId);
                return (pool, null);
        }
    }

    private static ValidationErrors Validate(CreateQcRequest request, DateTimeOffset now)
    {
        var errors = new ValidationErrors()
            .Check(request.Target is not null, "target", "target {kind, id} is required.")
            .Check(
                request.Type is not null && SequencingMetrics.QcTypes.Contains(request.Type),
                "type",
                $"type must be one of: {string.Join(", ", SequencingMetrics.QcTypes)}.")
            .Check(
                request.Outcome is not null && SequencingMetrics.QcOutcomes.Contains(request.Outcome),
                "outcome",
                "outcome must be pass, fail or borderline.")
            .Check(request.MeasuredAt is not null, "measuredAt", "measuredAt is required.")
            .Check(request.MeasuredAt is null || request.MeasuredAt <= now.AddMinutes(5), "measuredAt", "measuredAt cannot be in the future.")
            .Text("instrument", request.Instrument, 200, required: false)
            .Text("notes", request.Notes, 2000, required: false);
        if (request.Target is { } target)
        {
            errors.Check(target.Kind is not null && Kinds.Contains(target.Kind), "target.kind", "target.kind must be sample, library or pool.")
                .Check(target.Id is { } id && id != Guid.Empty, "target.id", "target.id is required.");
        }
        if (request.Results is { } r)
        {
            errors.Check(r.ConcentrationNgUl is null or (>= 0 and <= 100_000), "results.concentrationNgUl", "concentrationNgUl must be 0 to 100000 ng/µL.")
                .Check(r.ConcentrationNm is null or (>= 0 and <= 1_000_000), "results.concentrationNm", "concentrationNm must be 0 to 1000000 nM.")
                .Check(r.Rin is null or (>= 1 and <= 10), "results.rin", "rin must be 1 to 10.")
                .Check(r.Din is null or (>= 1 and <= 10), "results.din", "din must be 1 to 10.")
                .Check(r.AverageSizeBp is null or (>= 1 and <= 100_000), "results.averageSizeBp", "averageSizeBp must be 1 to 100000 bp.")
                .Check(r.A260280 is null or (>= 0 and <= 5), "results.a260280", "a260280 must be 0 to 5.")
                .Check(r.A260230 is null or (>= 0 and <= 5), "results.a260230", "a260230 must be 0 to 5.");
        }
        return errors;
    }

    public static async Task<Results<Ok<PagedResult<QcMeasurementDto>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? targetKind, Guid? targetId, int? page, int? pageSize, ClaimsPrincipal user, HttpContext http, NpgsqlDataSource db,
        SamplesClient samples, ProjectGate projects, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Check(targetKind is null || Kinds.Contains(targetKind), "targetKind", "targetKind must be sample, library or pool.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        // Rule 1: staff see every measurement; anyone else those of their projects' libraries, and of one sample when
        // they name it and Samples shows it to them (a sample's project lives in Samples); never a pool's.
        var access = await projects.ForAsync(user, ct);
        Guid? visibleSample = null;
        try
        {
            if (!access.IsStaff && targetKind == TargetSample && targetId is { } sampleId &&
                await samples.GetSampleAsync(sampleId, http.Request.Headers[HeaderNames.Authorization].ToString(), ct) is not null)
            {
                visibleSample = sampleId;
            }
        }
        catch (SamplesUnavailableException e)
        {
            return Endpoints.SamplesUnavailable(e.Message);
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var (total, rows) = await QcStore.PageAsync(connection, targetKind, targetId, access.IsStaff, access.VisibleProjectIds ?? [], visibleSample, paging);
        return TypedResults.Ok(new PagedResult<QcMeasurementDto>([.. rows], paging.Page, paging.PageSize, total));
    }

    /// <summary>The most recent measurement of each type for one target (what its page shows).</summary>
    public static Task<IReadOnlyList<QcMeasurementDto>> LatestPerTypeAsync(NpgsqlConnection connection, string kind, Guid targetId) =>
        QcStore.LatestPerTypeAsync(connection, kind, targetId);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
