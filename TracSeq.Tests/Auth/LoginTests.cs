using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Auth;

[Collection(AppHostCollection.Name)]
public sealed class LoginTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Signing_in_through_the_gateway_needs_no_token()
    {
        using var gateway = _auth.Client("gateway");

        using var response = await gateway.PostAsJsonAsync("/api/auth/login", new { email = fixture.AdminEmail, password = fixture.AdminPassword });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var me = _auth.Client("gateway", (await response.Content.ReadFromJsonAsync<TokenPair>(AuthApiClient.Json))!.AccessToken);
        (await me.GetFromJsonAsync<UserInfo>("/api/auth/me", AuthApiClient.Json))!.Email.ShouldBe(fixture.AdminEmail);
    }
}

public static class Jwt
{
    public static (JsonElement Header, JsonElement Payload) Decode(string token)
    {
        var parts = token.Split('.');
        return (Part(parts[0]), Part(parts[1]));
    }

    public static JsonElement Part(string base64Url) =>
        JsonDocument.Parse(Base64UrlDecode(base64Url)).RootElement.Clone();

    public static byte[] Base64UrlDecode(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Base64UrlEncode(string text) => Base64UrlEncode(Encoding.UTF8.GetBytes(text));
}

public static class Problem
{
    public static string? Title(string body) => JsonDocument.Parse(body).RootElement.GetProperty("title").GetString();
}

public sealed record AuthEventInfo(
    long Id, string Type, DateTime At, Guid? UserId, string? Email, Guid? ActorId, string? Ip, string? UserAgent, string? TraceId);

public static class AuthEvents
{
    public static async Task<IReadOnlyList<AuthEventInfo>> ForUserAsync(AuthApiClient auth, Guid userId)
    {
        using var admin = auth.Client("auth", (await auth.LoginAsAdminAsync()).AccessToken);
        using var page = JsonDocument.Parse(await admin.GetStringAsync($"/api/users/{userId}/events?pageSize=500"));
        return page.RootElement.GetProperty("items").Deserialize<List<AuthEventInfo>>(AuthApiClient.Json)!;
    }
}
