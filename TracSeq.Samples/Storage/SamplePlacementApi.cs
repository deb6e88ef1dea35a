using TracSeq.Samples.Projects;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Caching;
using TracSeq.Samples.Lifecycle;
using TracSeq.Samples.Samples;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Storage;

public sealed record PlaceSampleRequest(Guid? LocationId, string? Position);

/// <summary>A checked placement: the location, the position in it (boxes only) and the sample's status there.</summary>
internal sealed record Placement(PlacementTarget Location, string? Position, string Status);

/// <summary>
/// Putting a sample somewhere, moving it, taking it out. Boxes need a position inside their size and hold one sample
/// per position (the database enforces it); other places take no position. A validated sample placed in storage
/// becomes <c>in_storage</c> by the state machine's rule; every move is in the audit trail.
/// </summary>
public static class SamplePlacementApi
{
    private const string OnePerPosition = "samples_one_per_position";

    public static RouteGroupBuilder MapSamplePlacementApi(this IEndpointRouteBuilder app)
    {
        var samples = app.MapGroup("/api/samples").WithTags("Samples").WithStandardProblems();
        samples.MapPut("/{id:guid}/location", PlaceAsync).RequireAuthorization(Policies.CanHandleSamples)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"locationId": "01956a1e-0000-7000-8000-00000000b007", "position": "B7"}""");
        samples.MapDelete("/{id:guid}/location", RemoveAsync).RequireAuthorization(Policies.CanHandleSamples)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return samples;
    }

    /// <summary>Put a sample into a storage location</summary>
    /// <remarks>
    /// Lab technicians and above. A box needs a <c>position</c> (row letter and column number, such as B7, within the
    /// box); other locations take none. One sample per position. The sample must be in the lab (received or later,
    /// not discarded); a validated sample becomes in_storage. Moving within storage is the same call.
    /// </remarks>
    /// <response code="200">The sample with its new location.</response>
    /// <response code="400">No such location, a missing or out-of-range position, or a position on something that is not a box.</response>
    /// <response code="404">No sample has this id.</response>
    /// <response code="409">The position is taken, or the sample's status does not allow storing it.</response>
    public static async Task<Results<Ok<SampleDto>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        Guid id, PlaceSampleRequest request, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        if (Check(request) is { IsValid: false } errors)
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
        var sample = locked.Sample;
        var target = await StorageStore.ShareForPlacementAsync(connection, tx, request.LocationId);
        var (placement, invalid, refused) = PlacementOf(sample, target, request.Position);
        if (placement is null)
        {
            return invalid is not null ? invalid : refused!;
        }
        if (sample.LocationId == placement.Location.Id && sample.Position == placement.Position)
        {
            return SampleAnswers.Ok(http, sample.ToDto()); // already there: nothing happens, nothing is recorded
        }

        var (updated, occupied) = await MoveAsync(connection, tx, locked, placement, user);
        if (updated is null)
        {
            return occupied!;
        }
        await tx.CommitAsync(ct);

        StatusChanges.Count(placement.Status == sample.Status ? []
            : [new ChangedStatus(id, updated.Barcode, sample.Status, placement.Status, updated.Version)]);
        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [updated.Barcode]));
        return SampleAnswers.Ok(http, updated.ToDto());
    }

    private static ValidationErrors Check(PlaceSampleRequest request) => new ValidationErrors()
        .Check(request.LocationId is not null, "locationId", "locationId is required.")
        .Text("position", request.Position, 10, required: false);

    /// <summary>Where the sample goes and the status it gets there: 400 for a bad place, 409 for a status that cannot be stored.</summary>
    private static (Placement? Placement, ValidationProblem? Invalid, ProblemHttpResult? Refused) PlacementOf(
        Sample sample, PlacementTarget? location, string? asked)
    {
        var (position, invalid) = PositionIn(location, asked);
        if (invalid is not null)
        {
            return (null, invalid, null);
        }
        return SampleStatusMachine.StatusAfterPlacement(sample.Status) is { } status
            ? (new Placement(location!, position, status), null, null)
            : (null, null, NotPlaceable(sample.Status));
    }

    /// <summary>The position to take: a box needs one inside its size, anything else takes none.</summary>
    private static (string? Position, ValidationProblem? Invalid) PositionIn(PlacementTarget? location, string? asked)
    {
        static ValidationProblem Invalid(string field, string message) => new ValidationErrors().Add(field, message).ToProblem();
        if (location is null)
        {
            return (null, Invalid("locationId", "locationId names no storage location."));
        }
        if (location.Kind != LocationKinds.Box)
        {
            return string.IsNullOrWhiteSpace(asked) ? (null, null)
                : (null, Invalid("position", $"Only boxes have positions; {location.Barcode} is a {location.Kind}."));
        }
        if (string.IsNullOrWhiteSpace(asked))
        {
            return (null, Invalid("position", $"A box needs a position, such as A1 (this one is {location.Rows} × {location.Columns})."));
        }
        var (position, problem) = Positions.Parse(asked, location.Rows!.Value, location.Columns!.Value);
        return problem is null ? (position, null) : (null, Invalid("position", problem));
    }

    /// <summary>Moves the sample into the free position and records it (stored or moved, with any status change).</summary>
    private static async Task<(Sample? Updated, ProblemHttpResult? Occupied)> MoveAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        LockedSample locked, Placement placement, ClaimsPrincipal user)
    {
        var (sample, id) = (locked.Sample, locked.Sample.Id);
        var (location, position, status) = placement;
        if (position is not null && await SampleStore.OccupantAsync(connection, tx, location.Id, position) is { } there)
        {
            // Another project's sample is an occupied position, nothing more (rule 2).
            return (null, Occupied(location.Barcode, position, locked.Access.CanSee(there.ProjectId) ? there.Barcode : null));
        }
        try
        {
            await SampleStore.PlaceAsync(connection, tx, id, location.Id, position, status);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == OnePerPosition)
        {
            return (null, Occupied(location.Barcode, position!, null)); // filled by a concurrent placement since the check above
        }
        var updated = await SampleStore.GetAsync(connection, tx, id);
        var statusChanged = status != sample.Status;
        var changes = new List<SampleChange> { new("location", sample.ToEventLocation(), updated.ToEventLocation()) };
        if (statusChanged)
        {
            changes.Add(new SampleChange("status", sample.Status, status));
        }
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user), new NewSampleEvent(
            id, sample.LocationId is null ? SampleEventTypes.Stored : SampleEventTypes.Moved,
            statusChanged ? sample.Status : null, statusChanged ? status : null, changes, null, updated.ToEventLocation()));
        return (updated, null);
    }

    /// <summary>Take a sample out of storage</summary>
    /// <remarks>Lab technicians and above. The sample's status stays (taking it to sequencing is a status change of its own).</remarks>
    /// <response code="200">The sample, without a location.</response>
    /// <response code="404">No sample has this id.</response>
    public static async Task<Results<Ok<SampleDto>, ProblemHttpResult>> RemoveAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (locked, refusal) = await LockedSample.LockForWriteAsync(connection, tx, id, user, s, ct);
        if (locked is null)
        {
            return refusal!;
        }
        var sample = locked.Sample;
        if (sample.LocationId is null)
        {
            return SampleAnswers.Ok(http, sample.ToDto()); // not stored: nothing to remove, nothing recorded
        }

        await SampleStore.TakeOutOfStorageAsync(connection, tx, id);
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user), new NewSampleEvent(
            id, SampleEventTypes.RemovedFromStorage, null, null, [new SampleChange("location", sample.ToEventLocation(), null)], null, null));
        var updated = await SampleStore.GetAsync(connection, tx, id);
        await tx.CommitAsync(ct);

        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [updated.Barcode]));
        return SampleAnswers.Ok(http, updated.ToDto());
    }

    private static ProblemHttpResult NotPlaceable(string status) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"A sample that is {status} cannot be put into storage.",
            detail: $"Samples can be stored when they are: {string.Join(", ", SampleStatusMachine.PlaceableStatuses)}.",
            extensions: new Dictionary<string, object?> { ["status"] = status, ["allowed"] = SampleStatusMachine.PlaceableStatuses });

    private static ProblemHttpResult Occupied(string box, string position, string? occupant) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"Position {position} of {box} is occupied.",
            detail: occupant is null ? null : $"{occupant} is there.",
            extensions: new Dictionary<string, object?> { ["position"] = position, ["occupiedBy"] = occupant });
}
