using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.ServiceDefaults.Security;
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
    /// Signs in for a browser. The browser's address goes along signed with the web front end's key
    /// (<see cref="ServiceIdentity.ClientAddress"/>; the gateway believes nothing else from the web server), and its user
    /// agent, so sign-in limits count people, not the web server, and auth events name the real client.
    /// </summary>
    public async Task<ApiResult<WebSession>> LoginAsync(string email, string password, IPAddress? clientIp, string? userAgent, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (clientIp is not null)
        {
            request.Options.Set(ServiceIdentity.ClientAddress, clientIp);
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

    /// <summary>How long sign-out waits for Auth: the session is already gone here, this only revokes its tokens.</summary>
    public static readonly TimeSpan LogoutTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Revokes the session at Auth (its refresh token and, via the deny list, its access token). Never throws: a slow
    /// Auth, an open circuit or a refusal leaves only the tokens to die within their lifetime (the caller has already
    /// forgotten the session); false says so.
    /// </summary>
    public async Task<bool> LogoutAsync(WebSession session, IPAddress? clientIp, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout")
        {
            Content = JsonContent.Create(new { refreshToken = session.RefreshToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        if (clientIp is not null)
        {
            request.Options.Set(ServiceIdentity.ClientAddress, clientIp);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(LogoutTimeout);
        try
        {
            using var response = await http.SendAsync(request, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("Sign-out at Auth answered {Status}", (int)response.StatusCode);
            }
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException
                                      or Polly.ExecutionRejectedException)
        {
            // Timeouts, an open circuit (Polly), a gateway that does not answer: the tokens then die unused.
            logger.LogWarning(e, "Sign-out: Auth did not revoke the session's tokens");
            return false;
        }
    }

    private static WebSession ToSession(TokenResponse t) =>
        new(t.AccessToken, t.RefreshToken, t.ExpiresAt, t.User.Id, t.User.Email, t.User.DisplayName, t.User.Role);
}
