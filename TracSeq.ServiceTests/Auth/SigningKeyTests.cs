using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TracSeq.ServiceTests.Auth;

[Collection(AuthServiceCollection.Name)]
public sealed class SigningKeyTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Auth_publishes_a_discovery_document_and_only_public_keys()
    {
        using var client = _auth.Client();

        using var discovery = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration"));
        discovery.RootElement.GetProperty("issuer").GetString().ShouldBe("tracseq-auth");
        var jwksUri = new Uri(discovery.RootElement.GetProperty("jwks_uri").GetString()!);
        using var jwks = JsonDocument.Parse(await client.GetStringAsync(jwksUri.PathAndQuery));

        var key = jwks.RootElement.GetProperty("keys").EnumerateArray().ShouldHaveSingleItem();
        key.GetProperty("kty").GetString().ShouldBe("EC");
        key.GetProperty("crv").GetString().ShouldBe("P-256");
        key.GetProperty("alg").GetString().ShouldBe("ES256");
        key.TryGetProperty("d", out _).ShouldBeFalse(); // the private part never leaves Auth
    }

    [Fact]
    public async Task The_signing_key_survives_a_restart_of_Auth_and_earlier_tokens_stay_valid()
    {
        var before = await _auth.LoginAsAdminAsync();
        var kidBefore = Jwt.Decode(before.AccessToken).Header.GetProperty("kid").GetString();

        await fixture.RestartAsync();

        var after = await _auth.LoginAsAdminAsync();
        Jwt.Decode(after.AccessToken).Header.GetProperty("kid").GetString().ShouldBe(kidBefore);
        using var me = _auth.Client(before.AccessToken);
        (await me.GetFromJsonAsync<UserInfo>("/api/auth/me", AuthApiClient.Json))!.Email.ShouldBe(fixture.AdminEmail);
        (await _auth.ProbeAsync(before.AccessToken)).ShouldBe(HttpStatusCode.OK);
    }
}
