using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Paging;

namespace TracSeq.Auth.Events;

public static class AuthEventTypes
{
    public const string LoginSucceeded = "login_succeeded";
    public const string LoginFailed = "login_failed";
    public const string LoginLocked = "login_locked";
    public const string Logout = "logout";
    public const string RefreshReuseDetected = "refresh_reuse_detected";
    public const string PasswordChanged = "password_changed";
    public const string PasswordChangeFailed = "password_change_failed";
    public const string UserCreated = "user_created";
    public const string UserDisabled = "user_disabled";
    public const string UserEnabled = "user_enabled";
    public const string RoleChanged = "role_changed";
}

public sealed record AuthEventDto(
    long Id, string Type, DateTime At, Guid? UserId, string? Email, Guid? ActorId,
    string? Ip, string? UserAgent, string? TraceId, JsonElement Details);

/// <summary>
/// Appends to <c>auth_events</c> in the caller's transaction, with the request's IP, user agent and trace id.
/// The table refuses UPDATE and DELETE, and no endpoint offers either.
/// </summary>
public sealed class AuthEventLog(IHttpContextAccessor http)
{
    private const int MaxUserAgentLength = 512;

    public Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string type,
        Guid? userId, string? email, Guid? actorId = null, object? details = null)
    {
        var request = http.HttpContext;
        var userAgent = request?.Request.Headers.UserAgent.ToString();
        return connection.ExecuteAsync(
            """
            INSERT INTO auth_events (type, user_id, email, actor_id, ip, user_agent, trace_id, details)
            VALUES (@type, @userId, @email::citext, @actorId, @ip, @userAgent, @traceId, @details::jsonb)
            """,
            new
            {
                type,
                userId,
                email,
                actorId,
                ip = request?.Connection.RemoteIpAddress?.ToString(),
                userAgent = userAgent is { Length: > MaxUserAgentLength } ? userAgent[..MaxUserAgentLength] : userAgent,
                traceId = Activity.Current?.TraceId.ToHexString(),
                details = JsonSerializer.Serialize(details ?? new { }),
            },
            transaction);
    }

    public static async Task<(IReadOnlyList<AuthEventDto> Items, long Total)> ListForUserAsync(
        NpgsqlConnection connection, Guid userId, PageRequest paging)
    {
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM auth_events WHERE user_id = @userId", new { userId });
        var rows = await connection.QueryAsync<(long Id, string Type, DateTime At, Guid? UserId, string? Email, Guid? ActorId,
            string? Ip, string? UserAgent, string? TraceId, string Details)>(
            """
            SELECT id, type, at, user_id, email::text, actor_id, ip, user_agent, trace_id, details::text
            FROM auth_events WHERE user_id = @userId
            ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset
            """,
            new { userId, limit = paging.PageSize, offset = paging.Offset });
        var items = rows.Select(r => new AuthEventDto(r.Id, r.Type, r.At, r.UserId, r.Email, r.ActorId, r.Ip, r.UserAgent, r.TraceId,
            JsonDocument.Parse(r.Details).RootElement.Clone())).ToList();
        return (items, total);
    }
}
