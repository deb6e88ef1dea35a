using System.Security.Claims;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceDefaults.Projects;

/// <summary>One user's memberships: project id → <see cref="ProjectRoles"/> role, and (where the source knows them,
/// as Samples' answer to other services does) project id → code, for requests that name a project by its code.</summary>
public sealed record ProjectMemberships(IReadOnlyDictionary<Guid, string> Roles)
{
    public static readonly ProjectMemberships None = new(new Dictionary<Guid, string>());

    public IReadOnlyDictionary<Guid, string> Codes { get; init; } = new Dictionary<Guid, string>();
}

/// <summary>Whether a project's data is there for the caller, and if so whether they may change it.</summary>
public enum ProjectVerdict
{
    /// <summary>Staff, or an owner or member.</summary>
    Act,
    /// <summary>A viewer: reads only (a write is 403).</summary>
    ReadOnly,
    /// <summary>Not a member: the resource does not exist for this caller (404).</summary>
    Invisible,
}

/// <summary>
/// What one caller may see: everything (facility staff), or the projects they are a member of. Built once per request
/// by <see cref="ProjectAccessResolver"/>; every check on it is a dictionary lookup.
/// </summary>
public sealed class ProjectAccess
{
    private ProjectAccess(Guid userId, bool isStaff, ProjectMemberships memberships)
    {
        UserId = userId;
        IsStaff = isStaff;
        Memberships = memberships;
    }

    public Guid UserId { get; }

    public bool IsStaff { get; }

    public ProjectMemberships Memberships { get; }

    public static ProjectAccess Staff(Guid userId) => new(userId, true, ProjectMemberships.None);

    public static ProjectAccess Member(Guid userId, ProjectMemberships memberships) => new(userId, false, memberships);

    public static bool IsStaffUser(ClaimsPrincipal user) => FacilityStaff.IsStaffRole(user.GetRole());

    public bool CanSee(Guid projectId) => IsStaff || Memberships.Roles.ContainsKey(projectId);

    public ProjectVerdict Verdict(Guid projectId) =>
        IsStaff ? ProjectVerdict.Act
        : !Memberships.Roles.TryGetValue(projectId, out var role) ? ProjectVerdict.Invisible
        : ProjectRoles.CanAct(role) ? ProjectVerdict.Act
        : ProjectVerdict.ReadOnly;

    public string? RoleIn(Guid projectId) => Memberships.Roles.GetValueOrDefault(projectId);

    /// <summary>The caller's project of this code (codes compare exactly, as Samples stores them); null when none.</summary>
    public Guid? ProjectOfCode(string code) =>
        Memberships.Codes.FirstOrDefault(c => string.Equals(c.Value, code, StringComparison.Ordinal) && Memberships.Roles.ContainsKey(c.Key))
            is { Value: not null } found ? found.Key : null;

    /// <summary>The codes of the projects a list may show; null for staff (no restriction).</summary>
    public string[]? VisibleProjectCodes => IsStaff ? null : [.. Memberships.Roles.Keys.Select(id => Memberships.Codes.GetValueOrDefault(id)).OfType<string>()];

    /// <summary>The project ids a list may show; null for staff (no restriction).</summary>
    public Guid[]? VisibleProjectIds => IsStaff ? null : [.. Memberships.Roles.Keys];
}
