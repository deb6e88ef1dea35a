using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace TracSeq.Tests.Infrastructure;

public sealed record UserInfo(Guid Id, string Email, string DisplayName, string Role, string Status);
public sealed record TokenPair(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, UserInfo User);
public sealed record TestUser(Guid Id, string Email, string Password, string Role);

/// <summary>
/// Signs in and manages accounts the way a client does. Sign-ins go straight to Auth with a distinct
/// <c>X-Forwarded-For</c> per call (Auth trusts its loopback proxy), so the per-IP sign-in limit, which a dedicated
/// test exercises, does not couple unrelated tests.
/// </summary>
public sealed class AuthApiClient(AppHostFixture fixture)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string NewClientIp() => $"198.18.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    public HttpClient Client(string resource, string? accessToken = null)
    {
        var client = fixture.CreateClient(resource);
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return client;
    }

    public async Task<HttpResponseMessage> PostLoginAsync(string email, string password, string? clientIp = null)
    {
        using var client = Client("auth");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", clientIp ?? NewClientIp());
        request.Headers.UserAgent.ParseAdd("TracSeq.Tests/1.0");
        return await client.SendAsync(request);
    }

    public async Task<TokenPair> LoginAsync(string email, string password)
    {
        using var response = await PostLoginAsync(email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenPair>(Json))!;
    }

    public Task<TokenPair> LoginAsAdminAsync() => LoginAsync(fixture.AdminEmail, fixture.AdminPassword);

    public async Task<TestUser> CreateUserAsync(string role, string? adminToken = null)
    {
        adminToken ??= (await LoginAsAdminAsync()).AccessToken;
        var email = $"{role.Replace('_', '.')}.{Guid.NewGuid():N}@lab.example.org";
        var password = $"pw-{Guid.NewGuid():N}";
        using var client = Client("auth", adminToken);
        using var response = await client.PostAsJsonAsync("/api/users", new { email, displayName = $"Test {role}", role, password });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var user = (await response.Content.ReadFromJsonAsync<UserInfo>(Json))!;
        return new TestUser(user.Id, email, password, role);
    }

    public async Task<HttpResponseMessage> RefreshAsync(string refreshToken)
    {
        using var client = Client("auth");
        return await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
    }

    /// <summary>A real read of Samples that any signed-in user may make.</summary>
    public const string SamplesProbePath = "/api/samples?pageSize=1";

    /// <summary>
    /// A read another service answers only for a valid token: Samples lists samples to any signed-in user, so this
    /// answers 200 with a good token and 401 without one.
    /// </summary>
    public async Task<HttpStatusCode> ProbeSamplesAsync(string? accessToken)
    {
        using var client = Client("samples", accessToken);
        using var response = await client.GetAsync(SamplesProbePath);
        return response.StatusCode;
    }

    /// <summary>
    /// After a revocation: services hold the deny list in memory, fed by Redis pub/sub, so a revocation reaches them
    /// within milliseconds rather than at the instant Auth answers. Polls Samples until it refuses the token or a
    /// second has passed (the product's promise), and returns the last answer.
    /// </summary>
    public async Task<HttpStatusCode> ProbeSamplesUntilRefusedAsync(string accessToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        HttpStatusCode status;
        do
        {
            status = await ProbeSamplesAsync(accessToken);
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline);
        return status;
    }
}
