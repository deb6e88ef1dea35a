using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Http;

/// <summary>
/// Who may write what: index kits are the lab's reference data (principal investigator and above); libraries, pools,
/// runs and QC are bench work (lab technician and above). Reading needs only a signed-in user (the fallback policy).
/// </summary>
public static class SequencingPolicies
{
    public const string ManageIndexKits = "sequencing-manage-index-kits";
    public const string LabWork = "sequencing-lab-work";

    /// <summary>Pools and runs mix projects: they are the facility's work, facility staff only (docs/roles.md).</summary>
    public const string FacilityWork = "sequencing-facility-work";

    public static IServiceCollection AddSequencingPolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(ManageIndexKits, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(SequencingRoles.ManageIndexKits)))
            .AddPolicy(LabWork, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(SequencingRoles.LabWork)))
            .AddPolicy(FacilityWork, p => p.RequireAuthenticatedUser().RequireRole(TracSeq.Contracts.FacilityStaff.Roles));
        return services;
    }
}
