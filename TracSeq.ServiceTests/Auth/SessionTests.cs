using System.Net;
using System.Net.Http.Json;

namespace TracSeq.ServiceTests.Auth;

[Collection(AuthServiceCollection.Name)]
public sealed class SessionTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Refresh_rotates_and_replaying_a_rotated_token_revokes_the_whole_family()
    {
        var user = await _auth.CreateUserAsync("data_analyst");
        var first = await _auth.LoginAsync(user.Email, user.Password);

        using var rotated = await _auth.RefreshAsync(first.RefreshToken);
        rotated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = (await rotated.Content.ReadFromJsonAsync<TokenPair>(AuthApiClient.Json))!;
        second.RefreshToken.ShouldNotBe(first.RefreshToken);
        (await _auth.ProbeAsync(second.AccessToken)).ShouldBe(HttpStatusCode.OK);

        using var replay = await _auth.RefreshAsync(first.RefreshToken);
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var afterReplay = await _auth.RefreshAsync(second.RefreshToken);
        afterReplay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await AuthEvents.ForUserAsync(_auth, user.Id)).ShouldContain(e => e.Type == "refresh_reuse_detected");
    }

    [Fact]
    public async Task Logout_stops_that_session_everywhere_and_leaves_other_sessions_alone()
    {
        var user = await _auth.CreateUserAsync("lab_technician");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        var otherSession = await _auth.LoginAsync(user.Email, user.Password);

        using var client = _auth.Client(session.AccessToken);
        using var logout = await client.PostAsJsonAsync("/api/auth/logout", new { refreshToken = session.RefreshToken });
        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await _auth.ProbeUntilRefusedAsync(session.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var refresh = await _auth.RefreshAsync(session.RefreshToken);
        refresh.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await _auth.ProbeAsync(otherSession.AccessToken)).ShouldBe(HttpStatusCode.OK);
        using var otherRefresh = await _auth.RefreshAsync(otherSession.RefreshToken);
        otherRefresh.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AuthEvents.ForUserAsync(_auth, user.Id)).ShouldContain(e => e.Type == "logout");
    }

    [Fact]
    public async Task Changing_the_password_ends_every_other_session_and_keeps_the_caller_signed_in()
    {
        var user = await _auth.CreateUserAsync("principal_investigator");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        var otherSession = await _auth.LoginAsync(user.Email, user.Password);
        var newPassword = $"new-{Guid.NewGuid():N}";

        using var client = _auth.Client(session.AccessToken);
        using var change = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = user.Password, newPassword });
        change.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = (await change.Content.ReadFromJsonAsync<TokenPair>(AuthApiClient.Json))!;

        (await _auth.ProbeUntilRefusedAsync(otherSession.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
        (await _auth.ProbeUntilRefusedAsync(session.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
        (await _auth.RefreshAsync(otherSession.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _auth.ProbeAsync(fresh.AccessToken)).ShouldBe(HttpStatusCode.OK);
        (await _auth.RefreshAsync(fresh.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await _auth.PostLoginAsync(user.Email, user.Password)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _auth.PostLoginAsync(user.Email, newPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AuthEvents.ForUserAsync(_auth, user.Id)).ShouldContain(e => e.Type == "password_changed");
    }

    [Fact]
    public async Task A_wrong_current_password_or_a_short_new_one_is_a_400_with_field_errors()
    {
        var user = await _auth.CreateUserAsync("guest");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        using var client = _auth.Client(session.AccessToken);

        using var wrong = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = "nope", newPassword = "a-long-enough-password" });
        using var tooShort = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = user.Password, newPassword = "short" });

        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AuthApiClient.ErrorFieldsAsync(wrong)).ShouldContain("currentPassword");
        tooShort.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AuthApiClient.ErrorFieldsAsync(tooShort)).ShouldContain("newPassword");
    }

    [Fact]
    public async Task Me_answers_the_callers_own_account()
    {
        var user = await _auth.CreateUserAsync("research_scientist");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        using var client = _auth.Client(session.AccessToken);

        var me = (await client.GetFromJsonAsync<UserInfo>("/api/auth/me", AuthApiClient.Json))!;

        me.Id.ShouldBe(user.Id);
        me.Role.ShouldBe("research_scientist");
        me.Status.ShouldBe("active");
    }
}
