using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TracSeq.Auth.Users;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Tokens;

public sealed record AccessToken(string Token, string Jti, DateTimeOffset ExpiresAt);

/// <summary>Signs 15-minute access tokens carrying <c>sub</c>, <c>email</c>, <c>role</c>, <c>jti</c>, <c>iss</c>, <c>aud</c>,
/// <c>ver</c>, the account's token version, and <c>sid</c>, the session.</summary>
public sealed class AccessTokenIssuer(SigningKeyStore keys, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A token for <paramref name="user"/> in session <paramref name="sessionId"/> (claim <c>sid</c>, the refresh-token family).</summary>
    public AccessToken Issue(User user, Guid sessionId)
    {
        var now = clock.GetUtcNow();
        var expires = now + TokenDefaults.AccessTokenLifetime;
        var jti = Guid.NewGuid().ToString("N");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenDefaults.Issuer,
            Audience = TokenDefaults.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = keys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Id.ToString(),
                ["email"] = user.Email,
                ["name"] = user.DisplayName,
                ["role"] = user.Role,
                ["jti"] = jti,
                ["ver"] = user.TokenVersion,
                ["sid"] = sessionId.ToString(),
            },
        });
        return new AccessToken(token, jti, expires);
    }
}
