using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Projects;

/// <summary>Granting, changing and removing memberships: owners and facility staff. Each is audited, and announced so
/// every replica of every service drops the user's cached memberships at once.</summary>
public static class ProjectMembersApi
{
    /// <summary>Add a member or change their role</summary>
    /// <remarks>Owners of the project and facility staff. <c>role</c>: owner, member or viewer. The last owner cannot
    /// be demoted. Takes effect on every replica within a second, for tokens already issued too.</remarks>
    /// <response code="200">The membership (changed, or as it was).</response>
    /// <response code="201">The user is now a member.</response>
    /// <response code="400">The role is missing or unknown.</response>
    /// <response code="403">You are not an owner of the project.</response>
    /// <response code="404">No project has this id, or you are not a member.</response>
    /// <response code="409">The project is archived, or this would leave it without an owner.</response>
    public static async Task<Results<Ok<ProjectMemberDto>, Created<ProjectMemberDto>, ValidationProblem, ProblemHttpResult>> PutAsync(
        Guid id, Guid userId, PutMemberRequest request, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        var access = await s.Access.ForAsync(user, ct);
        if (s.ManageRefusal(access, id) is { } refused)
        {
            return refused;
        }
        var errors = new ValidationErrors().Check(ProjectRoles.IsKnown(request.Role), "role", $"role must be one of: {string.Join(", ", ProjectRoles.All)}.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var actor = Actor.From(user);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LockOpenProjectAsync(connection, tx, id) is { } closed)
        {
            return closed;
        }
        var before = await ProjectStore.MemberAsync(connection, id, userId, tx);
        if (before?.Role == request.Role)
        {
            return TypedResults.Ok(before);
        }
        if (await LastOwnerRefusalAsync(connection, tx, id, before) is { } lastOwner)
        {
            return lastOwner;
        }
        await ProjectStore.PutMemberAsync(connection, tx, id, userId, request.Role!, actor.Id);
        await ProjectStore.WriteEventAsync(connection, tx, actor, id,
            before is null ? ProjectEventTypes.MemberAdded : ProjectEventTypes.MemberChanged, userId,
            [new SampleChange("role", before?.Role, request.Role)]);
        var member = (await ProjectStore.MemberAsync(connection, id, userId, tx))!;
        await tx.CommitAsync(ct);
        await s.Memberships.AnnounceAsync(userId);
        return before is null ? TypedResults.Created($"/api/projects/{id}/members/{userId}", member) : TypedResults.Ok(member);
    }

    /// <summary>Remove a member</summary>
    /// <remarks>Owners of the project and facility staff. The last owner cannot be removed. The user loses access on
    /// every replica within a second, whatever token they hold.</remarks>
    /// <response code="204">Removed.</response>
    /// <response code="403">You are not an owner of the project.</response>
    /// <response code="404">No project has this id (or you are not a member), or the user is not a member.</response>
    /// <response code="409">The project is archived, or this would leave it without an owner.</response>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        Guid id, Guid userId, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        var access = await s.Access.ForAsync(user, ct);
        if (s.ManageRefusal(access, id) is { } refused)
        {
            return refused;
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LockOpenProjectAsync(connection, tx, id) is { } closed)
        {
            return closed;
        }
        var before = await ProjectStore.MemberAsync(connection, id, userId, tx);
        if (before is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such member of this project.");
        }
        if (await LastOwnerRefusalAsync(connection, tx, id, before) is { } lastOwner)
        {
            return lastOwner;
        }
        await ProjectStore.RemoveMemberAsync(connection, tx, id, userId);
        await ProjectStore.WriteEventAsync(connection, tx, Actor.From(user), id, ProjectEventTypes.MemberRemoved, userId,
            [new SampleChange("role", before.Role, null)]);
        await tx.CommitAsync(ct);
        await s.Memberships.AnnounceAsync(userId);
        return TypedResults.NoContent();
    }

    /// <summary>Locks the project (serialising owner counting), or the refusal: 404 when absent, 409 when archived.</summary>
    private static async Task<ProblemHttpResult?> LockOpenProjectAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id)
    {
        var project = await ProjectStore.GetAsync(connection, id, tx, forUpdate: true);
        return project is null ? ProjectProblems.ProjectNotFound() : project.Archived ? ProjectProblems.Archived(project.Code) : null;
    }

    /// <summary>409 when the member is the project's last owner: a project always keeps one.</summary>
    private static async Task<ProblemHttpResult?> LastOwnerRefusalAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, ProjectMemberDto? before) =>
        before?.Role == ProjectRoles.Owner && await ProjectStore.OwnerCountAsync(connection, tx, id) <= 1 ? ProjectProblems.LastOwner() : null;
}
