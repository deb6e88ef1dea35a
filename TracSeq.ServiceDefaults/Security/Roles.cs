namespace TracSeq.ServiceDefaults.Security;

/// <summary>The six roles, least to most privileged; each role may do everything the roles below it may.</summary>
public static class Roles
{
    public const string Guest = "guest";
    public const string DataAnalyst = "data_analyst";
    public const string ResearchScientist = "research_scientist";
    public const string LabTechnician = "lab_technician";
    public const string PrincipalInvestigator = "principal_investigator";
    public const string LabAdministrator = "lab_administrator";

    public static readonly IReadOnlyList<string> Ordered =
        [Guest, DataAnalyst, ResearchScientist, LabTechnician, PrincipalInvestigator, LabAdministrator];

    public static bool IsKnown(string? role) => role is not null && Ordered.Contains(role);

    /// <summary><paramref name="minimum"/> and every role above it.</summary>
    public static string[] AtLeast(string minimum)
    {
        var index = Ordered.ToList().IndexOf(minimum);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "Unknown role.");
        }
        return [.. Ordered.Skip(index)];
    }
}

/// <summary>
/// Authorization policy names: the minimum role for each kind of action in the product contract. Any signed-in user
/// may read; the fallback policy already demands a signed-in user, so reads need no policy of their own.
/// </summary>
public static class Policies
{
    public const string CanSubmit = "can-submit";               // create submissions and samples
    public const string CanHandleSamples = "can-handle-samples"; // change status, move, edit samples; manage storage
    public const string CanManageTemplates = "can-manage-templates";
    public const string CanAdminister = "can-administer";        // users, roles, auth events, discard samples

    internal static readonly IReadOnlyDictionary<string, string> MinimumRole = new Dictionary<string, string>
    {
        [CanSubmit] = Roles.ResearchScientist,
        [CanHandleSamples] = Roles.LabTechnician,
        [CanManageTemplates] = Roles.PrincipalInvestigator,
        [CanAdminister] = Roles.LabAdministrator,
    };
}

/// <summary>
/// The minimum roles for Sequencing's actions, here so the web front end shows a control only to roles the Sequencing
/// service would let through (its policies are built from these).
/// </summary>
public static class SequencingRoles
{
    public const string ManageIndexKits = Roles.PrincipalInvestigator;
    public const string LabWork = Roles.LabTechnician;
}
