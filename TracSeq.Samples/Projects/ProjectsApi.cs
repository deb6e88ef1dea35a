using TracSeq.Contracts.Internal;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Projects;

/// <summary>The services every project handler needs.</summary>
public sealed record ProjectServices(NpgsqlDataSource Db, ProjectAccessResolver Access, MembershipCache Memberships, AuthorizationDenials Denials);

/// <summary>
/// Projects: the unit of ownership and visibility. Principal investigators and facility staff create them; owners
/// and staff edit them and manage members; a project is archived, never deleted. Every change is in its audit trail.
/// </summary>
public static class ProjectsApi
{
    public const string AccessPath = "/internal/projects/access/{userId:guid}";

    public static RouteGroupBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/api/projects").WithTags("Projects").WithStandardProblems();
        projects.MapGet("/", ListAsync);
        // principal_investigator and facility staff: the roles at or above lab_technician.
        projects.MapPost("/", CreateAsync).RequireAuthorization(Policies.CanHandleSamples)
            .Produces<ProjectDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"code": "ONC-2025", "name": "Oncology cohort 2025", "description": "Liver biopsies", "costCode": "CC-4711"}""");
        projects.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPatch("/{id:guid}", UpdateAsync).Accepts<JsonElement>("application/json", "application/merge-patch+json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"name": "Oncology cohort 2025 (phase 2)", "archived": false}""");
        projects.MapGet("/{id:guid}/members", MembersAsync).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapGet("/{id:guid}/members/{userId:guid}", MemberAsync).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPut("/{id:guid}/members/{userId:guid}", ProjectMembersApi.PutAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"role": "member"}""");
        projects.MapDelete("/{id:guid}/members/{userId:guid}", ProjectMembersApi.RemoveAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        projects.MapGet("/{id:guid}/events", EventsAsync).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet(AccessPath, AccessAsync).AllowAnonymous().RequireServiceIdentity("sequencing", "templates")
            .WithTags("Internal").ExcludeFromDescription();
        return projects;
    }

    /// <summary>List projects</summary>
    /// <remarks>Any signed-in user: your projects (facility staff: all). <c>q</c> matches code or name (at most 100
    /// characters); <c>archived</c> true or false filters. Paged: <c>page</c> from 1, <c>pageSize</c> 1 to 500.</remarks>
    /// <response code="200">A page of projects, each with <c>myRole</c> and its sample count.</response>
    /// <response code="400">A bad page or an overlong <c>q</c>.</response>
    public static async Task<Results<Ok<PagedResult<ProjectDto>>, ValidationProblem>> ListAsync(
        string? q, bool? archived, int? page, int? pageSize, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors().Text("q", q, ProjectLimits.MaxQueryLength, required: false);
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var access = await s.Access.ForAsync(user, ct);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        var (items, total) = await ProjectStore.ListAsync(connection, access.VisibleProjectIds, q, archived, paging);
        return TypedResults.Ok(new PagedResult<ProjectDto>([.. items.Select(p => p.ToDto(access.RoleIn(p.Id)))], paging.Page, paging.PageSize, total));
    }

    /// <summary>Create a project</summary>
    /// <remarks>
    /// Principal investigators (who become its owner) and facility staff. <c>code</c>: 2 to 20 capital letters, digits
    /// or hyphens, starting with a letter or digit, unique; fixed once the project has samples. <c>name</c> up to 200
    /// characters, <c>description</c> up to 2,000, <c>costCode</c> up to 50.
    /// </remarks>
    /// <response code="201">The project.</response>
    /// <response code="400">A field is missing or out of bounds.</response>
    /// <response code="409">Another project has this code.</response>
    public static async Task<Results<Created<ProjectDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateProjectRequest request, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check(request.Code is not null && ProjectCodes.IsValidNew(request.Code), "code", ProjectCodes.NewRuleText)
            .CheckProjectText(request.Name, request.Description, request.CostCode);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var actor = Actor.From(user);
        var owner = !ProjectAccess.IsStaffUser(user); // a principal investigator owns what they create; staff need no membership
        var id = Guid.CreateVersion7();
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await ProjectStore.InsertAsync(connection, tx, id, request, actor.Id);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return ProjectProblems.CodeTaken(request.Code!);
        }
        await ProjectStore.WriteEventAsync(connection, tx, actor, id, ProjectEventTypes.Created, null,
            [new SampleChange("code", null, request.Code), new SampleChange("name", null, request.Name!.Trim())]);
        if (owner)
        {
            await ProjectStore.PutMemberAsync(connection, tx, id, actor.Id, ProjectRoles.Owner, actor.Id);
            await ProjectStore.WriteEventAsync(connection, tx, actor, id, ProjectEventTypes.MemberAdded, actor.Id,
                [new SampleChange("role", null, ProjectRoles.Owner)]);
        }
        var created = (await ProjectStore.GetAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        if (owner)
        {
            await s.Memberships.AnnounceAsync(actor.Id);
        }
        return TypedResults.Created($"/api/projects/{id}", created.ToDto(owner ? ProjectRoles.Owner : null));
    }

    /// <summary>Get a project</summary>
    /// <remarks>Members of the project and facility staff; for anyone else the project does not exist.</remarks>
    /// <response code="200">The project.</response>
    /// <response code="404">No project has this id, or you are not a member.</response>
    public static async Task<Results<Ok<ProjectDto>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        var access = await s.Access.ForAsync(user, ct);
        if (!s.CanSee(access, id))
        {
            return ProjectProblems.ProjectNotFound();
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        var project = await ProjectStore.GetAsync(connection, id);
        return project is null ? ProjectProblems.ProjectNotFound() : TypedResults.Ok(project.ToDto(access.RoleIn(id)));
    }

    /// <summary>Edit or archive a project</summary>
    /// <remarks>
    /// Owners and facility staff. A merge patch of <c>code</c> (only while the project has no samples), <c>name</c>,
    /// <c>description</c>, <c>costCode</c> and <c>archived</c>. An archived project is read-only: only
    /// <c>{"archived": false}</c> is accepted until then. Projects are never deleted.
    /// </remarks>
    /// <response code="200">The project as changed.</response>
    /// <response code="400">A field is malformed or unknown.</response>
    /// <response code="403">You are a member or viewer, not an owner.</response>
    /// <response code="404">No project has this id, or you are not a member.</response>
    /// <response code="409">The code is taken or fixed by samples, or the project is archived.</response>
    public static async Task<Results<Ok<ProjectDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, [FromBody] JsonElement body, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var patch = ProjectPatch.Read(body, errors);
        var access = await s.Access.ForAsync(user, ct);
        if (s.ManageRefusal(access, id) is { } refused)
        {
            return refused;
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await ProjectStore.GetAsync(connection, id, tx, forUpdate: true);
        if (current is null)
        {
            return ProjectProblems.ProjectNotFound();
        }
        var outcome = await ProjectPatch.ApplyAsync(connection, tx, current, patch, Actor.From(user));
        if (outcome is not null)
        {
            return outcome;
        }
        var updated = (await ProjectStore.GetAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(updated.ToDto(access.RoleIn(id)));
    }

    /// <summary>A project's members</summary>
    /// <remarks>Members of the project and facility staff.</remarks>
    /// <response code="200">Every member with their role.</response>
    /// <response code="404">No project has this id, or you are not a member.</response>
    public static async Task<Results<Ok<IReadOnlyList<ProjectMemberDto>>, ProblemHttpResult>> MembersAsync(
        Guid id, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        if (!s.CanSee(await s.Access.ForAsync(user, ct), id))
        {
            return ProjectProblems.ProjectNotFound();
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        return await ProjectStore.GetAsync(connection, id) is null
            ? ProjectProblems.ProjectNotFound()
            : TypedResults.Ok(await ProjectStore.MembersAsync(connection, id));
    }

    /// <summary>One member of a project</summary>
    /// <remarks>Members of the project and facility staff.</remarks>
    /// <response code="200">The membership.</response>
    /// <response code="404">No such project (or you are not a member), or the user is not a member.</response>
    public static async Task<Results<Ok<ProjectMemberDto>, ProblemHttpResult>> MemberAsync(
        Guid id, Guid userId, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct)
    {
        if (!s.CanSee(await s.Access.ForAsync(user, ct), id))
        {
            return ProjectProblems.ProjectNotFound();
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        var member = await ProjectStore.MemberAsync(connection, id, userId);
        return member is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such member of this project.")
            : TypedResults.Ok(member);
    }

    /// <summary>A project's audit trail</summary>
    /// <remarks>Members of the project and facility staff. Creation, edits, archiving, and every grant, change and
    /// removal of a membership with who did it, oldest first. Paged.</remarks>
    /// <response code="200">A page of events.</response>
    /// <response code="400">A bad page.</response>
    /// <response code="404">No project has this id, or you are not a member.</response>
    public static async Task<Results<Ok<PagedResult<ProjectEventDto>>, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid id, int? page, int? pageSize, ClaimsPrincipal user, [AsParameters] ProjectServices s, CancellationToken ct) =>
        await EventPages.AnswerAsync<ProjectEventDto>(page, pageSize, ProjectProblems.ProjectNotFound, async paging =>
        {
            if (!s.CanSee(await s.Access.ForAsync(user, ct), id))
            {
                return null;
            }
            await using var connection = await s.Db.OpenConnectionAsync(ct);
            return await ProjectStore.GetAsync(connection, id) is null ? null : await ProjectStore.EventsAsync(connection, id, paging);
        });

    /// <summary>A user's memberships, for the membership caches of Sequencing and Templates (service identity only).</summary>
    public static async Task<Ok<IReadOnlyList<ProjectAccessEntry>>> AccessAsync(Guid userId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await ProjectStore.AccessAsync(connection, userId));
    }

    /// <summary>Whether the caller may see the project; a refusal is counted.</summary>
    public static bool CanSee(this ProjectServices s, ProjectAccess access, Guid projectId)
    {
        if (access.CanSee(projectId))
        {
            return true;
        }
        s.Denials.NotMemberOf(access.UserId);
        return false;
    }

    /// <summary>Managing a project (edit, members): owners and staff; 404 for non-members, 403 for the rest.</summary>
    public static ProblemHttpResult? ManageRefusal(this ProjectServices s, ProjectAccess access, Guid projectId)
    {
        if (!s.CanSee(access, projectId))
        {
            return ProjectProblems.ProjectNotFound();
        }
        if (access.IsStaff || access.RoleIn(projectId) == ProjectRoles.Owner)
        {
            return null;
        }
        if (access.RoleIn(projectId) == ProjectRoles.Viewer)
        {
            s.Denials.ViewerWrite();
        }
        return ProjectProblems.OwnersOnly();
    }

    public static ValidationErrors CheckProjectText(this ValidationErrors errors, string? name, string? description, string? costCode) =>
        errors.Text("name", name, ProjectLimits.MaxNameLength)
              .Text("description", description, ProjectLimits.MaxDescriptionLength, required: false)
              .Text("costCode", costCode, ProjectLimits.MaxCostCodeLength, required: false);
}
