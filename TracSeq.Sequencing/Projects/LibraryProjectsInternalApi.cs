using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Sequencing.Audit;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Projects;

public sealed record LibrariesProjectRequest(Guid? ProjectId);

public sealed record LibrariesProjectResult(int Moved);

/// <summary>
/// <c>PUT /internal/samples/{sampleId}/project</c>: Samples, moving a sample to another project, files the sample's
/// libraries with it in the same step (before it commits the move; if this fails the move is not made), so a library
/// is always its sample's project's. Idempotent: libraries already there are left alone. Each moved library's audit
/// trail records the move and who made it.
/// </summary>
public static class LibraryProjectsInternalApi
{
    public const string Path = "/internal/samples/{sampleId:guid}/project";

    public static IEndpointRouteBuilder MapLibraryProjectsInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPut(Path, MoveAsync).RequireAuthorization(Policies.CanHandleSamples).RequireServiceIdentity("samples")
            .WithTags("Internal").ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<LibrariesProjectResult>, ValidationProblem>> MoveAsync(
        Guid sampleId, LibrariesProjectRequest request, System.Security.Claims.ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors().Check(request.ProjectId is { } p && p != Guid.Empty, "projectId", "projectId is required.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var moved = (await connection.QueryAsync<(Guid Id, Guid? From)>(
            """
            UPDATE libraries l SET project_id = @projectId, updated_at = now()
            FROM (SELECT id, project_id FROM libraries WHERE sample_id = @sampleId AND project_id IS DISTINCT FROM @projectId FOR UPDATE) old
            WHERE l.id = old.id
            RETURNING l.id, old.project_id
            """, new { sampleId, projectId = request.ProjectId }, tx)).ToList();
        foreach (var (id, from) in moved)
        {
            await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Library, id, "project_changed",
                new { sampleId, from, to = request.ProjectId });
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new LibrariesProjectResult(moved.Count));
    }
}
