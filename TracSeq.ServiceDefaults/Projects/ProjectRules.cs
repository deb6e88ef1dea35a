namespace TracSeq.ServiceDefaults.Projects;

/// <summary>
/// Rules 1 and 4 as every service applies them to a resource that carries its project: a read of a project the
/// caller is not a member of is refused as if the resource did not exist, a write needs owner or member (a viewer's is
/// refused with 403). A resource without a project (<c>null</c>: made before projects, or not yet filed) is the
/// facility's: staff only. Each refusal is counted on <see cref="AuthorizationDenials"/>.
/// </summary>
public static class ProjectRules
{
    /// <summary>Rule 1 for a read.</summary>
    public static bool Sees(this ProjectAccess access, Guid? projectId, AuthorizationDenials denials)
    {
        if (access.IsStaff || (projectId is { } id && access.CanSee(id)))
        {
            return true;
        }
        denials.NotMemberOf(access.UserId);
        return false;
    }

    /// <summary>Rule 4 for a change: <see cref="ProjectVerdict.Act"/>, or the refusal to answer (counted).</summary>
    public static ProjectVerdict WriteVerdict(this ProjectAccess access, Guid? projectId, AuthorizationDenials denials)
    {
        var verdict = access.IsStaff ? ProjectVerdict.Act
            : projectId is { } id ? access.Verdict(id)
            : ProjectVerdict.Invisible;
        switch (verdict)
        {
            case ProjectVerdict.ReadOnly:
                denials.ViewerWrite();
                break;
            case ProjectVerdict.Invisible:
                denials.NotMemberOf(access.UserId);
                break;
        }
        return verdict;
    }

    /// <summary>A facility object (a pool, a run, a sample sheet): staff only; for anyone else it does not exist.</summary>
    public static bool SeesFacilityObjects(this ProjectAccess access, AuthorizationDenials denials)
    {
        if (access.IsStaff)
        {
            return true;
        }
        denials.NotMemberOf(access.UserId);
        return false;
    }
}
