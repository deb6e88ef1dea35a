using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace TracSeq.ServiceTests.Auth;

/// <summary>The security review's findings about sign-in, sessions and revocation that Auth answers alone.</summary>
[Collection(AuthServiceCollection.Name)]
public sealed class AuthHardeningTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Lockout_answers_the_same_sequence_for_an_unknown_address_as_for_a_real_account()
    {
        var user = await _auth.CreateUserAsync("guest");
        var unknown = $"nobody-{Guid.NewGuid():N}@lab.example.org";

        var real = new List<int>();
        var ghost = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var a = await _auth.PostLoginAsync(user.Email, "not-the-password");
            using var b = await _auth.PostLoginAsync(unknown, "not-the-password");
            real.Add((int)a.StatusCode);
            ghost.Add((int)b.StatusCode);
        }

        real.ShouldBe([401, 401, 401, 401, 423, 423]);
        ghost.ShouldBe(real);
    }

    [Fact]
    public async Task Wrong_current_passwords_count_with_failed_sign_ins_lock_the_account_and_are_logged()
    {
        var user = await _auth.CreateUserAsync("research_scientist");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        using var client = _auth.Client(session.AccessToken);

        var answers = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var change = await client.PostAsJsonAsync("/api/auth/change-password",
                new { currentPassword = $"guess-number-{i}", newPassword = "a-long-enough-new-password" });
            answers.Add((int)change.StatusCode);
        }

        answers.ShouldBe([400, 400, 400, 400, 423, 423]);
        using var signIn = await _auth.PostLoginAsync(user.Email, user.Password);
        signIn.StatusCode.ShouldBe((HttpStatusCode)423);
        var events = await AuthEvents.ForUserAsync(_auth, user.Id);
        events.Count(e => e.Type == "password_change_failed").ShouldBe(4);
        events.ShouldContain(e => e.Type == "login_locked");
    }

    [Fact]
    public async Task A_session_cannot_be_refreshed_past_its_absolute_lifetime()
    {
        var user = await _auth.CreateUserAsync("data_analyst");
        var tokens = await _auth.LoginAsync(user.Email, user.Password);
        using (var refreshed = await _auth.RefreshAsync(tokens.RefreshToken))
        {
            refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
            tokens = (await refreshed.Content.ReadFromJsonAsync<TokenPair>(AuthApiClient.Json))!;
        }

        // Thirteen hours after the sign-in, however often it was refreshed since.
        await ExecuteAsync("UPDATE refresh_tokens SET created_at = created_at - interval '13 hours' WHERE user_id = $1", user.Id);

        using var late = await _auth.RefreshAsync(tokens.RefreshToken);
        late.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_without_a_refresh_token_ends_the_session_of_the_access_token()
    {
        var user = await _auth.CreateUserAsync("lab_technician");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        var other = await _auth.LoginAsync(user.Email, user.Password);
        using var client = _auth.Client(session.AccessToken);

        using var logout = await client.PostAsJsonAsync("/api/auth/logout", new { });

        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _auth.RefreshAsync(session.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _auth.RefreshAsync(other.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Account_administration_reads_the_callers_account_again_not_only_the_token()
    {
        var root = await _auth.LoginAsAdminAsync();
        var second = await _auth.CreateUserAsync("lab_administrator", root.AccessToken);
        var token = (await _auth.LoginAsync(second.Email, second.Password)).AccessToken;
        using var client = _auth.Client(token);
        (await client.GetAsync("/api/users?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Changed behind the deny list's back (as when its Redis write was lost): the token still says lab_administrator.
        await ExecuteAsync("UPDATE users SET role = 'guest' WHERE id = $1", second.Id);
        (await client.GetAsync("/api/users?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await ExecuteAsync("UPDATE users SET role = 'lab_administrator', status = 'disabled' WHERE id = $1", second.Id);
        (await client.GetAsync("/api/users?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await ExecuteAsync("UPDATE users SET status = 'active', token_version = token_version + 1 WHERE id = $1", second.Id);
        (await client.GetAsync("/api/users?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task ExecuteAsync(string sql, Guid id)
    {
        await using var db = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = id } } };
        (await command.ExecuteNonQueryAsync()).ShouldBeGreaterThan(0);
    }
}
