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
using TracSeq.Sequencing.SamplesService;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Qc;

public sealed record QcTarget(string? Kind, Guid? Id);

/// <summary>Units are part of the names: ng/µL, nM, bp; RIN and DIN 1–10; absorbance ratios.</summary>
public sealed record QcResults(
    decimal? ConcentrationNgUl, decimal? ConcentrationNm, decimal? Rin, decimal? Din, decimal? AverageSizeBp, decimal? A260280, decimal? A260230);

public sealed record CreateQcRequest(QcTarget? Target, string? Type, DateTimeOffset? MeasuredAt, string? Instrument, QcResults? Results, string? Outcome, string? Notes);

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
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Columns = "id, target_kind, target_id, type, measured_at, instrument, results::text AS results, outcome, notes, created_by, created_at";

    public static RouteGroupBuilder MapQcApi(this IEndpointRouteBuilder app)
    {
        var qc = app.MapGroup("/api/qc").WithTags("QC");
        qc.MapPost("/", CreateAsync).Write(SequencingPolicies.LabWork, "Record a QC measurement",
            "target {kind: sample|library|pool, id}, type (qubit, nanodrop, bioanalyzer, tapestation, qpcr, fragment_analyzer, other), " +
            "measuredAt (not in the future), results {concentrationNgUl, concentrationNm, rin, din, averageSizeBp, a260280, a260230}, " +
            "outcome pass|fail|borderline. Append-only; a sample target is looked up in Samples with your token." +
            " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing; the key with another body is 422.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        qc.MapGet("/", ListAsync).Documented("List QC measurements", "Filter by targetKind and targetId; newest measurement first; paged.");
        return qc;
    }

    public const string CreateScope = "qc.create";

    public static async Task<Results<Created<QcMeasurementDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateQcRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http, NpgsqlDataSource db, SamplesClient samples, TimeProvider clock,
        ProjectGate projects, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = Validate(request, now).CheckKey(idempotencyKey, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var (kind, targetId) = (request.Target!.Kind!, request.Target.Id!.Value);
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        (bool Exists, Guid? ProjectId) target;
        try
        {
            target = await TargetAsync(connection, samples, http, kind, targetId, access, ct);
        }
        catch (SamplesUnavailableException e)
        {
            return Endpoints.SamplesUnavailable(e.Message);
        }
        // Another project's target is refused as one that never existed (rule 1); a viewer's measurement is 403 (rule 4).
        var verdict = target.Exists ? access.WriteVerdict(target.ProjectId, projects.Denials) : ProjectVerdict.Invisible;
        if (verdict == ProjectVerdict.ReadOnly)
        {
            return LibraryProjects.ViewerOnly();
        }
        if (verdict == ProjectVerdict.Invisible)
        {
            return new ValidationErrors().Add("target.id", $"No {kind} has this id.").ToProblem();
        }

        var id = Guid.CreateVersion7();
        var results = request.Results ?? new QcResults(null, null, null, null, null, null, null);
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
                return IdempotencyRecords.Replay(http, claim, $"/api/qc?targetKind={kind}&targetId={targetId}");
            }
        }
        await connection.ExecuteAsync(
            """
            INSERT INTO qc_measurements (id, target_kind, target_id, type, measured_at, instrument, results, outcome, notes, created_by)
            VALUES (@id, @kind, @targetId, @Type, @measuredAt, @instrument, @results::jsonb, @Outcome, @notes, @createdBy)
            """,
            new
            {
                id, kind, targetId, request.Type, measuredAt = request.MeasuredAt!.Value.UtcDateTime, instrument = Blank(request.Instrument),
                results = JsonSerializer.Serialize(results, Json), request.Outcome, notes = Blank(request.Notes), createdBy = user.GetUserId(),
            }, tx);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Qc, id, "created",
            new { targetKind = kind, targetId, request.Type, request.Outcome });
        var created = (await connection.QuerySingleAsync<QcRow>($"SELECT {Columns} FROM qc_measurements WHERE id = @id", new { id }, tx)).ToDto();
        if (idempotencyKey is not null)
        {
            await IdempotencyRecords.CompleteAsync(connection, tx, CreateScope, user.GetUserId(), idempotencyKey, StatusCodes.Status201Created, created);
        }
        await tx.CommitAsync(ct);
        SequencingMetrics.QcResults.WithLabels(request.Type!, request.Outcome!).Inc();
        return TypedResults.Created($"/api/qc?targetKind={kind}&targetId={targetId}", created);
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
                var library = await connection.QuerySingleOrDefaultAsync<(Guid Id, Guid? ProjectId)?>(
                    "SELECT id, project_id FROM libraries WHERE id = @targetId", new { targetId });
                return (library is not null, library?.ProjectId);
            default:
                var pool = access.IsStaff && await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pools WHERE id = @targetId)", new { targetId });
                return (pool, null);
        }
    }

    private static ValidationErrors Validate(CreateQcRequest request, DateTimeOffset now)
    {
        var errors = new ValidationErrors()
            .Check(request.Target is not null, "target", "target {kind, id} is required.")
            .Check(request.Type is not null && SequencingMetrics.QcTypes.Contains(request.Type), "type", $"type must be one of: {string.Join(", ", SequencingMetrics.QcTypes)}.")
            .Check(request.Outcome is not null && SequencingMetrics.QcOutcomes.Contains(request.Outcome), "outcome", "outcome must be pass, fail or borderline.")
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
        const string where = """
            (@targetKind::text IS NULL OR target_kind = @targetKind) AND (@targetId::uuid IS NULL OR target_id = @targetId)
            AND (@staff OR (target_kind = 'library' AND target_id IN (SELECT id FROM libraries WHERE project_id = ANY(@visible)))
                        OR (target_kind = 'sample' AND target_id = @visibleSample))
            """;
        var parameters = new
        {
            targetKind, targetId, staff = access.IsStaff, visible = access.VisibleProjectIds ?? [], visibleSample,
            limit = paging.PageSize, offset = paging.Offset,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM qc_measurements WHERE {where}", parameters);
        var rows = await connection.QueryAsync<QcRow>(
            $"SELECT {Columns} FROM qc_measurements WHERE {where} ORDER BY measured_at DESC, id DESC LIMIT @limit OFFSET @offset", parameters);
        return TypedResults.Ok(new PagedResult<QcMeasurementDto>([.. rows.Select(r => r.ToDto())], paging.Page, paging.PageSize, total));
    }

    /// <summary>The most recent measurement of each type for one target (what its page shows).</summary>
    public static async Task<IReadOnlyList<QcMeasurementDto>> LatestPerTypeAsync(NpgsqlConnection connection, string kind, Guid targetId) =>
        [.. (await connection.QueryAsync<QcRow>(
            $"""
            SELECT DISTINCT ON (type) {Columns} FROM qc_measurements
            WHERE target_kind = @kind AND target_id = @targetId ORDER BY type, measured_at DESC, id DESC
            """, new { kind, targetId })).Select(r => r.ToDto())];

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class QcRow
    {
        public Guid Id { get; init; }
        public string TargetKind { get; init; } = "";
        public Guid TargetId { get; init; }
        public string Type { get; init; } = "";
        public DateTime MeasuredAt { get; init; }
        public string? Instrument { get; init; }
        public string Results { get; init; } = "{}";
        public string Outcome { get; init; } = "";
        public string? Notes { get; init; }
        public Guid CreatedBy { get; init; }
        public DateTime CreatedAt { get; init; }

        public QcMeasurementDto ToDto() => new(Id, TargetKind, TargetId, Type, MeasuredAt, Instrument,
            JsonSerializer.Deserialize<QcResults>(Results, Json)!, Outcome, Notes, CreatedBy, CreatedAt);
    }
}
