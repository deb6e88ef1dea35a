using Microsoft.Extensions.Logging.Abstractions;
using TracSeq.Contracts;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Templates.Submissions;

namespace TracSeq.UnitTests.Projects;

/// <summary>The project rules as Sequencing and Templates apply them: resources without a project, memberships as
/// Samples sends them, codes, and who may submit into which project and see which submission.</summary>
public sealed class ProjectRulesAcrossServicesTests
{
    private static readonly Guid Mine = Guid.NewGuid();
    private static readonly Guid Watched = Guid.NewGuid();
    private static readonly Guid Theirs = Guid.NewGuid();
    private static readonly AuthorizationDenials Denials = new("unit", NullLogger<AuthorizationDenials>.Instance);

    private static ProjectAccess Member(Guid? userId = null) => ProjectAccess.Member(userId ?? Guid.NewGuid(), SamplesMembershipSource.From(
    [
        new(Mine, "MINE-1", ProjectRoles.Member),
        new(Watched, "WATCHED", ProjectRoles.Viewer),
    ]));

    [Fact]
    public void A_resource_without_a_project_is_the_facilitys_staff_see_it_nobody_else()
    {
        ProjectAccess.Staff(Guid.NewGuid()).Sees(null, Denials).ShouldBeTrue();
        Member().Sees(null, Denials).ShouldBeFalse();
        Member().WriteVerdict(null, Denials).ShouldBe(ProjectVerdict.Invisible);
        ProjectAccess.Staff(Guid.NewGuid()).WriteVerdict(null, Denials).ShouldBe(ProjectVerdict.Act);
    }

    [Fact]
    public void Members_act_viewers_read_and_another_project_does_not_exist()
    {
        var member = Member();
        (member.Sees(Mine, Denials), member.Sees(Watched, Denials), member.Sees(Theirs, Denials)).ShouldBe((true, true, false));
        member.WriteVerdict(Mine, Denials).ShouldBe(ProjectVerdict.Act);
        member.WriteVerdict(Watched, Denials).ShouldBe(ProjectVerdict.ReadOnly);
        member.WriteVerdict(Theirs, Denials).ShouldBe(ProjectVerdict.Invisible);
        member.SeesFacilityObjects(Denials).ShouldBeFalse();
        ProjectAccess.Staff(Guid.NewGuid()).SeesFacilityObjects(Denials).ShouldBeTrue();
    }

    [Fact]
    public void Samples_answer_gives_roles_and_codes_and_an_unknown_role_grants_nothing()
    {
        var memberships = SamplesMembershipSource.From([new(Mine, "MINE-1", ProjectRoles.Owner), new(Theirs, "ODD", "superuser")]);
        memberships.Roles.Keys.ShouldBe([Mine]);
        var access = ProjectAccess.Member(Guid.NewGuid(), memberships);
        access.ProjectOfCode("MINE-1").ShouldBe(Mine);
        access.ProjectOfCode("mine-1").ShouldBeNull(); // codes compare exactly, as Samples stores them
        access.ProjectOfCode("ODD").ShouldBeNull();
        access.VisibleProjectCodes.ShouldBe(["MINE-1"]);
        ProjectAccess.Staff(Guid.NewGuid()).VisibleProjectCodes.ShouldBeNull();
    }

    private static ValidatedSheet Sheet(params string?[] projects) => new(projects.Length, [], 0, 0,
        [.. projects.Select((p, i) => new BatchSample($"S{i}", "dna", null, null, null, p, null, null, []))],
        [.. Enumerable.Range(2, projects.Length)], new Dictionary<string, string>());

    [Fact]
    public void The_forms_project_fills_only_rows_that_name_none_and_the_named_projects_are_listed_once()
    {
        var sheet = SubmissionProjects.WithDefault(Sheet("MINE-1", null, "WATCHED", null), "MINE-1");
        sheet.Samples.Select(s => s.ProjectCode).ShouldBe(["MINE-1", "MINE-1", "WATCHED", "MINE-1"]);
        SubmissionProjects.Named(sheet).ShouldBe(["MINE-1", "WATCHED"]);
        SubmissionProjects.WithDefault(Sheet([null]), null).Samples[0].ProjectCode.ShouldBeNull();
    }

    [Fact]
    public void Non_staff_submit_only_into_projects_they_act_in_and_the_refusal_names_the_first_other_one()
    {
        SubmissionProjects.Refusal(Member(), Sheet("MINE-1", "MINE-1"), Denials).ShouldBeNull();
        foreach (var other in new[] { "WATCHED", "THEIRS", "NEVER-MADE" })
        {
            var refused = SubmissionProjects.Refusal(Member(), Sheet("MINE-1", other), Denials)
                .ShouldBeOfType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>();
            (refused.StatusCode, refused.ProblemDetails.Detail).ShouldBe((403, other));
        }
        SubmissionProjects.Refusal(ProjectAccess.Staff(Guid.NewGuid()), Sheet(null, "ANYTHING"), Denials).ShouldBeNull();
    }

    [Fact]
    public void A_row_without_a_project_is_a_row_error_for_non_staff_and_UNASSIGNED_for_staff()
    {
        var sheet = SubmissionProjects.WithMissingProjects(Member(), Sheet("MINE-1", null, null));
        (sheet.IsValid, sheet.Rejected).ShouldBe((false, 2));
        sheet.Errors.Select(e => (e.Row, e.Column)).ShouldBe([(3, "projectCode"), (4, "projectCode")]);
        SubmissionProjects.WithMissingProjects(ProjectAccess.Staff(Guid.NewGuid()), Sheet([null])).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_submission_is_seen_when_all_its_projects_are_the_callers_or_naming_none_by_its_submitter()
    {
        var me = Guid.NewGuid();
        var member = Member(me);
        SubmissionProjects.Sees(member, new Submission { ProjectCodes = ["MINE-1", "WATCHED"], SubmittedBy = Guid.NewGuid() }).ShouldBeTrue();
        SubmissionProjects.Sees(member, new Submission { ProjectCodes = ["MINE-1", "THEIRS"], SubmittedBy = me }).ShouldBeFalse();
        SubmissionProjects.Sees(member, new Submission { ProjectCodes = [], SubmittedBy = me }).ShouldBeTrue();
        SubmissionProjects.Sees(member, new Submission { ProjectCodes = [], SubmittedBy = Guid.NewGuid() }).ShouldBeFalse();
        SubmissionProjects.Sees(ProjectAccess.Staff(Guid.NewGuid()), new Submission { ProjectCodes = ["THEIRS"] }).ShouldBeTrue();
    }
}
