using System.Net;
using System.Net.Http.Json;

namespace TracSeq.ServiceTests.Auth;

/// <summary>The user directory the Projects page uses: an exact e-mail lookup for those who manage projects, and names
/// for the ids a project's members list shows.</summary>
[Collection(AuthServiceCollection.Name)]
public sealed class UserDirectoryTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    private sealed record Entry(Guid Id, string Email, string DisplayName);

    [Fact]
    public async Task A_principal_investigator_finds_an_active_colleague_by_exact_email_and_others_may_not_look()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var colleague = await _auth.CreateUserAsync("research_scientist", admin.AccessToken);
        var pi = await _auth.CreateUserAsync("principal_investigator", admin.AccessToken);
        using var client = _auth.Client((await _auth.LoginAsync(pi.Email, pi.Password)).AccessToken);

        var found = (await client.GetFromJsonAsync<Entry>($"/api/users/lookup?email={Uri.EscapeDataString(colleague.Email.ToUpperInvariant())}",
            AuthApiClient.Json))!;
        (found.Id, found.Email).ShouldBe((colleague.Id, colleague.Email));
        found.DisplayName.ShouldNotBeNullOrWhiteSpace();

        // Only exact addresses: a part of one finds nothing, as an address nobody has.
        (await client.GetAsync($"/api/users/lookup?email={Uri.EscapeDataString(colleague.Email[..^3])}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/users/lookup")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync($"/api/users/lookup?email={new string('a', 250)}%40x.org")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using (var admins = _auth.Client(admin.AccessToken))
        {
            (await admins.PatchAsJsonAsync($"/api/users/{colleague.Id}", new { status = "disabled" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        (await client.GetAsync($"/api/users/lookup?email={Uri.EscapeDataString(colleague.Email)}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var scientist = await _auth.CreateUserAsync("research_scientist", admin.AccessToken);
        using var scientists = _auth.Client((await _auth.LoginAsync(scientist.Email, scientist.Password)).AccessToken);
        (await scientists.GetAsync($"/api/users/lookup?email={Uri.EscapeDataString(pi.Email)}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _auth.Client().GetAsync($"/api/users/lookup?email={Uri.EscapeDataString(pi.Email)}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Any_signed_in_user_names_at_most_a_hundred_ids_and_unknown_ones_are_left_out()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var a = await _auth.CreateUserAsync("guest", admin.AccessToken);
        var b = await _auth.CreateUserAsync("principal_investigator", admin.AccessToken);
        using var client = _auth.Client((await _auth.LoginAsync(a.Email, a.Password)).AccessToken);

        var names = (await client.GetFromJsonAsync<List<Entry>>($"/api/users/names?ids={a.Id},{b.Id},{Guid.NewGuid()},{a.Id}", AuthApiClient.Json))!;
        names.Select(n => (n.Id, n.Email)).OrderBy(n => n.Email).ShouldBe(new[] { (a.Id, a.Email), (b.Id, b.Email) }.OrderBy(n => n.Email));

        foreach (var bad in new[] { "", "not-an-id", string.Join(',', Enumerable.Range(0, 101).Select(_ => Guid.NewGuid())) })
        {
            using var response = await client.GetAsync($"/api/users/names?ids={bad}");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
            (await AuthApiClient.ErrorFieldsAsync(response)).ShouldBe(["ids"]);
        }
    }
}
