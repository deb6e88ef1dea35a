using Dapper;
using Npgsql;

namespace TracSeq.Auth.Sessions;

/// <summary>The SQL of refresh tokens as the session handlers read and rotate them.</summary>
public static class RefreshTokenStore
{
    /// <summary>The token with this hash, locked; an empty <c>Id</c> when there is none.</summary>
    public static Task<(Guid Id, Guid FamilyId, Guid UserId, DateTime ExpiresAt, DateTime? RevokedAt, string? RevokedReason)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, byte[] hash) =>
        connection.QuerySingleOrDefaultAsync<(Guid Id, Guid FamilyId, Guid UserId, DateTime ExpiresAt, DateTime? RevokedAt, string? RevokedReason)>(
            "SELECT id, family_id, user_id, expires_at, revoked_at, revoked_reason FROM refresh_tokens WHERE token_hash = @hash FOR UPDATE",
            new { hash }, tx);

    /// <summary>The presented token is spent: it names the one that replaced it.</summary>
    public static Task RotateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Guid replacement) =>
        connection.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'rotated', replaced_by = @replacement WHERE id = @id",
            new { id, replacement }, tx);

    /// <summary>The session of a refresh token the user holds, if it is theirs.</summary>
    public static Task<Guid?> FamilyOfAsync(NpgsqlConnection connection, NpgsqlTransaction tx, byte[] hash, Guid userId) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT family_id FROM refresh_tokens WHERE token_hash = @hash AND user_id = @userId", new { hash, userId }, tx);

    /// <summary>Ends the user's session named by an access token's <c>sid</c>.</summary>
    public static Task EndSessionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid session, Guid userId) =>
        connection.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'logout' WHERE family_id = @session AND user_id = @userId AND revoked_at IS NULL",
            new { session, userId }, tx);
}
