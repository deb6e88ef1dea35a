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
using TracSeq.Samples.Client;
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
                " With an Idempotency-Key header a retry replays the first answer (Idempotent-Replayed: true) and creates nothing;" +
            " the key with another body is 422.")
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
        CreateRunRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey, ClaimsPrincipal user, HttpContext http,
        NpgsqlDataSource db, CancellationToken ct)
    {
        var (errors, chemistry) = Validate(request);
        errors.CheckKey(idempotencyKey, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var lanes = request.Lanes!.Select(l => (Lane: l!.Lane!.Value, PoolId: l.PoolId!.Value)).ToList();
        var reads = new ReadCycles(
            request.Reads!.Read1Cycles!.Value, request.Reads.Read2Cycles ?? 0, request.Reads.Index1Cycles ?? 0, request.Reads.Index2Cycles ?? 0);
        var (m1, m2) = (request.BarcodeMismatchesIndex1 ?? 1, request.BarcodeMismatchesIndex2 ?? 1);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Idempotency.EarlierAnswerAsync(
                connection, tx, http, user, CreateScope, idempotencyKey, request, Idempotency.CreatedUnder("/api/runs")) is { } earlier)
        {
            return earlier.KeyReused is { } reused ? reused : earlier.Replayed!;
        }
        var (laneLibraries, invalid) = await LockLanesAsync(connection, tx, lanes, reads, errors);
        if (laneLibraries is null)
        {
            return invalid!;
        }
        if (await RunLifecycle.PlanRefusalAsync(connection, tx, [.. lanes.Select(l => l.PoolId).Distinct()], laneLibraries, reads, m1, m2) is { } refused)
        {
            return refused;
        }
        var id = Guid.CreateVersion7();
        await RunStore.InsertAsync(connection, tx, id, request, chemistry, reads, lanes, m1, m2, user.GetUserId());
        await RunStore.RecordStatusAsync(connection, tx, user, id, null, RunStatuses.Planned, null);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Run, id, "created",
            new { name = request.Name!.Trim(), request.Instrument, chemistry, reads, lanes = lanes.Select(l => new { lane = l.Lane, poolId = l.PoolId }) });
        var run = (await RunStore.LoadAsync(connection, id, tx))!;
        await Idempotency.CompleteAsync(connection, tx, user, CreateScope, idempotencyKey, StatusCodes.Status201Created, run);
        await tx.CommitAsync(ct);
        SequencingMetrics.Runs.WithLabels(RunStatuses.Planned).Inc();
        return TypedResults.Created($"/api/runs/{id}", run);
    }

    /// <summary>Locks the lanes' pools and their libraries; a problem when a pool does not exist or the run could never move.</summary>
    private static async Task<(List<(int Lane, IReadOnlyList<LaneLibrary> Libraries)>? Lanes, ValidationProblem? Invalid)> LockLanesAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, List<(int Lane, Guid PoolId)> lanes, ReadCycles reads, ValidationErrors errors)
    {
        var poolIds = lanes.Select(l => l.PoolId).Distinct().ToArray();
        var known = await RunStore.LockPoolsAsync(connection, tx, poolIds);
        for (var i = 0; i < lanes.Count; i++)
        {
            errors.Check(known.Contains(lanes[i].PoolId), Field($"lanes[{i}].poolId"), $"No pool has the id {lanes[i].PoolId}.");
        }
        if (!errors.IsValid)
        {
            return (null, errors.ToProblem());
        }
        var members = await RunStore.LockMembersAsync(connection, tx, poolIds);
        var laneLibraries = lanes.GroupBy(l => l.Lane)
            .Select(g => (g.Key, (IReadOnlyList<LaneLibrary>)[.. g.SelectMany(l => members[l.PoolId]).DistinctBy(m => m.Id)])).ToList();
        return CheckSize(laneLibraries, reads, errors) is { } invalid ? (null, invalid) : (laneLibraries, null);
    }

    /// <summary>
    /// A run that could never move is refused now: more libraries than a lane or run may hold, more samples than Samples
    /// moves in one call, or an index longer than its read (the sheet could not describe it).
    /// </summary>
    private static ValidationProblem? CheckSize(
        IReadOnlyList<(int Lane, IReadOnlyList<LaneLibrary> Libraries)> lanes, ReadCycles reads, ValidationErrors errors)
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

    private static (ValidationErrors Errors, string? Chemistry) Validate(CreateRunRequest request)
    {
        var errors = new ValidationErrors()
            .Check(RunNames.IsValid(request.Name), "name", $"name must be 1 to {RunNames.MaxLength} letters, digits, spaces, '-' or '_'.")
            .Check(Instruments.IsKnown(request.Instrument), "instrument", $"instrument must be one of: {string.Join(", ", Instruments.All)}.")
            .Check(
                request.FlowcellId is { Length: > 0 and <= 100 } f
                    && f.Trim().Length > 0
                    && f.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
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
        CheckLanes(request, errors);
        return (errors, chemistry);
    }

    /// <summary>Each lane on the instrument's flow cell with a pool, and no pool twice on one lane.</summary>
    private static void CheckLanes(CreateRunRequest request, ValidationErrors errors)
    {
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
        return await RunStore.LoadAsync(connection, id) is { } run ? TypedResults.Ok(run) : Endpoints.NotFound("run");
    }

    public static async Task<Results<Ok<IReadOnlyList<SequencingEventDto>>, ProblemHttpResult>> EventsAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await RunStore.ExistsAsync(connection, id))
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
        if (await RunStore.LockAsync(connection, tx, id) is not { } run)
        {
            return Endpoints.NotFound("run");
        }
        if (RunLifecycle.MoveRefusal(run.Status, to) is { } notAllowed)
        {
            return notAllowed;
        }
        if (await RunLifecycle.MoveSamplesAsync(connection, tx, samples, http, (id, run.Name), run.Status, to, reason, ct) is { } refused)
        {
            return refused;
        }
        await RunLifecycle.ApplyAsync(connection, tx, user, clock, (id, run.Name), run.Status, to, reason);
        var moved = (await RunStore.LoadAsync(connection, id, tx))!;
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
            SELECT id, name, instrument, chemistry, read1_cycles, read2_cycles, index1_cycles, index2_cycles,
                barcode_mismatches_index1, barcode_mismatches_index2
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

    private static string Field(FormattableString field) => field.ToString(CultureInfo.InvariantCulture);
}
