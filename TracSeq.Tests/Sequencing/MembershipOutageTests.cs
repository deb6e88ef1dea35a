using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Sequencing;

/// <summary>
/// Sequencing and Templates learn a user's projects from Samples. With Samples down, a member whose memberships they
/// have not cached gets a fast 503 (never another group's data, never a hang); staff, who need no lookup, carry on.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class MembershipOutageTests(AppHostFixture fixture)
{
    private readonly ProjectGroups _groups = new(fixture);
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task With_Samples_stopped_a_members_reads_are_a_fast_503_and_staff_still_read()
    {
        // A principal investigator with a project of their own, who has never called Sequencing or Templates.
        var (_, member) = await _groups.SignedInAsync("principal_investigator");
        using (var created = await member.PostAsJsonAsync("/api/projects", new { code = SampleLab.Unique("OUT"), name = "Outage" }))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        using var staff = _auth.Client("gateway", (await _auth.LoginAsAdminAsync()).AccessToken);

        await fixture.StopResourceAsync("samples");
        try
        {
            foreach (var path in new[] { "/api/libraries", "/api/submissions" })
            {
                var stopwatch = Stopwatch.StartNew();
                using var down = await member.GetAsync(path);
                var took = stopwatch.Elapsed;

                down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, $"{path}: {await down.Content.ReadAsStringAsync()}");
                down.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
                took.ShouldBeLessThan(TimeSpan.FromSeconds(10), path);
                (await staff.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
            }
        }
        finally
        {
            await fixture.StartResourceAsync("samples");
        }

        (await member.GetAsync("/api/libraries")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await member.GetAsync("/api/submissions")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
