using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Auth.Events;
using TracSeq.Auth.Users;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Sessions;

public sealed record LoginRequest(string? Email, string? Password);
public sealed record RefreshRequest(string? RefreshToken);
public sealed record LogoutRequest(string? RefreshToken);
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The services every session handler needs.</summary>
public sealed record SessionServices(
    NpgsqlDataSource Db, SessionIssuer Sessions, AuthEventLog Events, TokenDenyList DenyList, TimeProvider Clock);

/// <summary>Sign-in, token refresh with rotation, sign-out, the caller's own account and password.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth").WithStandardProblems();
        auth.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(LoginRateLimit.PolicyName)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status423Locked).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRequestExample("""{"email": "tech@lab.example.org", "password": "correct horse battery staple"}""")
            .WithResponseExample(StatusCodes.Status200OK, """
                {"accessToken": "eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
                 "refreshToken": "q3Jc0m1cXJ2l0Y2hlZC1yZWZyZXNoLXRva2VuLWJhc2U2NHVybA",
                 "expiresAt": "2025-03-14T09:45:00+00:00",
                 "user": {"id": "0b9a3c3e-5d0c-4a8e-9f57-2f1d6f2a7c11", "email": "tech@lab.example.org", "displayName": "Ada Tech",
                          "role": "lab_technician", "status": "active", "lastLoginAt": "2025-03-14T09:30:00Z",
                          "createdAt": "2025-01-06T08:00:00Z", "updatedAt": "2025-01-06T08:00:00Z"}}
                """)
            .WithResponseExample(StatusCodes.Status401Unauthorized, """
                {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.2", "title": "Invalid email or password.", "status": 401,
                 "instance": "/api/auth/login", "traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "correlationId": "4bf92f3577b34da6a3ce929d0e0e4736"}
                """);
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", LogoutAsync);
        auth.MapGet("/me", MeAsync).ProducesProblem(StatusCodes.Status404NotFound);
        auth.MapPost("/change-password", ChangePasswordAsync).ProducesProblem(StatusCodes.Status403Forbidden);
        return auth;
    }

    /// <summary>Sign in with e-mail and password</summary>
    /// <remarks>
    /// Answers an access token (an ES256 JWT valid 15 minutes; send it as <c>Authorization: Bearer …</c>), a refresh
    /// token (valid 14 days, single use) and the account. An unknown e-mail and a wrong password get the same 401.
    /// Five failures within 15 minutes lock the account for 15 minutes (423 with <c>Retry-After</c>); too many attempts
    /// from one address are refused with 429 and <c>Retry-After</c>. A disabled account gets 403.
    /// </remarks>
    /// <response code="200">Signed in: tokens and the account.</response>
    /// <response code="400">email or password missing or too long; <c>errors</c> names the field.</response>
    /// <response code="401">Invalid e-mail or password (the same answer for both).</response>
    /// <response code="403">The account is disabled.</response>
    /// <response code="423">The account is locked after repeated failures; retry after <c>Retry-After</c> seconds.</response>
    /// <response code="429">Too many sign-in attempts from this address; retry after <c>Retry-After</c> seconds.</response>
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, [AsParameters] SessionServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Text("email", request.Email, 254)
            .Text("password", request.Password, 1024);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var email = request.Email!.Trim();
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var now = s.Clock.GetUtcNow();
        var lockedUntil = await LoginFailures.SerializeAsync(connection, tx, email, now);
        var user = await connection.QuerySingleOrDefaultAsync<User>(
            $"SELECT {UserQueries.Columns} FROM users WHERE email = @email::citext FOR UPDATE", new { email }, tx);

        // The same work and the same answers whether the account exists or not: one password check, one counted failure.
        if (lockedUntil is { } until)
        {
            Passwords.SpendVerificationTime(request.Password!);
            await s.Events.WriteAsync(connection, tx, AuthEventTypes.LoginLocked, user?.Id, email, details: new { reason = "attempt_while_locked" });
            await tx.CommitAsync(ct);
            AuthMetrics.Logins.WithLabels(AuthMetrics.Locked).Inc();
            return Locked(http, until - now.UtcDateTime);
        }
        var verification = user is null ? Passwords.SpendVerificationTime(request.Password!) : Passwords.Verify(user.PasswordHash, request.Password!);
        if (user is null || verification == PasswordVerificationResult.Failed)
        {
            return await CountFailureAsync(http, connection, tx, s, user, email, now, user is null ? "unknown_account" : "wrong_password",
                AuthEventTypes.LoginFailed, InvalidCredentials(), ct);
        }

        if (!user.IsActive)
        {
            await s.Events.WriteAsync(connection, tx, AuthEventTypes.LoginFailed, user.Id, user.Email, details: new { reason = "disabled" });
            await tx.CommitAsync(ct);
            AuthMetrics.Logins.WithLabels(AuthMetrics.Failure).Inc();
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This account is disabled.");
        }

        await LoginFailures.ClearAsync(connection, tx, email);
        await connection.ExecuteAsync(
            """
            UPDATE users SET failed_login_count = 0, first_failed_login_at = NULL, locked_until = NULL,
                             last_login_at = @now, updated_at = @now,
                             password_hash = COALESCE(@rehash, password_hash)
            WHERE id = @id
            """,
            new { id = user.Id, now, rehash = verification == PasswordVerificationResult.SuccessRehashNeeded ? Passwords.Hash(request.Password!) : null }, tx);
        var (tokens, _) = await s.Sessions.IssueAsync(connection, tx, user);
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.LoginSucceeded, user.Id, user.Email);
        await tx.CommitAsync(ct);
        AuthMetrics.Logins.WithLabels(AuthMetrics.Success).Inc();
        return TypedResults.Ok(tokens with { User = tokens.User with { LastLoginAt = now.UtcDateTime } });
    }

    /// <summary>A wrong password (at sign-in or as the current password of a change): counted against the e-mail
    /// address, logged, and answered <paramref name="wrong"/> or, once it locks, 423.</summary>
    private static async Task<ProblemHttpResult> CountFailureAsync(
        HttpContext http, NpgsqlConnection connection, NpgsqlTransaction tx, SessionServices s, User? user, string email,
        DateTimeOffset now, string reason, string eventType, ProblemHttpResult wrong, CancellationToken ct)
    {
        var (failures, lockedNow) = await LoginFailures.RecordAsync(connection, tx, email, now);
        var locked = lockedNow is not null;
        await s.Events.WriteAsync(connection, tx, locked ? AuthEventTypes.LoginLocked : eventType, user?.Id, email,
            details: new { reason, failures });
        await tx.CommitAsync(ct);
        AuthMetrics.Logins.WithLabels(locked ? AuthMetrics.Locked : AuthMetrics.Failure).Inc();
        return locked ? Locked(http, LoginFailures.Duration) : wrong;
    }

    /// <summary>Exchange a refresh token for a new session</summary>
    /// <remarks>
    /// Answers a new access token and a new refresh token; the one presented stops working (rotation). Presenting a
    /// refresh token that was already exchanged revokes the whole session, since someone else may hold a copy.
    /// </remarks>
    /// <response code="200">New tokens and the account.</response>
    /// <response code="400">refreshToken missing or too long.</response>
    /// <response code="401">The refresh token is unknown, expired, revoked or already used, or the account is disabled.</response>
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, [AsParameters] SessionServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors().Text("refreshToken", request.RefreshToken, 256);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var presented = await connection.QuerySingleOrDefaultAsync<(Guid Id, Guid FamilyId, Guid UserId, DateTime ExpiresAt, DateTime? RevokedAt, string? RevokedReason)>(
            "SELECT id, family_id, user_id, expires_at, revoked_at, revoked_reason FROM refresh_tokens WHERE token_hash = @hash FOR UPDATE",
            new { hash = SessionIssuer.Hash(request.RefreshToken!) }, tx);
        if (presented.Id == Guid.Empty)
        {
            return InvalidRefreshToken();
        }

        if (presented.RevokedAt is not null)
        {
            if (presented.RevokedReason == "rotated")
            {
                // A token that was already exchanged is being replayed: whoever holds this family is not to be trusted.
                await SessionIssuer.RevokeFamilyAsync(connection, tx, presented.FamilyId, "reuse_detected");
                await s.Events.WriteAsync(connection, tx, AuthEventTypes.RefreshReuseDetected, presented.UserId, null,
                    details: new { familyId = presented.FamilyId });
                await tx.CommitAsync(ct);
            }
            return InvalidRefreshToken();
        }

        var user = await connection.QuerySingleAsync<User>(
            $"SELECT {UserQueries.Columns} FROM users WHERE id = @id", new { id = presented.UserId }, tx);
        var now = s.Clock.GetUtcNow();
        if (presented.ExpiresAt <= now.UtcDateTime || !user.IsActive)
        {
            return InvalidRefreshToken();
        }
        if (await s.Sessions.SessionEndAsync(connection, tx, presented.FamilyId) <= now)
        {
            // Past the absolute session lifetime: however often it was refreshed, the session ends; sign in again.
            await SessionIssuer.RevokeFamilyAsync(connection, tx, presented.FamilyId, "session_expired");
            await tx.CommitAsync(ct);
            return InvalidRefreshToken();
        }

        var (tokens, replacement) = await s.Sessions.IssueAsync(connection, tx, user, presented.FamilyId);
        await connection.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'rotated', replaced_by = @replacement WHERE id = @id",
            new { id = presented.Id, replacement }, tx);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(tokens);
    }

    /// <summary>Sign out</summary>
    /// <remarks>
    /// Denies the access token used for this call everywhere until it expires and ends its session (the token's
    /// <c>sid</c>), and the session of <c>refreshToken</c> when given. The body is optional.
    /// </remarks>
    /// <response code="204">Signed out.</response>
    /// <response code="400">refreshToken is too long.</response>
    /// <response code="503">The deny list could not be written; repeating the request is safe.</response>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> LogoutAsync(
        [FromBody] LogoutRequest? request, ClaimsPrincipal principal, [AsParameters] SessionServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors().Text("refreshToken", request?.RefreshToken, 256, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var userId = principal.GetUserId();
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (request?.RefreshToken is { Length: > 0 } refreshToken)
        {
            var familyId = await connection.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT family_id FROM refresh_tokens WHERE token_hash = @hash AND user_id = @userId",
                new { hash = SessionIssuer.Hash(refreshToken), userId }, tx);
            if (familyId is { } family)
            {
                await SessionIssuer.RevokeFamilyAsync(connection, tx, family, "logout");
            }
        }
        if (Guid.TryParse(principal.FindFirstValue(SessionIssuer.SessionClaim), out var session))
        {
            await connection.ExecuteAsync(
                "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'logout' WHERE family_id = @session AND user_id = @userId AND revoked_at IS NULL",
                new { session, userId }, tx);
        }
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.Logout, userId, principal.GetEmail());
        await tx.CommitAsync(ct);

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(principal.FindFirstValue("exp")!, System.Globalization.CultureInfo.InvariantCulture));
        if (!await s.DenyList.RevokeTokenAsync(principal.FindFirstValue("jti")!, expiresAt))
        {
            return RevocationNotRecorded("You are signed out, but this access token could not be put on the deny list.");
        }
        return TypedResults.NoContent();
    }

    /// <summary>The database change is made but the deny list (Redis) could not be written even after retrying: the
    /// caller must know, since tokens may stay usable at other services until they expire (at most 15 minutes).</summary>
    public static ProblemHttpResult RevocationNotRecorded(string title) => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: title,
        detail: "The token deny list is unavailable. Send the same request again shortly: it is safe to repeat.",
        extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = 5 });

    /// <summary>The signed-in account</summary>
    /// <remarks>The caller's own account: id, e-mail, display name, role and status.</remarks>
    /// <response code="200">The account.</response>
    /// <response code="404">The account behind the token no longer exists.</response>
    public static async Task<Results<Ok<UserDto>, ProblemHttpResult>> MeAsync(
        ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<User>(
            $"SELECT {UserQueries.Columns} FROM users WHERE id = @id", new { id = principal.GetUserId() });
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This account no longer exists.")
            : TypedResults.Ok(user.ToDto());
    }

    /// <summary>Change your password</summary>
    /// <remarks>
    /// Checks the current password and sets a new one (12 to 128 characters). Every other session ends: refresh tokens
    /// are revoked and older access tokens denied at once. The answer is a fresh session for the caller.
    /// </remarks>
    /// <response code="200">Password changed; new tokens.</response>
    /// <response code="400">currentPassword wrong or missing, or newPassword too short, too long or unchanged.</response>
    /// <response code="403">The account is disabled.</response>
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, HttpContext http, [AsParameters] SessionServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Text("currentPassword", request.CurrentPassword, 1024)
            .CheckNew("newPassword", request.NewPassword)
            .Check(request.NewPassword != request.CurrentPassword, "newPassword", "newPassword must differ from the current password.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<User>(
            $"SELECT {UserQueries.Columns} FROM users WHERE id = @id", new { id = principal.GetUserId() }, tx);
        if (user is null || !user.IsActive)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This account cannot change its password.");
        }
        // A stolen access token must not become a way to guess the password: wrong current passwords count with the
        // account's failed sign-ins and lock it the same way.
        var now = s.Clock.GetUtcNow();
        if (await LoginFailures.SerializeAsync(connection, tx, user.Email, now) is { } lockedUntil)
        {
            Passwords.SpendVerificationTime(request.CurrentPassword!);
            await s.Events.WriteAsync(connection, tx, AuthEventTypes.LoginLocked, user.Id, user.Email, details: new { reason = "password_change_while_locked" });
            await tx.CommitAsync(ct);
            return Locked(http, lockedUntil - now.UtcDateTime);
        }
        user = await connection.QuerySingleAsync<User>($"SELECT {UserQueries.Columns} FROM users WHERE id = @id FOR UPDATE", new { id = user.Id }, tx);
        if (Passwords.Verify(user.PasswordHash, request.CurrentPassword!) == PasswordVerificationResult.Failed)
        {
            return await CountFailureAsync(http, connection, tx, s, user, user.Email, now, "wrong_current_password",
                AuthEventTypes.PasswordChangeFailed, WrongCurrentPassword(), ct);
        }
        await LoginFailures.ClearAsync(connection, tx, user.Email);

        user = await connection.QuerySingleAsync<User>(
            $"""
            UPDATE users SET password_hash = @hash, token_version = token_version + 1, updated_at = now()
            WHERE id = @id RETURNING {UserQueries.Columns}
            """,
            new { id = user.Id, hash = Passwords.Hash(request.NewPassword!) }, tx);
        await SessionIssuer.RevokeAllForUserAsync(connection, tx, user.Id, "password_changed");
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.PasswordChanged, user.Id, user.Email, actorId: user.Id);
        var (tokens, _) = await s.Sessions.IssueAsync(connection, tx, user);
        await tx.CommitAsync(ct);
        if (!await s.DenyList.RevokeUserTokensAsync(user.Id, user.TokenVersion))
        {
            return RevocationNotRecorded("The password is changed, but older access tokens could not be put on the deny list.");
        }
        return TypedResults.Ok(tokens);
    }

    // One answer for an unknown account and a wrong password, so the reply does not tell which accounts exist.
    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid email or password.");

    private static ProblemHttpResult WrongCurrentPassword() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "One or more validation errors occurred.",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["currentPassword"] = ["currentPassword is not correct."] } });

    private static ProblemHttpResult InvalidRefreshToken() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The refresh token is invalid, expired or revoked.");

    private static ProblemHttpResult Locked(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status423Locked,
            title: "Too many failed sign-ins: the account is locked for a while.",
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }
}
