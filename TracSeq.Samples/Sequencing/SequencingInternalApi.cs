using TracSeq.Samples.Projects;
using System.Security.Claims;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Caching;
using TracSeq.ServiceDefaults.Data;
using TracSeq.Samples.Lifecycle;
using TracSeq.Samples.Samples;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Contracts.Internal;

namespace TracSeq.Samples.Sequencing;

/// <summary>
/// What the Sequencing service asks of Samples, with the caller's bearer token (lab_technician or above), service to
/// service (the gateway does not route <c>/internal</c>):
/// <list type="bullet">
/// <item><c>POST /internal/samples/{id}/events</c>: a <c>library_created</c> event on the sample's audit trail, once per
/// library (a retry finds the first one and answers the same).</item>
/// <item><c>POST /internal/samples/run-status</c>: a run moved, so its samples move, all or nothing, under
/// <c>Idempotency-Key: run:{runId}:{to}</c>. Samples already in the target status are left alone; each moved sample's
/// event names the run. A retry replays the first answer, so when Sequencing could not record the run's move after
/// Samples committed, asking again is safe and moves nothing twice.</item>
/// </list>
/// </summary>
public static class SequencingInternalApi
{
    public const string EventsPath = SamplesInternalCalls.EventsRoute;
    public const string RunStatusPath = SamplesInternalCalls.RunStatusPath;
    public const string LibraryCreated = SamplesInternalCalls.LibraryCreated;
    private const string EventScope = "samples.library-event";
    private const string RunScope = "samples.run-status";
    public const int MaxRunSamples = SequencingLimits.MaxRunSamples;

    /// <summary>The sample statuses a run moves its samples to, by the run's new status.</summary>
    public static readonly IReadOnlyList<string> RunTargets = [SampleStatus.InSequencing, SampleStatus.Completed, SampleStatus.Failed];

    /// <summary>
    /// Whether a run's move leaves a sample as it is: one already in the target status, and one already
    /// <c>completed</c> when a top-up run (its libraries sequenced again) starts or fails, since the lifecycle has no
    /// way back from <c>completed</c> and a failed top-up does not undo the first run's reads.
    /// </summary>
    public static bool AlreadyThere(string status, string to) =>
        status == to || (status == SampleStatus.Completed && to is SampleStatus.InSequencing or SampleStatus.Failed);

