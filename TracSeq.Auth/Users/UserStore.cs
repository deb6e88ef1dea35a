using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Paging;

namespace TracSeq.Auth.Users;

/// <summary>The SQL of accounts, and of ending every session an account holds.</summary>
public static class UserStore
{
    private const string Columns = UserQueries.Columns;

    public static Task<User?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id) =>
        connection.QuerySingleOrDefaultAsync<User>($"SELECT {Columns} FROM users WHERE id = @id", new { id }, tx);

    public static Task<User> GetAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.QuerySingleAsync<User>($"SELECT {Columns} FROM users WHERE id = @id", new { id }, tx);

    public static Task<User?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.QuerySingleOrDefaultAsync<User>($"SELECT {Columns} FROM users WHERE id = @id FOR UPDATE", new { id }, tx);

    public static Task<User?> LockByEmailAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string email) =>
        connection.QuerySingleOrDefaultAsync<User>($"SELECT {Columns} FROM users WHERE email = @email::citext FOR UPDATE", new { email }, tx);

    public static Task<bool> ExistsAsync(NpgsqlConnection connection, Guid id) =>
        connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM users WHERE id = @id)", new { id });

    /// <summary>A page of accounts by e-mail; <paramref name="q"/> (trimmed) searches e-mail and display name.</summary>
    public static async Task<(IEnumerable<User> Users, long Total)> ListAsync(
        NpgsqlConnection connection, string? q, string? role, string? status, PageRequest paging)
    {
        const string where = """
            WHERE (@q IS NULL OR email ILIKE '%' || @q || '%' OR display_name ILIKE '%' || @q || '%')
              AND (@role IS NULL OR role = @role) AND (@status IS NULL OR status = @status)
            """;
        var filter = new { q, role, status, limit = paging.PageSize, offset = paging.Offset };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM users {where}", filter);
        var users = await connection.QueryAsync<User>($"SELECT {Columns} FROM users {where} ORDER BY email LIMIT @limit OFFSET @offset", filter);
        return (users, total);
    }

    /// <summary>Inserts a new account; shared with the bootstrap of the first administrator.</summary>
    public static Task<User> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, User user) =>
        connection.QuerySingleAsync<User>(
            $"""
            INSERT INTO users (id, email, display_name, role, status, password_hash)
            VALUES (@Id, @Email::citext, @DisplayName, @Role, @Status, @PasswordHash)
            RETURNING {Columns}
            """, user, tx);

    /// <summary>An administrator's change (null leaves a field); <paramref name="voidTokens"/> makes older access tokens stale.</summary>
    public static Task<User> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id,
        string? displayName, string? role, string? status, bool voidTokens) =>
        connection.QuerySingleAsync<User>(
            $"""
            UPDATE users SET display_name = COALESCE(@displayName, display_name), role = COALESCE(@role, role),
                             status = COALESCE(@status, status), updated_at = now(),
                             token_version = token_version + CASE WHEN @voidTokens THEN 1 ELSE 0 END
            WHERE id = @id RETURNING {Columns}
            """,
            new { id, displayName, role, status, voidTokens }, tx);

    /// <summary>A successful sign-in: failures cleared, the time stamped, the hash upgraded when <paramref name="rehash"/> is given.</summary>
    public static Task RecordSignInAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, DateTimeOffset now, string? rehash) =>
        connection.ExecuteAsync(
            """
            UPDATE users SET failed_login_count = 0, first_failed_login_at = NULL, locked_until = NULL,
                             last_login_at = @now, updated_at = @now,
                             password_hash = COALESCE(@rehash, password_hash)
            WHERE id = @id
            """,
            new { id, now, rehash }, tx);

    /// <summary>A new password; older access tokens become stale.</summary>
    public static Task<User> SetPasswordAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string hash) =>
        connection.QuerySingleAsync<User>(
            $"""
            UPDATE users SET password_hash = @hash, token_version = token_version + 1, updated_at = now()
            WHERE id = @id RETURNING {Columns}
            """,
            new { id, hash }, tx);

    /// <summary>Ends every session of the account (its refresh tokens), as disabling it or changing its password does.</summary>
    public static Task EndSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string reason) =>
        connection.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = @reason WHERE user_id = @userId AND revoked_at IS NULL",
            new { userId, reason }, transaction);
}
