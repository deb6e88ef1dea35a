namespace TracSeq.ServiceDefaults.Projects;

/// <summary>Where a user's memberships come from: Samples reads its own database; Sequencing and Templates ask Samples
/// (<c>GET /internal/projects/access/{userId}</c>).</summary>
public interface IProjectMembershipSource
{
    Task<ProjectMemberships> LoadAsync(Guid userId, CancellationToken cancellationToken);
}
