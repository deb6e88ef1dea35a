using System.Security.Claims;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceDefaults.Projects;

/// <summary>The caller's <see cref="ProjectAccess"/>: staff without a lookup, everyone else from the membership cache.</summary>
public sealed class ProjectAccessResolver(MembershipCache cache)
{
    public async ValueTask<ProjectAccess> ForAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        return ProjectAccess.IsStaffUser(user)
            ? ProjectAccess.Staff(userId)
            : ProjectAccess.Member(userId, await cache.GetAsync(userId, cancellationToken));
    }
}
