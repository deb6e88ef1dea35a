using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;

namespace TracSeq.Samples.Projects;

/// <summary>
/// The project rules as the sample endpoints apply them. Rule 1: a sample of a project the caller is not a member of
/// does not exist for them (the same 404 as an unknown id). Rule 4: a write needs owner or member (a viewer gets 403).
/// Facility staff pass every check without a lookup.
/// </summary>
public static class SampleProjects
{
    /// <summary>Rule 1 for a read; a refusal is counted.</summary>
    public static bool Sees(this ProjectAccess access, Guid projectId, AuthorizationDenials denials) =>
        ProjectRules.Sees(access, projectId, denials);

    /// <summary>Rule 4 for a change of a sample: null when allowed, else the answer (404 as if absent, or 403 for a viewer).</summary>
    public static ProblemHttpResult? WriteRefusal(this ProjectAccess access, Guid projectId, AuthorizationDenials denials) =>
        ProjectRules.WriteVerdict(access, projectId, denials) switch
        {
            ProjectVerdict.Act => null,
            ProjectVerdict.ReadOnly => ProjectProblems.ViewerOnly(),
            _ => SampleProblems.SampleNotFound(),
        };

    /// <summary>Non-staff must name a project when registering; staff may leave it out (the sample goes to UNASSIGNED).</summary>
    public static ValidationErrors CheckProjectNamed(this ValidationErrors errors, ProjectAccess access, string? code, string field = "projectCode") =>
        errors.Check(access.IsStaff || code is not null, field, $"{field} is required: name one of your projects.");

    /// <summary>
    /// The project a new or moved sample goes to: it must exist, be visible (else 404 naming the code, the same for
    /// both), be one the caller acts in (a viewer gets 403) and not be archived (409).
    /// </summary>
    public static async Task<(Project? Project, ProblemHttpResult? Refusal)> TargetAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, ProjectAccess access, string? code, AuthorizationDenials denials)
    {
        var project = await ProjectStore.FindByCodeAsync(connection, code ?? ProjectCodes.Unassigned, tx);
        return Target(project, access, code ?? ProjectCodes.Unassigned, denials);
    }

    public static (Project? Project, ProblemHttpResult? Refusal) Target(Project? project, ProjectAccess access, string code, AuthorizationDenials denials)
    {
        if (project is null)
        {
            return (null, ProjectProblems.UnknownCode(code));
        }
        switch (access.Verdict(project.Id))
        {
            case ProjectVerdict.Invisible:
                denials.NotMemberOf(access.UserId);
                return (null, ProjectProblems.UnknownCode(code));
            case ProjectVerdict.ReadOnly:
                denials.ViewerWrite();
                return (null, ProjectProblems.ViewerOnly(code));
        }
        return project.Archived ? (null, ProjectProblems.Archived(code)) : (project, null);
    }

    /// <summary>A filter naming a project: unknown and invisible codes are both 404 naming the code.</summary>
    public static async Task<ProblemHttpResult?> FilterRefusalAsync(
        NpgsqlConnection connection, ProjectAccess access, string? code, AuthorizationDenials denials)
    {
        if (code is null)
        {
            return null;
        }
        var project = await ProjectStore.FindByCodeAsync(connection, code);
        return project is not null && access.Sees(project.Id, denials) ? null : ProjectProblems.UnknownCode(code);
    }
}
