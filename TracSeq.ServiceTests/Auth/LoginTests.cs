using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace TracSeq.ServiceTests.Auth;

[Collection(AuthServiceCollection.Name)]
public sealed class LoginTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task The_bootstrap_administrator_signs_in_and_gets_an_ES256_token_with_the_contract_claims()
    {
        var tokens = await _auth.LoginAsAdminAsync();

        tokens.User.Email.ShouldBe(fixture.AdminEmail);
        tokens.User.Role.ShouldBe("lab_administrator");
        tokens.RefreshToken.Length.ShouldBeGreaterThanOrEqualTo(43);
        (tokens.ExpiresAt - DateTimeOffset.UtcNow).TotalMinutes.ShouldBeInRange(14, 15.1);

        var (header, payload) = Jwt.Decode(tokens.AccessToken);
        header.GetProperty("alg").GetString().ShouldBe("ES256");
        header.GetProperty("kid").GetString().ShouldNotBeNullOrEmpty();
        payload.GetProperty("sub").GetString().ShouldBe(tokens.User.Id.ToString());
        payload.GetProperty("email").GetString().ShouldBe(fixture.AdminEmail);
        payload.GetProperty("role").GetString().ShouldBe("lab_administrator");
        payload.GetProperty("jti").GetString().ShouldNotBeNullOrEmpty();
        payload.GetProperty("iss").GetString().ShouldBe("tracseq-auth");
        payload.GetProperty("aud").GetString().ShouldBe("tracseq-api");
    }

    [Fact]
    public async Task An_unknown_account_and_a_wrong_password_get_the_same_answer_in_similar_time()
    {
        var user = await _auth.CreateUserAsync("guest");
        var wrongPassword = new List<TimeSpan>();
        var unknownAccount = new List<TimeSpan>();
        string? wrongBody = null, unknownBody = null;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            using var wrong = await _auth.PostLoginAsync(user.Email, "not-the-password");
            wrongPassword.Add(watch.Elapsed);
            watch.Restart();
            using var unknown = await _auth.PostLoginAsync($"nobody-{Guid.NewGuid():N}@lab.example.org", "not-the-password");
            unknownAccount.Add(watch.Elapsed);

            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            wrongBody = Problem.Title(await wrong.Content.ReadAsStringAsync());
            unknownBody = Problem.Title(await unknown.Content.ReadAsStringAsync());
        }

        unknownBody.ShouldBe(wrongBody);
        // Both pay for one PBKDF2 verification; without the dummy hash an unknown account would answer many times faster.
        Median(unknownAccount).ShouldBeGreaterThan(Median(wrongPassword) / 4);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_for_fifteen_minutes_and_it_opens_again_after()
    {
        var user = await _auth.CreateUserAsync("research_scientist");

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var failed = await _auth.PostLoginAsync(user.Email, "wrong-password");
            failed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"attempt {attempt}");
        }
        using var fifth = await _auth.PostLoginAsync(user.Email, "wrong-password");
        fifth.StatusCode.ShouldBe((HttpStatusCode)423);
        int.Parse(fifth.Headers.GetValues("Retry-After").Single()).ShouldBeInRange(890, 900);

        using var rightPasswordWhileLocked = await _auth.PostLoginAsync(user.Email, user.Password);
        rightPasswordWhileLocked.StatusCode.ShouldBe((HttpStatusCode)423);

        // Fifteen minutes pass.
        await using (var db = new NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await db.OpenAsync();
            await using var expire = new NpgsqlCommand(
                "UPDATE login_failures SET locked_until = now() - interval '1 second', first_failed_at = now() - interval '16 minutes' "
                + "WHERE email = $1::citext", db)
            {
                Parameters = { new() { Value = user.Email } },
            };
            (await expire.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var tokens = await _auth.LoginAsync(user.Email, user.Password);
        tokens.User.Id.ShouldBe(user.Id);
        var events = await AuthEvents.ForUserAsync(_auth, user.Id);
        events.ShouldContain(e => e.Type == "login_locked");
        events.First().Type.ShouldBe("login_succeeded");
    }

    [Fact]
    public async Task Sign_ins_from_one_address_are_limited_with_Retry_After_while_another_address_gets_through()
    {
        var flooder = AuthApiClient.NewClientIp();
        HttpStatusCode last = 0;
        string? retryAfter = null;
        for (var i = 0; i < 40 && last != HttpStatusCode.TooManyRequests; i++)
        {
            using var response = await _auth.PostLoginAsync($"guess-{i}@lab.example.org", "guess", flooder);
            last = response.StatusCode;
            retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null;
        }

        last.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(retryAfter!).ShouldBeInRange(1, 60);
        using var other = await _auth.PostLoginAsync(fixture.AdminEmail, fixture.AdminPassword, AuthApiClient.NewClientIp());
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_disabled_account_can_neither_sign_in_nor_refresh()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("lab_technician", admin.AccessToken);
        var session = await _auth.LoginAsync(user.Email, user.Password);

        using var adminClient = _auth.Client(admin.AccessToken);
        (await adminClient.PatchAsJsonAsync($"/api/users/{user.Id}", new { status = "disabled" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var login = await _auth.PostLoginAsync(user.Email, user.Password);
        login.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var refresh = await _auth.RefreshAsync(session.RefreshToken);
        refresh.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _auth.ProbeUntilRefusedAsync(session.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sign_in_outcomes_are_counted_for_Prometheus()
    {
        using var metrics = _auth.Client();
        var before = LoginCount(await metrics.GetStringAsync("/metrics"), "success");

        await _auth.LoginAsAdminAsync();

        LoginCount(await metrics.GetStringAsync("/metrics"), "success").ShouldBe(before + 1);
        var text = await metrics.GetStringAsync("/metrics");
        text.ShouldContain("tracseq_auth_logins_total{outcome=\"failure\"}");
        text.ShouldContain("tracseq_auth_logins_total{outcome=\"locked\"}");
    }

    private static double LoginCount(string metrics, string outcome) =>
        double.Parse(metrics.Split('\n').Single(l => l.StartsWith($"tracseq_auth_logins_total{{outcome=\"{outcome}\"}}", StringComparison.Ordinal))
            .Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
