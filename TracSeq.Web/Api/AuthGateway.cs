using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Web.Session;

namespace TracSeq.Web.Api;

public sealed record UserDto(Guid Id, string Email, string DisplayName, string Role, string Status,
    DateTime? LastLoginAt = null, DateTime CreatedAt = default, DateTime UpdatedAt = default);

public sealed record TokenResponse(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, UserDto User);

/// <summary>
/// Sign-in, refresh and sign-out at Auth, through the gateway's public routes. The only client without a session's
/// bearer token: these calls are what gets one.
/// </summary>
public sealed class AuthGateway(HttpClient http, ILogger<AuthGateway> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Signs in for a browser. The browser's address and user agent go along (the gateway believes this X-Forwarded-For
    /// because the request carries the web front end's service identity), so sign-in limits count people, not the web server, and auth events name the real client.
    /// </summary>
    public async Task<ApiResult<WebSession>> LoginAsync(string email, string password, string? clientIp, string? userAgent, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (clientIp is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientIp);
        }
        if (!string.IsNullOrEmpty(userAgent))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return await GatewayClient.FailureAsync<WebSession>(response, ct);
            }
            var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!;
            return new ApiResult<WebSession> { Status = response.StatusCode, Value = ToSession(tokens) };
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Sign-in: the gateway did not answer");
            return new ApiResult<WebSession> { Status = HttpStatusCode.ServiceUnavailable };
        }
    }

    public async Task<(RefreshOutcome Outcome, WebSession? Session)> RefreshAsync(WebSession current, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = current.RefreshToken }, ct);
            if (response.IsSuccessStatusCode)
            {
                var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!;
                return (RefreshOutcome.Refreshed, ToSession(tokens));
            }
            return (int)response.StatusCode is 400 or 401 or 403 ? (RefreshOutcome.Ended, null) : (RefreshOutcome.Unavailable, null);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Refresh: the gateway did not answer");
            return (RefreshOutcome.Unavailable, null);
        }
    }

    /// <summary>Revokes the session at Auth (its refresh token and, via the deny list, its access token).</summary>
    public async Task LogoutAsync(WebSession session, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout")
        {
            Content = JsonContent.Create(new { refreshToken = session.RefreshToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("Sign-out at Auth answered {Status}", (int)response.StatusCode);
            }
        }
        catch (HttpRequestException e)
        {
            // The local session is dropped anyway; the refresh token then dies unused within its lifetime.
            logger.LogWarning(e, "Sign-out: the gateway did not answer");
        }
    }

    private static WebSession ToSession(TokenResponse t) =>
        new(t.AccessToken, t.RefreshToken, t.ExpiresAt, t.User.Id, t.User.Email, t.User.DisplayName, t.User.Role);
}
