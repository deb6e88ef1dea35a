using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Sequencing.Http;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Projects;

/// <summary>What every handler that applies the project rules needs: the caller's memberships and the refusal counter.</summary>
public sealed record ProjectGate(ProjectAccessResolver Resolver, AuthorizationDenials Denials)
{
    public ValueTask<ProjectAccess> ForAsync(ClaimsPrincipal user, CancellationToken ct) => Resolver.ForAsync(user, ct);

    /// <summary>Rule 1 for a library: null when the caller sees it, else the same 404 as an unknown id.</summary>
    public ProblemHttpResult? ReadRefusal(ProjectAccess access, Guid? projectId) =>
        access.Sees(projectId, Denials) ? null : Endpoints.NotFound("library");

    /// <summary>Rule 4 for a library: null when the caller may change it; 404 when they cannot see it, 403 for a viewer.</summary>
    public ProblemHttpResult? WriteRefusal(ProjectAccess access, Guid? projectId) => access.WriteVerdict(projectId, Denials) switch
    {
        ProjectVerdict.Act => null,
        ProjectVerdict.ReadOnly => LibraryProjects.ViewerOnly(),
        _ => Endpoints.NotFound("library"),
    };
}

/// <summary>
/// The project rules in Sequencing. A library belongs to its sample's project (copied onto it when it is made, so a
/// list filters on its own column); pools, runs, their results and sample sheets mix projects and are the facility's:
/// staff only, for anyone else they do not exist. A member reads their own libraries' reads and verdicts on the
/// library itself (<c>GET /api/libraries/{id}</c>: reads per run, the current verdict), never a run's other rows.
/// </summary>
public static class LibraryProjects
{
    public static ProblemHttpResult ViewerOnly() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "Your membership of this project is viewer: you may read, not change.");

    /// <summary>
    /// By-id routes of a facility object (a pool, a run and what hangs off it): for anyone but staff the object does not
    /// exist, the same 404 as an unknown id, before any lookup (so the answer cannot depend on whether it exists).
    /// </summary>
    public static TBuilder FacilityOnly<TBuilder>(this TBuilder builder, string what) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.User;
            if (ProjectAccess.IsStaffUser(user))
            {
                return await next(context);
            }
            context.HttpContext.RequestServices.GetRequiredService<AuthorizationDenials>().NotMemberOf(user.GetUserId());
            return Endpoints.NotFound(what);
        });

    /// <summary>Lists of facility objects are empty for anyone but staff (rule 1: only visible rows, and totals of them).</summary>
    public static bool SeesFacilityObjects(ClaimsPrincipal user) => ProjectAccess.IsStaffUser(user);
}
