using System.Security.Claims;
using System.Security.Cryptography;

namespace TracSeq.Web.Session;

/// <summary>
/// What the web server keeps for one signed-in browser: the gateway's tokens and who they belong to. It lives in
/// Redis under a random id; the browser's cookie carries only that id (encrypted), never a token.
/// </summary>
public sealed record WebSession(
    string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt,
    Guid UserId, string Email, string DisplayName, string Role);

/// <summary>The claims the session cookie carries: the session id and what the top bar shows.</summary>
public static class SessionClaims
{
    public const string SessionId = "sid";
    public const string UserId = "sub";
    public const string Name = "name";
    public const string Email = "email";
    public const string Role = "role";

    public const string CookieName = "tracseq.session";

    /// <summary>256 random bits, URL-safe: guessing a live session id is not a plan.</summary>
    public static string NewSessionId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static ClaimsPrincipal Principal(string sessionId, WebSession session) => new(new ClaimsIdentity(
        [
            new Claim(SessionId, sessionId),
            new Claim(UserId, session.UserId.ToString()),
            new Claim(Name, session.DisplayName),
            new Claim(Email, session.Email),
            new Claim(Role, session.Role),
        ],
        authenticationType: "tracseq-session", nameType: Name, roleType: Role));
}