    public static IEndpointRouteBuilder MapSequencingInternalApi(this IEndpointRouteBuilder app)
    {
        // The user's token alone is not enough: only the Sequencing service records library events and moves samples for runs.
        app.MapPost(EventsPath, RecordEventAsync).RequireAuthorization(Policies.CanHandleSamples).RequireServiceIdentity("sequencing")
            .WithTags("Internal").ExcludeFromDescription();
        app.MapPost(RunStatusPath, MoveForRunAsync).RequireAuthorization(Policies.CanHandleSamples).RequireServiceIdentity("sequencing")
            .WithTags("Internal").ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Created<SampleEventRecorded>, Ok<SampleEventRecorded>, ValidationProblem, ProblemHttpResult>> RecordEventAsync(
        Guid id, LibraryCreatedEventRequest request, ClaimsPrincipal user, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check(request.Type == LibraryCreated, "type", $"type must be {LibraryCreated}.")
            .Check(request.LibraryId is { } l && l != Guid.Empty, "libraryId", "libraryId is required.")
            .Text("libraryBarcode", request.LibraryBarcode, 50);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var answer = new SampleEventRecorded(id, LibraryCreated, request.LibraryId!.Value);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await SampleStore.ProjectOfAsync(connection, tx, id) is not { } projectId)
        {
            return SampleProblems.SampleNotFound();
        }
        // Made on the user's behalf: their project rules hold here as at the public API.
        if ((await s.Projects.ForAsync(user, ct)).WriteRefusal(projectId, s.Denials) is { } refused)
        {
            return refused;
        }
        // One event per library: the library id is the key, so a retry after a lost answer writes nothing more.
        var claim = await IdempotencyRecords.ClaimAsync(connection, tx, EventScope, Guid.Empty,
            request.LibraryId.Value.ToString(), IdempotencyRecords.Hash(new { id, request.LibraryId }));
        if (claim.State != IdempotencyState.New)
        {
            return claim.State == IdempotencyState.Replay ? TypedResults.Ok(answer) : SampleProblems.IdempotencyKeyReused();
        }
        var library = new { id = request.LibraryId, barcode = request.LibraryBarcode!.Trim() };
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user), new NewSampleEvent(
            id, LibraryCreated, null, null, [new SampleChange("library", null, library)],
            $"Library {library.barcode} made from this sample.", null));
        await IdempotencyRecords.CompleteAsync(
            connection, tx, EventScope, Guid.Empty, request.LibraryId.Value.ToString(), StatusCodes.Status201Created, answer);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/samples/{id}/events", answer);
    }

    public static async Task<Results<Ok<RunStatusResult>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> MoveForRunAsync(
        RunStatusRequest request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var errors = Validate(request, idempotencyKey);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var (runId, to) = (request.RunId!.Value, request.To!);
        var ids = request.SampleIds!.Distinct().Order().ToArray();

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The key stands for "this run's move to this status", so the hash leaves out the free-text reason: a retry
        // with another wording is the same move.
        var claim = await IdempotencyRecords.ClaimAsync(connection, tx, RunScope, Guid.Empty, idempotencyKey!,
            IdempotencyRecords.Hash(new { runId, to, ids }));
        if (claim.State != IdempotencyState.New)
        {
            return claim.State == IdempotencyState.Replay ? IdempotencyRecords.Replay(http, claim, null) : IdempotencyRecords.KeyReused();
        }

        var samples = await SampleStore.LockManyAsync(connection, tx, ids);
        var moving = samples.Where(x => !AlreadyThere(x.Status, to)).ToList();
        if ((await MissingRefusalAsync(ids, samples, user, s, ct) ?? BulkMoves.Refusal(moving, samples.Count, to)) is { } refused)
        {
            return refused;
        }

        var changed = await StatusChanges.ApplyAsync(connection, tx, Actor.From(user), moving, to, RunReason(request), ct);
        var result = new RunStatusResult(runId, to, changed.Count, samples.Count - moving.Count,
            [.. changed.Select(c => new BulkStatusItem(c.Id, c.Barcode, c.To, c.Version))]);
        await IdempotencyRecords.CompleteAsync(connection, tx, RunScope, Guid.Empty, idempotencyKey!, StatusCodes.Status200OK, result);
        await tx.CommitAsync(ct);

        StatusChanges.Count(changed);
        await s.Cache.InvalidateAsync(changed.Select(c => new CachedSampleKey(c.Id, c.Version, [c.Barcode])));
        return TypedResults.Ok(result);
    }

    /// <summary>Runs are facility objects, but the move is made on the user's behalf: another project's sample is missing to them.</summary>
    private static async Task<ProblemHttpResult?> MissingRefusalAsync(
        Guid[] ids, List<Sample> samples, ClaimsPrincipal user, SampleServices s, CancellationToken ct)
    {
        var access = await s.Projects.ForAsync(user, ct);
        var byId = samples.ToDictionary(x => x.Id);
        var missing = ids.Where(id => !byId.TryGetValue(id, out var found) || access.WriteRefusal(found.ProjectId, s.Denials) is not null).ToList();
        return missing.Count == 0 ? null : BulkMoves.Missing(missing, "A sample of this run does not exist; nothing was changed.");
    }

    private static ValidationErrors Validate(RunStatusRequest request, string? idempotencyKey)
    {
        var errors = new ValidationErrors()
            .CheckKey(idempotencyKey, required: true)
            .Check(request.RunId is { } run && run != Guid.Empty, "runId", "runId is required.")
            .Text("runName", request.RunName, 255)
            .Check(request.To is not null && RunTargets.Contains(request.To), "to", $"to must be one of: {string.Join(", ", RunTargets)}.")
            .Text("reason", request.Reason, SampleStatusApi.MaxReasonLength, required: false)
            .Check(request.SampleIds is { Count: > 0 and <= MaxRunSamples }, "sampleIds", $"sampleIds must list 1 to {MaxRunSamples} samples.");
        if (request.RunId is { } id && request.To is { } to && idempotencyKey is not null && idempotencyKey != SamplesInternalCalls.RunMoveKey(id, to))
        {
            errors.Add(IdempotencyRecords.HeaderName, "For a run's move the Idempotency-Key is run:{runId}:{to}.");
        }
        return errors;
    }

    /// <summary>The audit reason names the run, so a sample's trail says which run moved it and why.</summary>
    private static string RunReason(RunStatusRequest request)
    {
        var what = request.To switch
        {
            SampleStatus.InSequencing => "started",
            SampleStatus.Completed => "completed",
            _ => "failed",
        };
        var reason = $"Run {request.RunName!.Trim()} ({request.RunId}) {what}";
        return string.IsNullOrWhiteSpace(request.Reason) ? reason + "." : $"{reason}: {request.Reason.Trim()}";
    }
}
