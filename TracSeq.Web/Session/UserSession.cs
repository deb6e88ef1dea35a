using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Web.Session;

/// <summary>The signed-in user of this request or circuit, as the session cookie names them.</summary>
public sealed class UserSession(IHttpContextAccessor http, IServiceProvider services)
{
    private ClaimsPrincipal? _principal;

    public async Task<ClaimsPrincipal> PrincipalAsync()
    {
        if (_principal is not null)
        {
            return _principal;
        }
        // During a request (server rendering, downloads) the request's user; in an interactive circuit, the circuit's.
        if (http.HttpContext?.User is { Identity.IsAuthenticated: true } requestUser)
        {
            return _principal = requestUser;
        }
        var provider = services.GetService<AuthenticationStateProvider>();
        return _principal = provider is null ? new ClaimsPrincipal() : (await provider.GetAuthenticationStateAsync()).User;
    }

    public async Task<string?> SessionIdAsync() => (await PrincipalAsync()).FindFirst(SessionClaims.SessionId)?.Value;

    /// <summary>Whether the user's role is <paramref name="minimum"/> or above (roles are ordered least to most).</summary>
    public static bool IsAtLeast(ClaimsPrincipal user, string minimum) =>
        user.FindFirst(SessionClaims.Role)?.Value is { } role && Roles.AtLeast(minimum).Contains(role);
}
