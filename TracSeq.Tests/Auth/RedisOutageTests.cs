using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Auth;

/// <summary>
/// With Redis down the API stays up: sign-in, token checks (the deny list fails open, see TokenDenyList) and
/// sign-out ends the session (answering 503 because the access token could not be denied), and readiness reports the outage.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RedisOutageTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Signing_in_and_token_checks_keep_working_while_Redis_is_down()
    {
        await fixture.StopResourceAsync("cache");
        try
        {
            var tokens = await _auth.LoginAsAdminAsync();
            (await _auth.ProbeSamplesAsync(tokens.AccessToken)).ShouldBe(HttpStatusCode.OK);
            (await _auth.ProbeSamplesAsync(null)).ShouldBe(HttpStatusCode.Unauthorized);
            using var client = _auth.Client("gateway", tokens.AccessToken);
            // The session ends in PostgreSQL; that the access token could not be denied is said, not hidden.
            (await client.PostAsJsonAsync("/api/auth/logout", new { refreshToken = tokens.RefreshToken }))
                .StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await _auth.RefreshAsync(tokens.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

            using var samples = _auth.Client("samples");
            (await samples.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await samples.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await fixture.StartResourceAsync("cache");
        }
    }
}
