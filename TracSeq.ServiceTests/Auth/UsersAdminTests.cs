using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace TracSeq.ServiceTests.Auth;

[Collection(AuthServiceCollection.Name)]
public sealed class UsersAdminTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    public static TheoryData<string> RolesBelowAdministrator =>
        ["guest", "data_analyst", "research_scientist", "lab_technician", "principal_investigator"];

    [Theory]
    [MemberData(nameof(RolesBelowAdministrator))]
    public async Task Every_role_below_administrator_is_refused_every_admin_endpoint(string role)
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync(role, admin.AccessToken);
        var session = await _auth.LoginAsync(user.Email, user.Password);
        using var client = _auth.Client(session.AccessToken);

        (await client.GetAsync("/api/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsJsonAsync("/api/users",
            new { email = "x@lab.example.org", displayName = "X", role = "guest", password = "a-long-enough-password" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/api/users/{user.Id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { role = "lab_administrator" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/api/users/{user.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_administrator_lists_filters_reads_and_audits_accounts()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var analyst = await _auth.CreateUserAsync("data_analyst", admin.AccessToken);
        await _auth.CreateUserAsync("data_analyst", admin.AccessToken);
        using var client = _auth.Client(admin.AccessToken);

        using var page = JsonDocument.Parse(await client.GetStringAsync("/api/users?role=data_analyst&pageSize=1&page=1"));
        page.RootElement.GetProperty("items").GetArrayLength().ShouldBe(1);
        page.RootElement.GetProperty("total").GetInt64().ShouldBeGreaterThanOrEqualTo(2);
        page.RootElement.GetProperty("pageSize").GetInt32().ShouldBe(1);
        page.RootElement.GetProperty("items")[0].GetProperty("role").GetString().ShouldBe("data_analyst");

        var one = (await client.GetFromJsonAsync<UserInfo>($"/api/users/{analyst.Id}", AuthApiClient.Json))!;
        one.Email.ShouldBe(analyst.Email);
        (await client.GetAsync($"/api/users/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var created = (await AuthEvents.ForUserAsync(_auth, analyst.Id)).Single(e => e.Type == "user_created");
        created.ActorId.ShouldBe(admin.User.Id);
    }

    [Fact]
    public async Task An_email_is_taken_once_whatever_its_case()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("guest", admin.AccessToken);
        using var client = _auth.Client(admin.AccessToken);

        using var duplicate = await client.PostAsJsonAsync("/api/users",
            new { email = user.Email.ToUpperInvariant(), displayName = "Twin", role = "guest", password = "a-long-enough-password" });

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _auth.LoginAsync(user.Email.ToUpperInvariant(), user.Password)).User.Id.ShouldBe(user.Id);
    }

    [Fact]
    public async Task A_role_change_takes_effect_at_once_and_is_audited()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("guest", admin.AccessToken);
        var before = await _auth.LoginAsync(user.Email, user.Password);
        using var client = _auth.Client(admin.AccessToken);

        using var change = await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { role = "lab_technician" });

        change.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _auth.ProbeUntilRefusedAsync(before.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
        using var refreshed = await _auth.RefreshAsync(before.RefreshToken);
        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (_, payload) = Jwt.Decode((await refreshed.Content.ReadFromJsonAsync<TokenPair>(AuthApiClient.Json))!.AccessToken);
        payload.GetProperty("role").GetString().ShouldBe("lab_technician");
        var changed = (await AuthEvents.ForUserAsync(_auth, user.Id)).Single(e => e.Type == "role_changed");
        changed.ActorId.ShouldBe(admin.User.Id);
    }

    [Fact]
    public async Task An_administrator_cannot_demote_or_disable_themselves()
    {
        var admin = await _auth.LoginAsAdminAsync();
        using var client = _auth.Client(admin.AccessToken);

        (await client.PatchAsJsonAsync($"/api/users/{admin.User.Id}", new { role = "guest" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await client.PatchAsJsonAsync($"/api/users/{admin.User.Id}", new { status = "disabled" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Events_record_the_address_user_agent_and_trace_of_the_request()
    {
        var user = await _auth.CreateUserAsync("guest");
        var ip = AuthApiClient.NewClientIp();

        using var login = await _auth.PostLoginAsync(user.Email, user.Password, ip);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);

        var succeeded = (await AuthEvents.ForUserAsync(_auth, user.Id)).First(e => e.Type == "login_succeeded");
        succeeded.Ip.ShouldBe(ip);
        succeeded.UserAgent.ShouldBe("TracSeq.Tests/1.0");
        succeeded.TraceId!.ShouldMatch("^[0-9a-f]{32}$");
    }

    [Theory]
    [InlineData("UPDATE auth_events SET type = 'rewritten'")]
    [InlineData("DELETE FROM auth_events")]
    [InlineData("TRUNCATE auth_events CASCADE")]
    public async Task The_database_refuses_to_rewrite_or_remove_auth_events(string statement)
    {
        await _auth.LoginAsAdminAsync();
        await using var db = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(statement, db);

        var error = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        // The service's own login may not even try (no UPDATE/DELETE/TRUNCATE privilege); the superuser meets the trigger
        // (TracSeq.Tests/Security/DatabaseRoleTests.cs). Both refuse with insufficient_privilege.
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }
}
