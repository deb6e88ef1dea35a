using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Auth;

[Collection(AppHostCollection.Name)]
public sealed class SessionTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Refresh_through_the_gateway_needs_no_access_token()
    {
        var tokens = await _auth.LoginAsAdminAsync();
        using var gateway = _auth.Client("gateway");

        using var response = await gateway.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
