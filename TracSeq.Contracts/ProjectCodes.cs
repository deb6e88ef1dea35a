using System.Text.RegularExpressions;

namespace TracSeq.Contracts;

/// <summary>
/// Project codes. A new project's code is 2 to 20 capital letters, digits or hyphens, starting with a letter or digit
/// (<see cref="IsValidNew"/>). Codes that existed as free text before projects did were migrated as they were, so a
/// reference to a project (a sample's <c>projectCode</c>, a filter, a sheet column) is checked against the older,
/// wider rule (<see cref="IsValid"/>: 1 to 50 letters, digits, dots, hyphens or underscores), of which the new rule is
/// a part.
/// </summary>
public static partial class ProjectCodes
{
    public const int MaxLength = 50;
    public const int NewMinLength = 2;
    public const int NewMaxLength = 20;

    /// <summary>The pattern as published in the API documentation (<c>\z</c>: no trailing line feed slips through).</summary>
    public const string PatternText = @"\A[A-Za-z0-9][A-Za-z0-9._-]{0,49}\z";

    /// <summary>The rule for a new project's code.</summary>
    public const string NewPatternText = @"\A[A-Z0-9][A-Z0-9-]{1,19}\z";

    /// <summary>The project every sample registered without one goes to (staff only, until moved).</summary>
    public const string Unassigned = "UNASSIGNED";

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(NewPatternText, RegexOptions.CultureInvariant)]
    private static partial Regex NewPattern();

    /// <summary>A well-formed reference to a project (new or migrated).</summary>
    public static bool IsValid(string code) => Pattern().IsMatch(code);

    /// <summary>A code a new project may take.</summary>
    public static bool IsValidNew(string code) => NewPattern().IsMatch(code);

    public const string NewRuleText = "code must be 2 to 20 capital letters, digits or hyphens, starting with a letter or digit.";
}

/// <summary>What a member may do in a project: owners manage it, members work in it (as their role lets them),
/// viewers only read.</summary>
public static class ProjectRoles
{
    public const string Owner = "owner";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Owner, Member, Viewer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>Owners and members act in a project; a viewer only reads, whatever their account's role.</summary>
    public static bool CanAct(string? role) => role is Owner or Member;
}

/// <summary>
/// Facility staff run the lab: they see and work on every project's samples without being members. Everyone else
/// (guest, data_analyst, research_scientist, principal_investigator) sees only the projects they belong to.
/// </summary>
public static class FacilityStaff
{
    public static readonly IReadOnlyList<string> Roles = ["lab_technician", "lab_administrator"];

    public static bool IsStaffRole(string? role) => role is "lab_technician" or "lab_administrator";
}
