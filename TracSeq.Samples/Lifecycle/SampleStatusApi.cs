using TracSeq.ServiceDefaults.Projects;
using TracSeq.Samples.Projects;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Caching;
using TracSeq.Samples.Samples;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Contracts.Internal;

namespace TracSeq.Samples.Lifecycle;

public sealed record ChangeStatusRequest(string? To, string? Reason);
public sealed record BulkStatusRequest(IReadOnlyList<Guid>? Ids, string? To, string? Reason);
public sealed record BulkStatusResult(string To, int Updated, IReadOnlyList<BulkStatusItem> Samples);

/// <summary>Status changes, one sample at a time or many at once (all or nothing), by the rules of <see cref="SampleStatusMachine"/>.</summary>
public static class SampleStatusApi
{
    public const int MaxBulkIds = 10_000;
    public const int MaxReasonLength = 2000;

    public static RouteGroupBuilder MapSampleStatusApi(this IEndpointRouteBuilder app)
    {
        var samples = app.MapGroup("/api/samples").WithTags("Samples").WithStandardProblems();
        samples.MapPost("/{id:guid}/status", ChangeAsync).RequireAuthorization(Policies.CanHandleSamples)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithRequestExample("""{"to": "rejected", "reason": "Tube cracked on arrival"}""")
            .WithResponseExample(StatusCodes.Status409Conflict, """
                {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.10", "title": "This status change is not allowed.", "status": 409,
                 "detail": "A sample that is pending can move to: received, rejected, discarded.",
                 "from": "pending", "to": "in_storage", "allowed": ["received", "rejected", "discarded"], "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}
                """);
        samples.MapPost("/bulk/status", BulkChangeAsync).RequireAuthorization(Policies.CanHandleSamples)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"ids": ["01956a1e-7c3b-7d2a-9a41-6f0c2b8e5d10", "01956a1e-7c3b-7d2a-9a41-6f0c2b8e5d11"], "to": "received"}""");
        return samples;
    }

    /// <summary>Move a sample to another status</summary>
    /// <remarks>
    /// Lab technicians and above; discarding needs a lab administrator. The lifecycle: pending → received → validated →
    /// in_storage → in_sequencing → completed → archived; validated may skip to in_sequencing; pending, received and
    /// validated may be rejected; validated, in_storage and in_sequencing may fail; rejected and failed return to
    /// pending; anything but archived and discarded may be discarded. rejected, failed and discarded need a
    /// <c>reason</c>. Honours <c>If-Match</c>.
    /// </remarks>
    /// <response code="200">The sample in its new status, with its new <c>ETag</c>.</response>
    /// <response code="400">An unknown status, a missing reason, or a malformed If-Match.</response>
    /// <response code="403">Your role may not make this move (discarding needs a lab administrator).</response>
    /// <response code="404">No sample has this id.</response>
    /// <response code="409">The move is not allowed from the sample's status; <c>allowed</c> lists the moves that are.</response>
    /// <response code="412">If-Match does not name the current version.</response>
    public static async Task<Results<Ok<SampleDto>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id, ChangeStatusRequest request, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors().CheckMove(request.To, request.Reason);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if (!SampleStatusMachine.MayMove(user.GetRole(), request.To!))
        {
            return LifecycleProblems.DiscardNeedsAdministrator();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (locked, refusal) = await LockedSample.LockForWriteAsync(connection, tx, id, user, s, ct);
        if (locked is null)
        {
            return refusal!;
        }
        var (malformed, refused) = ChangeRefusal(http, locked.Sample, request.To!);
        if (malformed is not null || refused is not null)
        {
            return malformed is not null ? malformed : refused!;
        }

        var changed = await StatusChanges.ApplyAsync(connection, tx, Actor.From(user), [locked.Sample], request.To!, Reason(request.Reason), ct);
        var updated = await SampleStore.GetAsync(connection, tx, id);
        await tx.CommitAsync(ct);

        StatusChanges.Count(changed);
        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [updated.Barcode]));
        return SampleAnswers.Ok(http, updated.ToDto());
    }

    /// <summary>If-Match first (400 or 412), then the state machine (409).</summary>
    private static (ValidationProblem? Malformed, ProblemHttpResult? Refused) ChangeRefusal(HttpContext http, Sample sample, string to)
    {
        var ifMatch = SampleETag.IfMatchRefusal(http.Request, sample.Version);
        if (ifMatch.Malformed is not null || ifMatch.Stale is not null)
        {
            return ifMatch;
        }
        return SampleStatusMachine.CanMove(sample.Status, to) ? (null, null) : (null, LifecycleProblems.IllegalMove(sample.Status, to));
    }

    /// <summary>Move many samples to one status, all or nothing</summary>
    /// <remarks>
    /// Lab technicians and above (discarding: lab administrators). Up to 10,000 ids. Every listed sample moves, or none
    /// does: one that does not exist (404) or may not make the move (409, <c>refused</c> lists them) refuses the request.
    /// </remarks>
    /// <response code="200">How many moved, and each sample's new status and version.</response>
    /// <response code="400">No ids, too many, an id twice, an unknown status or a missing reason.</response>
    /// <response code="403">Your role may not make this move.</response>
    /// <response code="404">A listed sample does not exist (<c>missing</c>); nothing changed.</response>
    /// <response code="409">Some samples may not make this move (<c>refused</c>); nothing changed.</response>
    public static async Task<Results<Ok<BulkStatusResult>, ValidationProblem, ProblemHttpResult>> BulkChangeAsync(
        BulkStatusRequest request, ClaimsPrincipal user, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check(request.Ids is { Count: > 0 and <= MaxBulkIds }, "ids", $"ids must list 1 to {MaxBulkIds} sample ids.")
            .Check(request.Ids is null || request.Ids.Distinct().Count() == request.Ids.Count, "ids", "ids must not repeat a sample.")
            .CheckMove(request.To, request.Reason);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var to = request.To!;
        if (!SampleStatusMachine.MayMove(user.GetRole(), to))
        {
            return LifecycleProblems.DiscardNeedsAdministrator();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var samples = await SampleStore.LockManyAsync(connection, tx, request.Ids!.ToArray());
        var access = await s.Projects.ForAsync(user, ct);
        if ((AccessRefusal(request.Ids!, samples, access, s.Denials) ?? BulkMoves.Refusal(samples, samples.Count, to)) is { } refused)
        {
            return refused;
        }

        var changed = await StatusChanges.ApplyAsync(connection, tx, Actor.From(user), samples, to, Reason(request.Reason), ct);
        await tx.CommitAsync(ct);

        StatusChanges.Count(changed);
        await s.Cache.InvalidateAsync(changed.Select(c => new CachedSampleKey(c.Id, c.Version, [c.Barcode])));
        return TypedResults.Ok(new BulkStatusResult(to, changed.Count,
            [.. changed.Select(c => new BulkStatusItem(c.Id, c.Barcode, c.To, c.Version))]));
    }

    /// <summary>A sample the caller cannot see is missing like one that never existed (404); one they only view is refused (403).</summary>
    private static ProblemHttpResult? AccessRefusal(IReadOnlyList<Guid> ids, List<Sample> samples, ProjectAccess access, AuthorizationDenials denials)
    {
        var viewed = samples.Where(x => access.Verdict(x.ProjectId) == ProjectVerdict.ReadOnly).ToList();
        var invisible = samples.Where(x => !access.Sees(x.ProjectId, denials)).Select(x => x.Id).ToHashSet();
        var missing = ids.Where(id => invisible.Contains(id) || samples.All(x => x.Id != id)).ToList();
        if (missing.Count > 0)
        {
            return BulkMoves.Missing(missing, missing.Count == 1
                ? "A listed sample does not exist; nothing was changed."
                : $"{missing.Count} listed samples do not exist; nothing was changed.");
        }
        if (viewed.Count == 0)
        {
            return null;
        }
        denials.ViewerWrite();
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "Your membership of some of these samples' projects is viewer; nothing was changed.",
            extensions: new Dictionary<string, object?> { ["viewOnly"] = viewed.Select(x => x.Id).Take(100).ToList() });
    }

    private static ValidationErrors CheckMove(this ValidationErrors errors, string? to, string? reason)
    {
        errors.Check(SampleStatus.IsKnown(to), "to", $"to must be one of: {string.Join(", ", SampleStatus.All)}.");
        if (SampleStatus.IsKnown(to) && SampleStatusMachine.NeedsReason(to!) && string.IsNullOrWhiteSpace(reason))
        {
            return errors.Add("reason", $"A reason is required to move a sample to {to}.");
        }
        return errors.Text("reason", reason, MaxReasonLength, required: false);
    }

    private static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
}
