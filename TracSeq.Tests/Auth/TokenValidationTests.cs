using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Auth;

/// <summary>Tokens are checked by the service that receives them (Samples here) and by the gateway, not by Auth.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TokenValidationTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task A_valid_token_is_accepted_by_another_service_and_the_gateway()
    {
        var tokens = await _auth.LoginAsAdminAsync();

        (await _auth.ProbeSamplesAsync(tokens.AccessToken)).ShouldBe(HttpStatusCode.OK);
        using var gateway = _auth.Client("gateway", tokens.AccessToken);
        (await gateway.GetAsync(AuthApiClient.SamplesProbePath)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task No_token_is_a_401_problem_at_the_service_and_at_the_gateway()
    {
        (await _auth.ProbeSamplesAsync(null)).ShouldBe(HttpStatusCode.Unauthorized);
        using var gateway = _auth.Client("gateway");
        using var response = await gateway.GetAsync(AuthApiClient.SamplesProbePath);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_token_forged_with_the_real_key_and_the_right_claims_is_accepted_so_the_rejections_below_mean_something()
    {
        var (key, kid) = await RealSigningKeyAsync();
        (await _auth.ProbeSamplesAsync(Sign(key, kid, Claims()))).ShouldBe(HttpStatusCode.OK);
    }

    public static TheoryData<string> BadTokens => ["expired", "wrong-issuer", "wrong-audience", "tampered", "alg-none", "foreign-key", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_rejected_with_401(string kind)
    {
        var (key, kid) = await RealSigningKeyAsync();
        var token = kind switch
        {
            "expired" => Sign(key, kid, Claims(expires: DateTimeOffset.UtcNow.AddMinutes(-5))),
            "wrong-issuer" => Sign(key, kid, Claims(issuer: "someone-else")),
            "wrong-audience" => Sign(key, kid, Claims(audience: "another-api")),
            "tampered" => Tamper((await _auth.LoginAsync(fixture.AdminEmail, fixture.AdminPassword)).AccessToken),
            "alg-none" => $"{Jwt.Base64UrlEncode("""{"alg":"none","typ":"JWT"}""")}.{Jwt.Base64UrlEncode(JsonSerializer.Serialize(Claims()))}.",
            "foreign-key" => Sign(ECDsa.Create(ECCurve.NamedCurves.nistP256), kid, Claims()),
            _ => "not.a.token",
        };

        (await _auth.ProbeSamplesAsync(token)).ShouldBe(HttpStatusCode.Unauthorized);
        using var gateway = _auth.Client("gateway", token);
        (await gateway.GetAsync(AuthApiClient.SamplesProbePath)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private Dictionary<string, object> Claims(DateTimeOffset? expires = null, string issuer = "tracseq-auth", string audience = "tracseq-api")
    {
        var now = DateTimeOffset.UtcNow;
        var exp = expires ?? now.AddMinutes(10);
        return new()
        {
            ["sub"] = Guid.NewGuid().ToString(), ["email"] = "forged@lab.example.org", ["role"] = "lab_administrator",
            ["jti"] = Guid.NewGuid().ToString("N"), ["ver"] = 0, ["iss"] = issuer, ["aud"] = audience,
            ["iat"] = exp.AddMinutes(-15).ToUnixTimeSeconds(), ["nbf"] = exp.AddMinutes(-15).ToUnixTimeSeconds(), ["exp"] = exp.ToUnixTimeSeconds(),
        };
    }

    /// <summary>Raises the role in the payload of a genuine token and keeps its signature.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Jwt.Base64UrlDecode(parts[1])).Replace("\"lab_administrator\"", "\"lab_administrator \"");
        return $"{parts[0]}.{Jwt.Base64UrlEncode(payload)}.{parts[2]}";
    }

    public static string Sign(ECDsa key, string kid, object claims)
    {
        var header = Jwt.Base64UrlEncode(JsonSerializer.Serialize(new { alg = "ES256", typ = "JWT", kid }));
        var input = $"{header}.{Jwt.Base64UrlEncode(JsonSerializer.Serialize(claims))}";
        return $"{input}.{Jwt.Base64UrlEncode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256))}";
    }

    private async Task<(ECDsa Key, string Kid)> RealSigningKeyAsync()
    {
        await using var db = new NpgsqlConnection(await fixture.GetConnectionStringAsync("authdb"));
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1", db);
        await using var row = await query.ExecuteReaderAsync();
        (await row.ReadAsync()).ShouldBeTrue();
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey((byte[])row[1], out _);
        return (key, row.GetString(0));
    }
}
