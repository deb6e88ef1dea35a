using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TracSeq.ServiceTests.Auth;

public sealed record UserInfo(Guid Id, string Email, string DisplayName, string Role, string Status);
public sealed record TokenPair(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, UserInfo User);
public sealed record TestUser(Guid Id, string Email, string Password, string Role);

/// <summary>
/// Signs in and manages accounts the way a client does, straight at Auth, with a distinct <c>X-Forwarded-For</c> per
/// sign-in (Auth trusts its loopback proxy here), so the per-address sign-in limit, which a dedicated test exercises,
/// does not couple unrelated tests.
/// </summary>
public sealed class AuthApiClient(AuthService service)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A read Auth answers only for a valid, unrevoked token. That every other service refuses a revoked token too,
    /// within a second, is the whole-system suite's (TracSeq.Tests/Auth/RevocationLatencyTests.cs).
    /// </summary>
    public const string ProbePath = "/api/auth/me";

    public static string NewClientIp() => $"198.18.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    public HttpClient Client(string? accessToken = null) => service.CreateClient(accessToken);

    public async Task<HttpResponseMessage> PostLoginAsync(string email, string password, string? clientIp = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", clientIp ?? NewClientIp());
        request.Headers.UserAgent.ParseAdd("TracSeq.Tests/1.0");
        return await client.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string path, string body)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", NewClientIp());
        return await client.SendAsync(request);
    }

    public async Task<TokenPair> LoginAsync(string email, string password)
    {
        using var response = await PostLoginAsync(email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenPair>(Json))!;
    }

    public Task<TokenPair> LoginAsAdminAsync() => LoginAsync(service.AdminEmail, service.AdminPassword);

    public async Task<TestUser> CreateUserAsync(string role, string? adminToken = null)
    {
        adminToken ??= (await LoginAsAdminAsync()).AccessToken;
        var email = $"{role.Replace('_', '.')}.{Guid.NewGuid():N}@lab.example.org";
        var password = $"pw-{Guid.NewGuid():N}";
        using var client = Client(adminToken);
        using var response = await client.PostAsJsonAsync("/api/users", new { email, displayName = $"Test {role}", role, password });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var user = (await response.Content.ReadFromJsonAsync<UserInfo>(Json))!;
        return new TestUser(user.Id, email, password, role);
    }

    public async Task<HttpResponseMessage> RefreshAsync(string refreshToken)
    {
        using var client = Client();
        return await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
    }

    public async Task<HttpStatusCode> ProbeAsync(string? accessToken)
    {
        using var client = Client(accessToken);
        using var response = await client.GetAsync(ProbePath);
        return response.StatusCode;
    }

    /// <summary>
    /// After a revocation: the deny list is held in memory, fed by Redis pub/sub, so a revocation takes effect within
    /// milliseconds rather than at the instant Auth answers. Polls until the token is refused or a second has passed
    /// (the product's promise), and returns the last answer.
    /// </summary>
    public async Task<HttpStatusCode> ProbeUntilRefusedAsync(string accessToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        HttpStatusCode status;
        do
        {
            status = await ProbeAsync(accessToken);
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline);
        return status;
    }

    public static async Task<IReadOnlyList<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name)];
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
}

public static class Problem
{
    public static string? Title(string body) => JsonDocument.Parse(body).RootElement.GetProperty("title").GetString();
}

public sealed record AuthEventInfo(long Id, string Type, DateTime At, Guid? UserId, string? Email, Guid? ActorId, string? Ip, string? UserAgent,
    string? TraceId);

public static class AuthEvents
{
    public static async Task<IReadOnlyList<AuthEventInfo>> ForUserAsync(AuthApiClient auth, Guid userId)
    {
        using var admin = auth.Client((await auth.LoginAsAdminAsync()).AccessToken);
        using var page = JsonDocument.Parse(await admin.GetStringAsync($"/api/users/{userId}/events?pageSize=500"));
        return page.RootElement.GetProperty("items").Deserialize<List<AuthEventInfo>>(AuthApiClient.Json)!;
    }
}
