using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using TracSeq.Auth.Tokens;
using TracSeq.Auth.Users;

namespace TracSeq.Auth.Sessions;

public sealed record TokenResponse(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, UserDto User);

/// <summary>
/// A session is a family of refresh tokens: random 256-bit values, stored only as SHA-256 hashes, valid 14 days,
/// replaced on every refresh. Each issue pairs a new refresh token with a new access token. However often it is
/// refreshed, a session ends <see cref="AbsoluteLifetime"/> after its sign-in (<c>Auth:Sessions:AbsoluteLifetime</c>,
/// default 12 hours): a stolen refresh token cannot keep a session alive forever.
/// </summary>
public sealed class SessionIssuer(AccessTokenIssuer accessTokens, TimeProvider clock, IConfiguration configuration)
{
    public const string SessionClaim = "sid";
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    public TimeSpan AbsoluteLifetime { get; } = configuration.GetValue("Auth:Sessions:AbsoluteLifetime", TimeSpan.FromHours(12));

    /// <summary>When the session (refresh-token family) ends: its sign-in, the family's first token, plus the lifetime.</summary>
    public async Task<DateTimeOffset> SessionEndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId)
    {
        var started = await connection.ExecuteScalarAsync<DateTime>(
            "SELECT created_at FROM refresh_tokens WHERE id = @familyId", new { familyId }, transaction);
        return new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) + AbsoluteLifetime;
    }

    public static byte[] Hash(string refreshToken) => SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken));

    /// <summary>Issues a token pair in <paramref name="familyId"/> (a new session when null). Returns the new refresh token's id too.</summary>
    public async Task<(TokenResponse Tokens, Guid RefreshTokenId)> IssueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, User user, Guid? familyId = null)
    {
        var refreshToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var expiresAt = now + RefreshTokenLifetime;
        if (familyId is { } family && await SessionEndAsync(connection, transaction, family) is var end && end < expiresAt)
        {
            expiresAt = end;
        }
        else if (familyId is null && now + AbsoluteLifetime < expiresAt)
        {
            expiresAt = now + AbsoluteLifetime;
        }
        await connection.ExecuteAsync(
            """
            INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at)
            VALUES (@id, @familyId, @userId, @hash, @expiresAt)
            """,
            new { id, familyId = familyId ?? id, userId = user.Id, hash = Hash(refreshToken), expiresAt },
            transaction);
        var access = accessTokens.Issue(user, familyId ?? id);
        return (new TokenResponse(access.Token, refreshToken, access.ExpiresAt, user.ToDto()), id);
    }

    public static Task RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId, string reason) =>
        connection.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = @reason WHERE family_id = @familyId AND revoked_at IS NULL",
            new { familyId, reason }, transaction);
}
