using System.Text;
using TracSeq.Contracts;
using TracSeq.Samples.Caching;
using TracSeq.Samples.Samples;
using TracSeq.Samples.Storage;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;

namespace TracSeq.UnitTests.Projects;

/// <summary>The project rules that need no running system: codes, roles, who sees and acts, the cache entry's
/// project, the box grid's mask and the list's restriction.</summary>
public sealed class ProjectRulesTests
{
    [Theory]
    [InlineData("ONC-2025", true)]
    [InlineData("AB", true)]
    [InlineData("A1-B2-C3-D4-E5-F6-G7", true)] // 20
    [InlineData("A1-B2-C3-D4-E5-F6-G78", false)] // 21
    [InlineData("A", false)]
    [InlineData("onc-7", false)]
    [InlineData("-ONC", false)]
    [InlineData("ONC_7", false)]
    [InlineData("ONC.7", false)]
    [InlineData("ONC 7", false)]
    [InlineData("ONC-7\n", false)]
    public void A_new_projects_code_is_2_to_20_capitals_digits_or_hyphens(string code, bool valid) =>
        ProjectCodes.IsValidNew(code).ShouldBe(valid);

    [Theory]
    [InlineData("onc_2025.v2")]
    [InlineData("a")]
    public void A_code_migrated_from_the_free_text_field_can_still_be_named(string code)
    {
        ProjectCodes.IsValid(code).ShouldBeTrue();
        ProjectCodes.IsValidNew(code).ShouldBeFalse();
    }

    [Fact]
    public void Every_new_code_is_also_a_valid_reference_and_unassigned_is_one()
    {
        ProjectCodes.IsValidNew(ProjectCodes.Unassigned).ShouldBeTrue();
        foreach (var code in new[] { "AB", "ONC-2025", "9-9" })
        {
            ProjectCodes.IsValid(code).ShouldBeTrue(code);
        }
    }

    [Theory]
    [InlineData("lab_technician", true)]
    [InlineData("lab_administrator", true)]
    [InlineData("principal_investigator", false)]
    [InlineData("research_scientist", false)]
    [InlineData("data_analyst", false)]
    [InlineData("guest", false)]
    [InlineData(null, false)]
    public void Facility_staff_are_the_technicians_and_administrators(string? role, bool staff)
    {
        FacilityStaff.IsStaffRole(role).ShouldBe(staff);
        FacilityStaff.Roles.Contains(role ?? "").ShouldBe(staff);
    }

    [Fact]
    public void Owners_and_members_act_viewers_read_and_anyone_else_sees_nothing()
    {
        var (owned, worked, viewed, foreign) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var access = ProjectAccess.Member(Guid.NewGuid(), new ProjectMemberships(new Dictionary<Guid, string>
        {
            [owned] = ProjectRoles.Owner, [worked] = ProjectRoles.Member, [viewed] = ProjectRoles.Viewer,
        }));

        access.Verdict(owned).ShouldBe(ProjectVerdict.Act);
        access.Verdict(worked).ShouldBe(ProjectVerdict.Act);
        access.Verdict(viewed).ShouldBe(ProjectVerdict.ReadOnly);
        access.Verdict(foreign).ShouldBe(ProjectVerdict.Invisible);
        access.CanSee(viewed).ShouldBeTrue();
        access.CanSee(foreign).ShouldBeFalse();
        access.VisibleProjectIds!.Order().ShouldBe(new[] { owned, worked, viewed }.Order());
    }

    [Fact]
    public void Staff_see_and_act_everywhere_without_memberships()
    {
        var staff = ProjectAccess.Staff(Guid.NewGuid());
        staff.Verdict(Guid.NewGuid()).ShouldBe(ProjectVerdict.Act);
        staff.VisibleProjectIds.ShouldBeNull();
        ProjectRoles.CanAct(ProjectRoles.Viewer).ShouldBeFalse();
    }

    [Fact]
    public void A_membership_announcement_names_one_user_or_everyone()
    {
        var user = Guid.NewGuid();
        MembershipFeed.TryParse(MembershipFeed.Message(user), out var one).ShouldBeTrue();
        one.ShouldBe(user);
        MembershipFeed.TryParse(MembershipFeed.Everyone, out var all).ShouldBeTrue();
        all.ShouldBeNull();
        MembershipFeed.TryParse("not a user", out _).ShouldBeFalse();
        MembershipFeed.TryParse(null, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_cache_entry_carries_the_samples_project_before_its_json()
    {
        var project = Guid.NewGuid();
        var json = Encoding.UTF8.GetBytes("""{"id":"x","barcode":"TS-1"}""");
        var entry = Encoding.UTF8.GetBytes("7|").Concat(SampleCache.EntryBody(project, json)).ToArray();

        SampleCache.TryParseEntry(entry, out var sample).ShouldBeTrue();

        (sample.Version, sample.ProjectId).ShouldBe((7, project));
        Encoding.UTF8.GetString(sample.Json.Span).ShouldBe("""{"id":"x","barcode":"TS-1"}""");
    }

    [Theory]
    [InlineData("""7|{"id":"written before projects existed, without a project id"}""")]
    [InlineData("7|")]
    [InlineData("")]
    [InlineData("7|0123456789abcdef0123456789abcdef")] // a project but no sample
    public void An_entry_without_a_project_is_never_served(string entry) =>
        SampleCache.TryParseEntry(Encoding.UTF8.GetBytes(entry), out _).ShouldBeFalse();

    [Fact]
    public void Another_projects_sample_in_a_box_is_an_occupied_position_only()
    {
        var theirs = Guid.NewGuid();
        var row = new StoredSampleRow(Guid.NewGuid(), "TS-DNA-1", "Secret name", "dna", "in_storage", "B7", theirs);

        row.For(ProjectAccess.Member(Guid.NewGuid(), ProjectMemberships.None)).ShouldBe(StoredSample.Occupied("B7"));
        row.For(ProjectAccess.Staff(Guid.NewGuid())).Barcode.ShouldBe("TS-DNA-1");
        var viewer = new ProjectMemberships(new Dictionary<Guid, string> { [theirs] = ProjectRoles.Viewer });
        row.For(ProjectAccess.Member(Guid.NewGuid(), viewer)).Name.ShouldBe("Secret name");
    }

    [Fact]
    public void A_members_list_is_restricted_to_their_projects_and_a_staff_list_is_not()
    {
        var filter = new SampleFilter(null, null, "biopsy", null, null, null, null, null, null);
        var mine = Guid.NewGuid();

        var member = SampleQuery.From(filter, new ValidationErrors())
            .VisibleTo(ProjectAccess.Member(Guid.NewGuid(), new ProjectMemberships(new Dictionary<Guid, string> { [mine] = ProjectRoles.Member })));
        var staff = SampleQuery.From(filter, new ValidationErrors()).VisibleTo(ProjectAccess.Staff(Guid.NewGuid()));

        member.Where.ShouldStartWith("s.project_id = ANY(@visibleProjects) AND (");
        member.Parameters.Get<Guid[]>("visibleProjects").ShouldBe([mine]);
        staff.Where.ShouldNotContain("project_id");
    }
}
