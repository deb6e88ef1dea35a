using TracSeq.Samples.Projects;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Caching;
using TracSeq.Samples.Lifecycle;
using TracSeq.Samples.Samples;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Storage;

public sealed record PlaceSampleRequest(Guid? LocationId, string? Position);

/// <summary>
/// Putting a sample somewhere, moving it, taking it out. Boxes need a position inside their size and hold one sample
/// per position (the database enforces it); other places take no position. A validated sample placed in storage
/// becomes <c>in_storage</c> by the state machine's rule; every move is in the audit trail.
/// </summary>
public static class SamplePlacementApi
{
    private const string OnePerPosition = "samples_one_per_position";

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
        var errors = new ValidationErrors()
            .Check(request.LocationId is not null, "locationId", "locationId is required.")
            .Text("position", request.Position, 10, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var sample = await connection.QuerySingleOrDefaultAsync<Sample>($"{SampleQueries.SelectById} FOR UPDATE OF s", new { id }, tx);
        if (sample is null)
        {
            return SampleProblems.SampleNotFound();
        }
        var access = await s.Projects.ForAsync(user, ct);
        if (access.WriteRefusal(sample.ProjectId, s.Denials) is { } refused)
        {
            return refused;
        }
        // FOR SHARE: the box cannot be resized under a placement that is checking its size.
        var location = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Barcode, string Kind, int? Rows, int? Columns)>(
            "SELECT id, barcode, kind, rows, columns FROM storage_locations WHERE id = @locationId FOR SHARE",
            new { request.LocationId }, tx);
        if (location.Id == Guid.Empty)
        {
            return new ValidationErrors().Add("locationId", "locationId names no storage location.").ToProblem();
        }

        string? position = null;
        if (location.Kind == LocationKinds.Box)
        {
            if (string.IsNullOrWhiteSpace(request.Position))
            {
                return new ValidationErrors().Add("position", $"A box needs a position, such as A1 (this one is {location.Rows} × {location.Columns}).").ToProblem();
            }
            (position, var problem) = Positions.Parse(request.Position, location.Rows!.Value, location.Columns!.Value);
            if (problem is not null)
            {
                return new ValidationErrors().Add("position", problem).ToProblem();
            }
        }
        else if (!string.IsNullOrWhiteSpace(request.Position))
        {
            return new ValidationErrors().Add("position", $"Only boxes have positions; {location.Barcode} is a {location.Kind}.").ToProblem();
        }

        var status = SampleStatusMachine.StatusAfterPlacement(sample.Status);
        if (status is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"A sample that is {sample.Status} cannot be put into storage.",
                detail: $"Samples can be stored when they are: {string.Join(", ", SampleStatusMachine.PlaceableStatuses)}.",
                extensions: new Dictionary<string, object?> { ["status"] = sample.Status, ["allowed"] = SampleStatusMachine.PlaceableStatuses });
        }
        if (sample.LocationId == location.Id && sample.Position == position)
        {
            return SamplesApi.Answer(http, sample.ToDto()); // already there: nothing happens, nothing is recorded
        }

        if (position is not null)
        {
            var occupant = await connection.QuerySingleOrDefaultAsync<(string Barcode, Guid ProjectId)?>(
                "SELECT barcode, project_id FROM samples WHERE location_id = @locationId AND position = @position", new { locationId = location.Id, position }, tx);
            if (occupant is { } there)
            {
                // Another project's sample is an occupied position, nothing more (rule 2).
                return Occupied(location.Barcode, position, access.CanSee(there.ProjectId) ? there.Barcode : null);
            }
        }
        try
        {
            await connection.ExecuteAsync(
                "UPDATE samples SET location_id = @locationId, position = @position, status = @status, version = version + 1, updated_at = now() WHERE id = @id",
                new { id, locationId = location.Id, position, status }, tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == OnePerPosition)
        {
            return Occupied(location.Barcode, position!, null); // filled by a concurrent placement since the check above
        }

        var updated = await connection.QuerySingleAsync<Sample>(SampleQueries.SelectById, new { id }, tx);
        var statusChanged = status != sample.Status;
        var changes = new List<SampleChange> { new("location", EventLocationOf(sample), EventLocationOf(updated)) };
        if (statusChanged)
        {
            changes.Add(new SampleChange("status", sample.Status, status));
        }
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user), new NewSampleEvent(
            id, sample.LocationId is null ? SampleEventTypes.Stored : SampleEventTypes.Moved,
            statusChanged ? sample.Status : null, statusChanged ? status : null, changes, null, EventLocationOf(updated)));
        await tx.CommitAsync(ct);

        if (statusChanged)
        {
            StatusChanges.Count([new ChangedStatus(id, updated.Barcode, sample.Status, status, updated.Version)]);
        }
        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [updated.Barcode]));
        return SamplesApi.Answer(http, updated.ToDto());
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
        var sample = await connection.QuerySingleOrDefaultAsync<Sample>($"{SampleQueries.SelectById} FOR UPDATE OF s", new { id }, tx);
        if (sample is null)
        {
            return SampleProblems.SampleNotFound();
        }
        var access = await s.Projects.ForAsync(user, ct);
        if (access.WriteRefusal(sample.ProjectId, s.Denials) is { } refused)
        {
            return refused;
        }
        if (sample.LocationId is null)
        {
            return SamplesApi.Answer(http, sample.ToDto()); // not stored: nothing to remove, nothing recorded
        }

        await connection.ExecuteAsync(
            "UPDATE samples SET location_id = NULL, position = NULL, version = version + 1, updated_at = now() WHERE id = @id", new { id }, tx);
        await SampleEventLog.WriteAsync(connection, tx, Actor.From(user), new NewSampleEvent(
            id, SampleEventTypes.RemovedFromStorage, null, null, [new SampleChange("location", EventLocationOf(sample), null)], null, null));
        var updated = await connection.QuerySingleAsync<Sample>(SampleQueries.SelectById, new { id }, tx);
        await tx.CommitAsync(ct);

        await s.Cache.InvalidateAsync(new CachedSampleKey(id, updated.Version, [updated.Barcode]));
        return SamplesApi.Answer(http, updated.ToDto());
    }

    public static EventLocation? EventLocationOf(Sample sample) =>
        sample.LocationId is { } id
            ? new EventLocation(id, sample.LocationBarcode ?? "", sample.LocationName ?? "", sample.Position, sample.LocationPath ?? "")
            : null;

    private static ProblemHttpResult Occupied(string box, string position, string? occupant) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"Position {position} of {box} is occupied.",
            detail: occupant is null ? null : $"{occupant} is there.",
            extensions: new Dictionary<string, object?> { ["position"] = position, ["occupiedBy"] = occupant });
}
