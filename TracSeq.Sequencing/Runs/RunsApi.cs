using TracSeq.ServiceDefaults.Data;
using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Outbox;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Kits;
using TracSeq.Sequencing.Projects;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;
using TracSeq.Sequencing.SamplesService;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Sequencing.IndexChecks;

namespace TracSeq.Sequencing.Runs;

public sealed record ReadsRequest(int? Read1Cycles, int? Read2Cycles, int? Index1Cycles, int? Index2Cycles);
public sealed record LaneRequest(int? Lane, Guid? PoolId);

public sealed record CreateRunRequest(
    string? Name, string? Instrument, string? Chemistry, string? FlowcellId, ReadsRequest? Reads, IReadOnlyList<LaneRequest?>? Lanes,
    int? BarcodeMismatchesIndex1, int? BarcodeMismatchesIndex2);

public sealed record RunStatusChangeRequest(string? To, string? Reason);

public sealed record RunLibraryDto(Guid Id, string Barcode, string Name, Guid SampleId, string SampleBarcode, string Index1, string? Index2);
public sealed record RunPoolDto(Guid Id, string Barcode, string Name, IReadOnlyList<RunLibraryDto> Libraries);
public sealed record RunLaneDto(int Lane, IReadOnlyList<RunPoolDto> Pools);
public sealed record RunSampleDto(Guid Id, string Barcode);
public sealed record RunStatusChangeDto(string? From, string To, string? Reason, Guid ActorId, string? ActorEmail, DateTime At, string? TraceId);

public sealed record RunDto(
    Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId, ReadCycles Reads,
    int BarcodeMismatchesIndex1, int BarcodeMismatchesIndex2, string Status, IReadOnlyList<RunLaneDto> Lanes,
    IReadOnlyList<RunSampleDto> Samples, IReadOnlyList<RunStatusChangeDto> History, DateTime CreatedAt, DateTime UpdatedAt,
    DateTime? ResultsImportedAt = null, string? Verdict = null);

public sealed record RunSummary(Guid Id, string Name, string Instrument, string FlowcellId, string Status, DateTime CreatedAt);


/// <summary>The run lifecycle, in one place.</summary>
public static class RunStatuses
{
    public const string Planned = "planned";
    public const string Sequencing = "sequencing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    private static readonly Dictionary<string, string[]> Moves = new(StringComparer.Ordinal)
    {
        [Planned] = [Sequencing, Cancelled],
        [Sequencing] = [Completed, Failed],
        [Completed] = [],
        [Failed] = [],
        [Cancelled] = [],
    };

    public static IReadOnlyList<string> All { get; } = [Planned, Sequencing, Completed, Failed, Cancelled];

    public static IReadOnlyList<string> AllowedMoves(string from) => Moves.TryGetValue(from, out var to) ? to : [];

    /// <summary>Where the run's samples go when the run moves; null when they stay (cancelling a planned run).</summary>
    public static string? SampleStatusFor(string to) => to switch
    {
        Sequencing => "in_sequencing",
        Completed => "completed",
        Failed => "failed",
        _ => null,
    };
}

