using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Auth;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Security;

/// <summary>The security review's findings about sign-in, sessions and revocation, each as it was reproduced.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AuthHardeningTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task A_revocation_that_cannot_be_recorded_is_reported_and_a_repeat_records_it()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("lab_technician", admin.AccessToken);
        var victim = await _auth.LoginAsync(user.Email, user.Password);
        var leaving = await _auth.LoginAsync(user.Email, user.Password);
        using var adminClient = _auth.Client("auth", admin.AccessToken);

        await fixture.StopResourceAsync("cache");
        try
        {
            using var disable = await adminClient.PatchAsJsonAsync($"/api/users/{user.Id}", new { status = "disabled" });
            disable.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await disable.Content.ReadAsStringAsync());
            disable.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

            using var logoutClient = _auth.Client("auth", leaving.AccessToken);
            using var logout = await logoutClient.PostAsJsonAsync("/api/auth/logout", new { refreshToken = leaving.RefreshToken });
            logout.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await fixture.StartResourceAsync("cache");
        }

        using var again = await adminClient.PatchAsJsonAsync($"/api/users/{user.Id}", new { status = "disabled" });
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _auth.ProbeSamplesAsync(victim.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
