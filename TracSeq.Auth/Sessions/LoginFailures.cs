using Dapper;
using Npgsql;

namespace TracSeq.Auth.Sessions;

/// <summary>
/// The lockout rule, written once for sign-in and password change: <see cref="MaxFailures"/> wrong passwords for one
/// e-mail address within <see cref="Window"/> lock it for <see cref="Duration"/>. Counted per address in
/// <c>login_failures</c>, existing account or not, so an unknown address answers the same sequence (401 … 423) as a
/// real one. Callers hold <see cref="SerializeAsync"/>'s lock for the address within their transaction.
/// </summary>
public static class LoginFailures
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);

    /// <summary>Takes the address's lock for the transaction and says until when it is locked (null: not locked).</summary>
    public static async Task<DateTime?> SerializeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string email, DateTimeOffset now)
    {
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('login:' || lower(@email)))", new { email }, tx);
        var lockedUntil = await connection.ExecuteScalarAsync<DateTime?>(
            "SELECT locked_until FROM login_failures WHERE email = @email::citext", new { email }, tx);
        return lockedUntil > now.UtcDateTime ? lockedUntil : null;
    }

    /// <summary>Counts one failure; returns the failures in the window and the lock it caused, if any.</summary>
    public static async Task<(int Failures, DateTime? LockedUntil)> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string email, DateTimeOffset now)
    {
        var counted = await connection.QuerySingleAsync<(int, DateTime?)>(
            """
            INSERT INTO login_failures AS f (email, failed_count, first_failed_at, locked_until)
            VALUES (@email::citext, 1, @now, CASE WHEN 1 >= @max THEN @now + @duration END)
            ON CONFLICT (email) DO UPDATE SET
                failed_count = CASE WHEN f.first_failed_at > @now - @window THEN f.failed_count + 1 ELSE 1 END,
                first_failed_at = CASE WHEN f.first_failed_at > @now - @window THEN f.first_failed_at ELSE @now END,
                locked_until = CASE WHEN (CASE WHEN f.first_failed_at > @now - @window THEN f.failed_count + 1 ELSE 1 END) >= @max
                                    THEN @now + @duration END
            RETURNING f.failed_count, f.locked_until
            """,
            new { email, now, window = Window, duration = Duration, max = MaxFailures }, tx);
        // Rows of addresses that stopped failing long ago are not needed; prune a few now and then (bounded work).
        if (Random.Shared.Next(50) == 0)
        {
            await connection.ExecuteAsync(
                """
                DELETE FROM login_failures WHERE email IN (
                    SELECT email FROM login_failures
                    WHERE first_failed_at < @now - @window AND (locked_until IS NULL OR locked_until < @now) LIMIT 500)
                """, new { now, window = Window }, tx);
        }
        return counted;
    }

    public static Task ClearAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string email) =>
        connection.ExecuteAsync("DELETE FROM login_failures WHERE email = @email::citext", new { email }, tx);
}