/// <summary>
/// Runs: pools on the lanes of a flow cell. Creating one checks the instrument, its lanes, the read cycles against
/// the indices and every lane for collisions. Moving one moves its samples through Samples first, and records the
/// run's own move only once Samples has committed: all or nothing across the two services, safe to retry.
/// </summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs").WithTags("Runs");
        runs.MapPost("/", CreateAsync).Write(SequencingPolicies.FacilityWork, "Plan a run",
                $"Instrument one of {string.Join(", ", Instruments.All)} (chemistry v1.0|v1.5 for the NovaSeq6000 only), lanes within " +
                "the instrument's flow cell, indices no longer than the index cycles (shorter ones are masked), run name of letters, " +
                "digits, spaces, '-' and '_'. Every lane's libraries are checked for collisions: 409 naming the lane and pairs." +
                " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing; the key with another body is 422.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        runs.MapGet("/", ListAsync).Documented("List runs", "Newest first; filter by status; paged. Facility staff only: empty for anyone else.");
        runs.MapGet("/{id:guid}", GetAsync).Documented("One run", "Lanes, pools, libraries, samples and the run's status history. Facility staff only.")
            .ProducesProblem(StatusCodes.Status404NotFound).FacilityOnly("run");
        runs.MapPost("/{id:guid}/status", ChangeStatusAsync).Write(SequencingPolicies.FacilityWork, "Move a run",
                "planned → sequencing → completed | failed, planned → cancelled (failed needs a reason). Samples move with the run " +
                "(in_sequencing, completed, failed; libraries become sequenced on completion), all or nothing: a sample Samples " +
                "refuses is 409, Samples down is 503, and the run keeps its status. Retrying is safe.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"to": "sequencing"}""").FacilityOnly("run");
        runs.MapGet("/{id:guid}/samplesheet", SampleSheetAsync).Documented("Download the run's sample sheet",
                "format=v2 (BCL Convert, default) or v1 (bcl2fastq); text/csv as an attachment named SampleSheet.csv, i5 in the " +
                "orientation the instrument and format need, OverrideCycles when indices are shorter than the index cycles.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).FacilityOnly("run"); // it names every group's samples
        runs.MapGet("/{id:guid}/events", EventsAsync).Documented("A run's audit trail", "Every write to the run: who, when, what and the trace id.")
            .ProducesProblem(StatusCodes.Status404NotFound).FacilityOnly("run");
        return runs;
    }

    public const string CreateScope = "run.create";

    public static async Task<Results<Created<RunDto>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRunRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var (errors, chemistry) = Validate(request);
        errors.CheckKey(idempotencyKey, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var lanes = request.Lanes!.Select(l => (Lane: l!.Lane!.Value, PoolId: l.PoolId!.Value)).ToList();
        var reads = new ReadCycles(request.Reads!.Read1Cycles!.Value, request.Reads.Read2Cycles ?? 0, request.Reads.Index1Cycles ?? 0, request.Reads.Index2Cycles ?? 0);
        var (m1, m2) = (request.BarcodeMismatchesIndex1 ?? 1, request.BarcodeMismatchesIndex2 ?? 1);

        await using var connection = await db.OpenConnectionAsync(ct);
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
                return IdempotencyRecords.Replay(http, claim, $"/api/runs/{IdempotencyRecords.StoredId(claim)}");
            }
        }
        var poolIds = lanes.Select(l => l.PoolId).Distinct().ToArray();
        var known = await LockPoolsAsync(connection, tx, poolIds);
        for (var i = 0; i < lanes.Count; i++)
        {
            errors.Check(known.Contains(lanes[i].PoolId), Field($"lanes[{i}].poolId"), $"No pool has the id {lanes[i].PoolId}.");
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var members = await LockMembersAsync(connection, tx, poolIds);
        var laneLibraries = lanes.GroupBy(l => l.Lane)
            .Select(g => (g.Key, (IReadOnlyList<LaneLibrary>)[.. g.SelectMany(l => members[l.PoolId]).DistinctBy(m => m.Id)])).ToList();
        if (CheckSize(laneLibraries, reads, errors) is { } invalid)
        {
            return invalid;
        }
        if (await PoolsOnActiveRunsAsync(connection, tx, poolIds) is { } busy)
        {
            return busy;
        }
        var collisions = LanePlan.Collisions(laneLibraries, reads, m1, m2);
        if (collisions.Count > 0)
        {
            SequencingMetrics.IndexCollisions.WithLabels("run").Inc(collisions.Sum(c => c.TotalCollisions));
            return Endpoints.Conflict(
                $"Libraries on lane(s) {string.Join(", ", collisions.Select(c => c.Lane))} have indices too similar to tell apart; nothing was created.",
                $"Each lane lists its first {IndexCollisionChecker.MaxReported} colliding pairs by library barcode, with totalCollisions and truncated.",
                new Dictionary<string, object?> { ["lanes"] = collisions });
        }

        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(
            """
            INSERT INTO runs (id, name, instrument, chemistry, flowcell_id, read1_cycles, read2_cycles, index1_cycles, index2_cycles,
                              barcode_mismatches_index1, barcode_mismatches_index2, status, created_by)
            VALUES (@id, @name, @Instrument, @chemistry, @flowcellId, @Read1Cycles, @Read2Cycles, @Index1Cycles, @Index2Cycles, @m1, @m2, 'planned', @createdBy)
            """,
            new
            {
                id, name = request.Name!.Trim(), request.Instrument, chemistry, flowcellId = request.FlowcellId!.Trim(), reads.Read1Cycles,
                reads.Read2Cycles, reads.Index1Cycles, reads.Index2Cycles, m1, m2, createdBy = user.GetUserId(),
            }, tx);
        await connection.ExecuteAsync("INSERT INTO run_lanes (run_id, lane, pool_id) VALUES (@id, @Lane, @PoolId)",
            lanes.Distinct().Select(l => new { id, l.Lane, l.PoolId }), tx);
        await RecordStatusAsync(connection, tx, user, id, null, RunStatuses.Planned, null);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Run, id, "created",
            new { name = request.Name.Trim(), request.Instrument, chemistry, reads, lanes = lanes.Select(l => new { lane = l.Lane, poolId = l.PoolId }) });
        var run = (await LoadAsync(connection, id, tx))!;
        if (idempotencyKey is not null)
        {
            await IdempotencyRecords.CompleteAsync(connection, tx, CreateScope, user.GetUserId(), idempotencyKey, StatusCodes.Status201Created, run);
        }
        await tx.CommitAsync(ct);
        SequencingMetrics.Runs.WithLabels(RunStatuses.Planned).Inc();
        return TypedResults.Created($"/api/runs/{id}", run);
    }

    /// <summary>
    /// Locks the run's pools, then their libraries, each in id order: the order pool creation and library edits take
    /// too, so a library's index cannot change between this check and the run's commit, and two runs cannot take one
    /// pool at once. Returns the pools that exist.
    /// </summary>
    private static async Task<HashSet<Guid>> LockPoolsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds) =>
        (await connection.QueryAsync<Guid>("SELECT id FROM pools WHERE id = ANY(@poolIds) ORDER BY id FOR UPDATE", new { poolIds }, tx)).ToHashSet();

    private static async Task<ILookup<Guid, LaneLibrary>> LockMembersAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds)
    {
        await connection.ExecuteAsync(
            "SELECT id FROM libraries WHERE id IN (SELECT library_id FROM pool_libraries WHERE pool_id = ANY(@poolIds)) ORDER BY id FOR SHARE",
            new { poolIds }, tx);
        return (await connection.QueryAsync<(Guid PoolId, Guid Id, string Barcode, Guid SampleId, string Index1, string? Index2)>(
            """
            SELECT pl.pool_id, l.id, l.barcode, l.sample_id, l.index1, l.index2
            FROM pool_libraries pl JOIN libraries l ON l.id = pl.library_id WHERE pl.pool_id = ANY(@poolIds) ORDER BY pl.position
            """, new { poolIds }, tx)).ToLookup(m => m.PoolId, m => new LaneLibrary(m.Id, m.Barcode, m.SampleId, m.Index1, m.Index2));
    }

    /// <summary>
    /// A run that could never move is refused now: more libraries than a lane or run may hold, more samples than Samples
    /// moves in one call, or an index longer than its read (the sheet could not describe it).
    /// </summary>
    private static ValidationProblem? CheckSize(IReadOnlyList<(int Lane, IReadOnlyList<LaneLibrary> Libraries)> lanes, ReadCycles reads, ValidationErrors errors)
    {
        if (LanePlan.TooLarge(lanes) is { } tooLarge)
        {
            return errors.Add(tooLarge.Field, tooLarge.Message).ToProblem();
        }
        foreach (var library in lanes.SelectMany(l => l.Libraries).DistinctBy(l => l.Id))
        {
            if (reads.IndexDoesNotFit(library.Index1, library.Index2) is { } problem)
            {
                errors.Add(library.Index1.Length > reads.Index1Cycles ? "reads.index1Cycles" : "reads.index2Cycles", $"Library {library.Barcode}: {problem}");
            }
        }
        return errors.IsValid ? null : errors.ToProblem();
    }

    /// <summary>
    /// A pool already on a planned or sequencing run: its samples would move with that run, and this run could never
    /// start (Samples refuses to move them again), so it is refused now.
    /// </summary>
    private static async Task<ProblemHttpResult?> PoolsOnActiveRunsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds)
    {
        var busy = (await connection.QueryAsync<(string Pool, string Run, string Status)>(
            """
            SELECT DISTINCT p.barcode, r.name, r.status FROM run_lanes rl JOIN runs r ON r.id = rl.run_id JOIN pools p ON p.id = rl.pool_id
            WHERE rl.pool_id = ANY(@poolIds) AND r.status IN ('planned', 'sequencing') ORDER BY p.barcode
            """, new { poolIds }, tx)).ToList();
        return busy.Count == 0 ? null : Endpoints.Conflict(
            $"Pool {busy[0].Pool} is already on run {busy[0].Run}, which is {busy[0].Status}; nothing was created.",
            "A pool is on one active run at a time: complete, fail or cancel that run first.",
            new Dictionary<string, object?> { ["pools"] = busy.Select(b => new { pool = b.Pool, run = b.Run, status = b.Status }).ToList() });
    }

    private static (ValidationErrors Errors, string? Chemistry) Validate(CreateRunRequest request)
    {
        var errors = new ValidationErrors()
            .Check(RunNames.IsValid(request.Name), "name", $"name must be 1 to {RunNames.MaxLength} letters, digits, spaces, '-' or '_'.")
            .Check(Instruments.IsKnown(request.Instrument), "instrument", $"instrument must be one of: {string.Join(", ", Instruments.All)}.")
            .Check(request.FlowcellId is { Length: > 0 and <= 100 } f && f.Trim().Length > 0 && f.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
                "flowcellId", "flowcellId is required: up to 100 letters, digits, '-' or '_'.")
            .CheckMismatches(request.BarcodeMismatchesIndex1, request.BarcodeMismatchesIndex2)
            .Check(request.Reads is not null, "reads", "reads {read1Cycles, read2Cycles, index1Cycles, index2Cycles} is required.")
            .Check(request.Lanes is { Count: > 0 and <= 64 }, "lanes", "lanes must list 1 to 64 {lane, poolId}.");
        string? chemistry = null;
        if (Instruments.IsKnown(request.Instrument) && !Instruments.TryResolveChemistry(request.Instrument!, request.Chemistry, out chemistry))
        {
            errors.Add("chemistry", Instruments.HasChemistry(request.Instrument!)
                ? $"chemistry must be {Instruments.ChemistryV10} or {Instruments.ChemistryV15}."
                : $"A {request.Instrument} run has no chemistry choice; leave chemistry out.");
        }
        if (request.Reads is { } r)
        {
            errors.Check(r.Read1Cycles is not null, "reads.read1Cycles", "reads.read1Cycles is required.");
            foreach (var (field, message) in new ReadCycles(r.Read1Cycles ?? 1, r.Read2Cycles ?? 0, r.Index1Cycles ?? 0, r.Index2Cycles ?? 0).Problems())
            {
                errors.Add($"reads.{field}", message);
            }
        }
        var laneCount = Instruments.IsKnown(request.Instrument) ? Instruments.LaneCount(request.Instrument!) : 8;
        for (var i = 0; request.Lanes is not null && i < request.Lanes.Count; i++)
        {
            var lane = request.Lanes[i];
            errors.Check(lane is not null, Field($"lanes[{i}]"), "A lane is an object {lane, poolId}.")
                .Check(lane is null || lane.Lane is { } n && n >= 1 && n <= laneCount, Field($"lanes[{i}].lane"),
                    string.Create(CultureInfo.InvariantCulture, $"lane must be 1 to {laneCount} on a {request.Instrument ?? "run"}."))
                .Check(lane is null || lane.PoolId is { } p && p != Guid.Empty, Field($"lanes[{i}].poolId"), "poolId is required.");
        }
        if (request.Lanes is not null && request.Lanes.All(l => l?.Lane is not null && l.PoolId is not null) &&
            request.Lanes.Select(l => (l!.Lane, l.PoolId)).Distinct().Count() != request.Lanes.Count)
        {
            errors.Add("lanes", "A pool is listed twice on the same lane.");
        }
        return (errors, chemistry);
    }

    public static async Task<Results<Ok<PagedResult<RunSummary>>, ValidationProblem>> ListAsync(
        string? status, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Check(status is null || RunStatuses.All.Contains(status), "status", $"status must be one of: {string.Join(", ", RunStatuses.All)}.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if (!LibraryProjects.SeesFacilityObjects(user))
        {
            return TypedResults.Ok(new PagedResult<RunSummary>([], paging.Page, paging.PageSize, 0));
        }
        var parameters = new { status, limit = paging.PageSize, offset = paging.Offset };
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM runs WHERE @status::text IS NULL OR status = @status", parameters);
        var rows = await connection.QueryAsync<RunSummary>(
            """
            SELECT id, name, instrument, flowcell_id AS flowcellid, status, created_at AS createdat FROM runs WHERE @status::text IS NULL OR status = @status
            ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset
            """, parameters);
        return TypedResults.Ok(new PagedResult<RunSummary>([.. rows], paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<RunDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, id) is { } run ? TypedResults.Ok(run) : Endpoints.NotFound("run");
    }

    public static async Task<Results<Ok<IReadOnlyList<SequencingEventDto>>, ProblemHttpResult>> EventsAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM runs WHERE id = @id)", new { id }))
        {
            return Endpoints.NotFound("run");
        }
        return TypedResults.Ok(await SequencingEvents.ListAsync(connection, EntityKinds.Run, id));
    }

    /// <summary>
    /// One run transition. The run row stays locked while Samples is asked, so two moves of one run queue. Samples
    /// commits first (keyed <c>run:{id}:{sample status}</c>); only its 2xx lets the run's own move commit. Should this
    /// service fail after Samples committed, the run is still in its old status, and the retry gets Samples' replayed
    /// answer and commits the run's move: exactly once on both sides.
    /// </summary>
    public static async Task<Results<Ok<RunDto>, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(
        Guid id, RunStatusChangeRequest request, ClaimsPrincipal user, HttpContext http, NpgsqlDataSource db, SamplesClient samples,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check(request.To is not null && RunStatuses.All.Contains(request.To), "to", $"to must be one of: {string.Join(", ", RunStatuses.All)}.")
            .Text("reason", request.Reason, 2000, required: request.To == RunStatuses.Failed);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var to = request.To!;
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var run = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string Status)?>(
            "SELECT id, name, status FROM runs WHERE id = @id FOR UPDATE", new { id }, tx);
        if (run is null)
        {
            return Endpoints.NotFound("run");
        }
        var from = run.Value.Status;
        if (!RunStatuses.AllowedMoves(from).Contains(to))
        {
            var allowed = RunStatuses.AllowedMoves(from);
            return Endpoints.Conflict("This run status change is not allowed.",
                allowed.Count == 0 ? $"A run that is {from} does not change status any more." : $"A run that is {from} can move to: {string.Join(", ", allowed)}.",
                new Dictionary<string, object?> { ["from"] = from, ["to"] = to, ["allowed"] = allowed });
        }

        if (RunStatuses.SampleStatusFor(to) is { } sampleStatus)
        {
            var sampleIds = (await connection.QueryAsync<Guid>(
                """
                SELECT DISTINCT l.sample_id FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id
                JOIN libraries l ON l.id = pl.library_id WHERE rl.run_id = @id ORDER BY l.sample_id
                """, new { id }, tx)).ToList();
            RunMoveOutcome outcome;
            try
            {
                outcome = await samples.MoveForRunAsync(id, run.Value.Name, sampleStatus, reason, sampleIds,
                    http.Request.Headers[HeaderNames.Authorization].ToString(), ct);
            }
            catch (SamplesUnavailableException e)
            {
                return Endpoints.SamplesUnavailable(e.Message);
            }
            if (!outcome.Moved)
            {
                var first = outcome.Refused[0];
                return Endpoints.Conflict($"Samples refused to move the run's samples to {sampleStatus}; the run stays {from} and no sample moved.",
                    first.From == "missing"
                        ? $"Sample {first.Id} no longer exists."
                        : $"Sample {first.Barcode} ({first.Id}) is {first.From} and cannot move to {sampleStatus}.",
                    new Dictionary<string, object?> { ["from"] = from, ["to"] = to, ["refused"] = outcome.Refused });
            }
        }

        await connection.ExecuteAsync("UPDATE runs SET status = @to, updated_at = @now WHERE id = @id", new { id, to, now = clock.GetUtcNow() }, tx);
        if (to == RunStatuses.Completed)
        {
            await connection.ExecuteAsync(
                """
                UPDATE libraries SET status = 'sequenced', updated_at = @now
                WHERE status = 'active' AND id IN (SELECT pl.library_id FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id WHERE rl.run_id = @id)
                """, new { id, now = clock.GetUtcNow() }, tx);
        }
        await RecordStatusAsync(connection, tx, user, id, from, to, reason);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Run, id, "status_changed", new { from, to, reason });
        await Outbox.AddAsync(connection, tx, OutboxEvent.Create(WebhookEventTypes.RunStatusChanged, new RunStatusChangedData(id, run.Value.Name, from, to)));
        var moved = (await LoadAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        SequencingMetrics.Runs.WithLabels(to).Inc();
        return TypedResults.Ok(moved);
    }

    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> SampleSheetAsync(
        Guid id, string? format, HttpContext http, NpgsqlDataSource db, IOptions<SampleSheetOptions> options, CancellationToken ct)
    {
        var sheetFormat = (format ?? "v2").ToLowerInvariant() switch
        {
            "v2" => SampleSheetFormat.V2,
            "v1" => (SampleSheetFormat?)SampleSheetFormat.V1,
            _ => null,
        };
        if (sheetFormat is null)
        {
            return new ValidationErrors().Add("format", "format must be v2 (BCL Convert) or v1 (bcl2fastq).").ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var run = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string Instrument, string? Chemistry, int Read1Cycles, int Read2Cycles,
            int Index1Cycles, int Index2Cycles, short M1, short M2)>(
            """
            SELECT id, name, instrument, chemistry, read1_cycles, read2_cycles, index1_cycles, index2_cycles, barcode_mismatches_index1, barcode_mismatches_index2
            FROM runs WHERE id = @id
            """, new { id });
        if (run.Id == Guid.Empty)
        {
            return Endpoints.NotFound("run");
        }
        var rows = await connection.QueryAsync<(short Lane, string Barcode, string Name, string Index1, string? Index2, string? Project)>(
            """
            SELECT DISTINCT ON (rl.lane, l.id) rl.lane, l.barcode, l.name, l.index1, l.index2, l.sample_project
            FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id JOIN libraries l ON l.id = pl.library_id
            WHERE rl.run_id = @id ORDER BY rl.lane, l.id
            """, new { id });
        var sheetRun = new SampleSheetRun(run.Name, run.Instrument, run.Chemistry ?? Instruments.ChemistryV15,
            new ReadCycles(run.Read1Cycles, run.Read2Cycles, run.Index1Cycles, run.Index2Cycles), run.M1, run.M2,
            [.. rows.OrderBy(r => r.Lane).ThenBy(r => r.Barcode, StringComparer.Ordinal)
                .Select(r => new SampleSheetRow(r.Lane, r.Barcode, r.Name, r.Index1, r.Index2, r.Project))]);
        var sheet = SampleSheetWriter.Write(await WithRunSettingsAsync(sheetRun, connection, id, options.Value), sheetFormat.Value);
        http.Response.Headers.ContentDisposition = "attachment; filename=SampleSheet.csv";
        return TypedResults.Content(sheet, "text/csv", new UTF8Encoding(false));
    }

    /// <summary>
    /// The settings every sheet of a run carries besides its rows (the run's sheet and the corrected one alike): the
    /// BCL Convert version configured for the instrument and the adapters of the run's kits.
    /// </summary>
    public static async Task<SampleSheetRun> WithRunSettingsAsync(SampleSheetRun sheet, NpgsqlConnection connection, Guid runId, SampleSheetOptions options)
    {
        var adapters = await RunAdaptersAsync(connection, runId);
        return sheet with
        {
            AdapterRead1 = KitAdapters.Merge(adapters.Select(a => a.GetValueOrDefault(KitAdapters.Read1))),
            AdapterRead2 = KitAdapters.Merge(adapters.Select(a => a.GetValueOrDefault(KitAdapters.Read2))),
            SoftwareVersion = options.BclConvertVersionFor(sheet.Instrument),
        };
    }

    /// <summary>
    /// The adapters of the kits the run's libraries were indexed from, kit by kit in name order: a sheet's adapter
    /// settings apply to the whole run, so every kit's sequences are trimmed (merged with '+').
    /// </summary>
    private static async Task<List<Dictionary<string, string>>> RunAdaptersAsync(NpgsqlConnection connection, Guid id)
    {
        var kits = await connection.QueryAsync<string>(
            """
            SELECT k.adapters::text FROM index_kits k
            WHERE k.id IN (SELECT l.kit_id FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id
                           JOIN libraries l ON l.id = pl.library_id WHERE rl.run_id = @id)
            ORDER BY k.name
            """, new { id });
        return [.. kits.Select(k => JsonSerializer.Deserialize<Dictionary<string, string>>(k) ?? [])];
    }

    private static Task RecordStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user, Guid runId, string? from, string to, string? reason) =>
        connection.ExecuteAsync(
            """
            INSERT INTO run_status_changes (run_id, from_status, to_status, reason, actor_id, actor_email, trace_id)
            VALUES (@runId, @from, @to, @reason, @actorId, @actorEmail, @traceId)
            """,
            new { runId, from, to, reason, actorId = user.GetUserId(), actorEmail = user.GetEmail(), traceId = System.Diagnostics.Activity.Current?.TraceId.ToHexString() }, tx);

    public static async Task<RunDto?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null)
    {
        var run = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId, int Read1Cycles,
            int Read2Cycles, int Index1Cycles, int Index2Cycles, short M1, short M2, string Status, DateTime CreatedAt, DateTime UpdatedAt)>(
            """
            SELECT id, name, instrument, chemistry, flowcell_id, read1_cycles, read2_cycles, index1_cycles, index2_cycles,
                   barcode_mismatches_index1, barcode_mismatches_index2, status, created_at, updated_at
            FROM runs WHERE id = @id
            """, new { id }, tx);
        if (run.Id == Guid.Empty)
        {
            return null;
        }
        var rows = (await connection.QueryAsync<(short Lane, Guid PoolId, string PoolBarcode, string PoolName, Guid? LibraryId, string? Barcode, string? Name,
            Guid? SampleId, string? SampleBarcode, string? Index1, string? Index2)>(
            """
            SELECT rl.lane, p.id, p.barcode, p.name, l.id, l.barcode, l.name, l.sample_id, l.sample_barcode, l.index1, l.index2
            FROM run_lanes rl JOIN pools p ON p.id = rl.pool_id
            LEFT JOIN pool_libraries pl ON pl.pool_id = p.id LEFT JOIN libraries l ON l.id = pl.library_id
            WHERE rl.run_id = @id ORDER BY rl.lane, p.barcode, pl.position
            """, new { id }, tx)).ToList();
        var lanes = rows.GroupBy(r => r.Lane).Select(lane => new RunLaneDto(lane.Key, [.. lane.GroupBy(r => (r.PoolId, r.PoolBarcode, r.PoolName))
            .Select(p => new RunPoolDto(p.Key.PoolId, p.Key.PoolBarcode, p.Key.PoolName, [.. p.Where(r => r.LibraryId is not null)
                .Select(r => new RunLibraryDto(r.LibraryId!.Value, r.Barcode!, r.Name!, r.SampleId!.Value, r.SampleBarcode!, r.Index1!, r.Index2))]))])).ToList();
        var samples = rows.Where(r => r.SampleId is not null).Select(r => new RunSampleDto(r.SampleId!.Value, r.SampleBarcode!))
            .DistinctBy(s => s.Id).OrderBy(s => s.Barcode, StringComparer.Ordinal).ToList();
        var history = await connection.QueryAsync<RunStatusChangeDto>(
            """
            SELECT from_status AS "from", to_status AS "to", reason, actor_id AS actorid, actor_email AS actoremail, at, trace_id AS traceid
            FROM run_status_changes WHERE run_id = @id ORDER BY id
            """, new { id }, tx);
        var (resultsImportedAt, verdict) = await Results.ResultsStore.RunSummaryAsync(connection, id, tx);
        return new RunDto(run.Id, run.Name, run.Instrument, run.Chemistry, run.FlowcellId,
            new ReadCycles(run.Read1Cycles, run.Read2Cycles, run.Index1Cycles, run.Index2Cycles), run.M1, run.M2, run.Status,
            lanes, samples, [.. history], run.CreatedAt, run.UpdatedAt, resultsImportedAt, verdict);
    }

    private static string Field(FormattableString field) => field.ToString(CultureInfo.InvariantCulture);
}
