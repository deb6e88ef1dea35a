using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Components;
using TracSeq.Web.Session;

namespace TracSeq.Web.Api;

/// <summary>
/// The web server's only way to TracSeq's data: the gateway's public API, as the signed-in user. The bearer token is
/// attached by <see cref="BearerTokenHandler"/> from the server-side session; failures come back as
/// <see cref="ApiResult{T}"/> in words, an ended session sends the browser to the sign-in page, and an unreachable
/// gateway or service raises the banner (<see cref="ApiStatus"/>).
/// </summary>
public sealed class GatewayClient(HttpClient http, UserSession user, ISessionStore sessions, NavigationManager nav, ApiStatus status)
{
    public static readonly HttpRequestOptionsKey<string> SessionKey = new("tracseq.session");

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct = default) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), ct);

    public Task<ApiResult<T>> SendJsonAsync<T>(HttpMethod method, string path, object? body,
        string? ifMatch = null, string? idempotencyKey = null, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: AuthGateway.Json);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return SendAsync<T>(request, ct);
    }

    public async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken ct = default)
    {
        using (request)
        {
            try
            {
                using var response = await SendRawAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    return new ApiResult<T>
                    {
                        Status = response.StatusCode,
                        Value = await ReadAsync<T>(response, ct),
                        ETag = response.Headers.ETag?.Tag,
                    };
                }
                return await FailureAsync<T>(response, ct);
            }
            catch (HttpRequestException)
            {
                status.Report(available: false);
                return new ApiResult<T> { Status = HttpStatusCode.ServiceUnavailable };
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                status.Report(available: false);
                return new ApiResult<T> { Status = HttpStatusCode.GatewayTimeout };
            }
        }
    }

    /// <summary>
    /// Sends as the signed-in user and returns the response unread (downloads stream it on). Handles the two answers
    /// every page treats alike: 401 (the session is over: to the sign-in page) and the gateway or a service being down.
    /// </summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct = default)
    {
        var sessionId = await user.SessionIdAsync();
        if (sessionId is not null)
        {
            request.Options.Set(SessionKey, sessionId);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        status.Report(available: response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout));
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            if (sessionId is not null)
            {
                await sessions.DeleteAsync(sessionId);
            }
            nav.NavigateTo("/login?ended=1", forceLoad: true);
        }
        return response;
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (typeof(T) == typeof(string))
        {
            return (T)(object)await response.Content.ReadAsStringAsync(ct);
        }
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return default;
        }
        return await response.Content.ReadFromJsonAsync<T>(AuthGateway.Json, ct);
    }

    internal static async Task<ApiResult<T>> FailureAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return new ApiResult<T>
        {
            Status = response.StatusCode,
            Problem = Problem.FromJson((int)response.StatusCode, body),
            RetryAfter = RetryAfter(response.Headers.RetryAfter),
        };
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };
}

/// <summary>Attaches the session's access token (refreshed ahead of expiry by <see cref="SessionTokens"/>).</summary>
public sealed class BearerTokenHandler(SessionTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Options.TryGetValue(GatewayClient.SessionKey, out var sessionId))
        {
            var token = await tokens.GetAccessTokenAsync(sessionId, ct);
            if (token is null)
            {
                // The session is gone (signed out elsewhere, or Auth refused to refresh it): answer as the gateway would.
                return new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request };
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await base.SendAsync(request, ct);
    }
}

/// <summary>Whether the gateway and services answered the last call: the layout shows a banner while they do not.</summary>
public sealed class ApiStatus
{
    public bool Unavailable { get; private set; }

    public event Action? Changed;

    public void Report(bool available)
    {
        if (Unavailable == !available)
        {
            return;
        }
        Unavailable = !available;
        Changed?.Invoke();
    }
}
