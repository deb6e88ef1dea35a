using System.Security.Claims;
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
        var user = await UserStore.LockByEmailAsync(connection, tx, email);

        // The same work and the same answers whether the account exists or not: one password check, one counted failure.
        if (lockedUntil is { } until)
        {
            return await RefuseLockedAsync(
                http, connection, tx, s, user?.Id, email, request.Password!, "attempt_while_locked", until - now.UtcDateTime, ct, signIn: true);
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
        return TypedResults.Ok(await SignInAsync(connection, tx, s, user, email, request.Password!, verification, now, ct));
    }

    /// <summary>Failures cleared, the sign-in stamped (and the hash upgraded when due), a new session issued and logged.</summary>
    private static async Task<TokenResponse> SignInAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SessionServices s, User user,
        string email, string password, PasswordVerificationResult verification, DateTimeOffset now, CancellationToken ct)
    {
        await LoginFailures.ClearAsync(connection, tx, email);
        await UserStore.RecordSignInAsync(connection, tx, user.Id, now,
            verification == PasswordVerificationResult.SuccessRehashNeeded ? Passwords.Hash(password) : null);
        var (tokens, _) = await s.Sessions.IssueAsync(connection, tx, user);
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.LoginSucceeded, user.Id, user.Email);
        await tx.CommitAsync(ct);
        AuthMetrics.Logins.WithLabels(AuthMetrics.Success).Inc();
        return tokens with { User = tokens.User with { LastLoginAt = now.UtcDateTime } };
    }

    /// <summary>
    /// An attempt while the account is locked: a password check's worth of time spent all the same, logged, answered
    /// 423. A sign-in counts in the sign-in metrics; a password change does not.
    /// </summary>
    private static async Task<ProblemHttpResult> RefuseLockedAsync(HttpContext http, NpgsqlConnection connection, NpgsqlTransaction tx,
        SessionServices s, Guid? userId, string email, string password, string reason, TimeSpan retryAfter, CancellationToken ct, bool signIn)
    {
        Passwords.SpendVerificationTime(password);
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.LoginLocked, userId, email, details: new { reason });
        await tx.CommitAsync(ct);
        if (signIn)
        {
            AuthMetrics.Logins.WithLabels(AuthMetrics.Locked).Inc();
        }
        return Locked(http, retryAfter);
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
        var presented = await RefreshTokenStore.LockAsync(connection, tx, SessionIssuer.Hash(request.RefreshToken!));
        if (presented.Id == Guid.Empty)
        {
            return InvalidRefreshToken();
        }
        if (presented.RevokedAt is not null)
        {
            await RevokeOnReuseAsync(connection, tx, s, presented.FamilyId, presented.UserId, presented.RevokedReason, ct);
            return InvalidRefreshToken();
        }

        var user = await UserStore.GetAsync(connection, tx, presented.UserId);
        var now = s.Clock.GetUtcNow();
        if (presented.ExpiresAt <= now.UtcDateTime || !user.IsActive || await SessionEndedAsync(connection, tx, s, presented.FamilyId, now, ct))
        {
            return InvalidRefreshToken();
        }

        var (tokens, replacement) = await s.Sessions.IssueAsync(connection, tx, user, presented.FamilyId);
        await RefreshTokenStore.RotateAsync(connection, tx, presented.Id, replacement);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(tokens);
    }

    /// <summary>A token that was already exchanged is being replayed: whoever holds this family is not to be trusted.</summary>
    private static async Task RevokeOnReuseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SessionServices s,
        Guid familyId, Guid userId, string? revokedReason, CancellationToken ct)
    {
        if (revokedReason != "rotated")
        {
            return;
        }
        await SessionIssuer.RevokeFamilyAsync(connection, tx, familyId, "reuse_detected");
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.RefreshReuseDetected, userId, null, details: new { familyId });
        await tx.CommitAsync(ct);
    }

    /// <summary>Past the absolute session lifetime: however often it was refreshed, the session ends; sign in again.</summary>
    private static async Task<bool> SessionEndedAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, SessionServices s, Guid familyId, DateTimeOffset now, CancellationToken ct)
    {
        if (await s.Sessions.SessionEndAsync(connection, tx, familyId) > now)
        {
            return false;
        }
        await SessionIssuer.RevokeFamilyAsync(connection, tx, familyId, "session_expired");
        await tx.CommitAsync(ct);
        return true;
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
            if (await RefreshTokenStore.FamilyOfAsync(connection, tx, SessionIssuer.Hash(refreshToken), userId) is { } family)
            {
                await SessionIssuer.RevokeFamilyAsync(connection, tx, family, "logout");
            }
        }
        if (Guid.TryParse(principal.FindFirstValue(SessionIssuer.SessionClaim), out var session))
        {
            await RefreshTokenStore.EndSessionAsync(connection, tx, session, userId);
        }
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.Logout, userId, principal.GetEmail());
        await tx.CommitAsync(ct);

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(principal.FindFirstValue("exp")!, System.Globalization.CultureInfo.InvariantCulture));
        if (!await s.DenyList.RevokeTokenAsync(principal.FindFirstValue("jti")!, expiresAt))
        {
            return AuthProblems.RevocationNotRecorded("You are signed out, but this access token could not be put on the deny list.");
        }
        return TypedResults.NoContent();
    }

    /// <summary>The signed-in account</summary>
    /// <remarks>The caller's own account: id, e-mail, display name, role and status.</remarks>
    /// <response code="200">The account.</response>
    /// <response code="404">The account behind the token no longer exists.</response>
    public static async Task<Results<Ok<UserDto>, ProblemHttpResult>> MeAsync(
        ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var user = await UserStore.FindAsync(connection, null, principal.GetUserId());
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
        if (Check(request) is { IsValid: false } errors)
        {
            return errors.ToProblem();
        }

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var user = await UserStore.FindAsync(connection, tx, principal.GetUserId());
        if (user is null || !user.IsActive)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This account cannot change its password.");
        }
        // A stolen access token must not become a way to guess the password: wrong current passwords count with the
        // account's failed sign-ins and lock it the same way.
        var now = s.Clock.GetUtcNow();
        if (await LoginFailures.SerializeAsync(connection, tx, user.Email, now) is { } lockedUntil)
        {
            return await RefuseLockedAsync(http, connection, tx, s, user.Id, user.Email, request.CurrentPassword!,
                "password_change_while_locked", lockedUntil - now.UtcDateTime, ct, signIn: false);
        }
        user = (await UserStore.LockAsync(connection, tx, user.Id))!;
        if (Passwords.Verify(user.PasswordHash, request.CurrentPassword!) == PasswordVerificationResult.Failed)
        {
            return await CountFailureAsync(http, connection, tx, s, user, user.Email, now, "wrong_current_password",
                AuthEventTypes.PasswordChangeFailed, WrongCurrentPassword(), ct);
        }

        var (changed, tokens) = await SetPasswordAsync(connection, tx, s, user, request.NewPassword!);
        await tx.CommitAsync(ct);
        if (!await s.DenyList.RevokeUserTokensAsync(changed.Id, changed.TokenVersion))
        {
            return AuthProblems.RevocationNotRecorded("The password is changed, but older access tokens could not be put on the deny list.");
        }
        return TypedResults.Ok(tokens);
    }

    private static ValidationErrors Check(ChangePasswordRequest request) => new ValidationErrors()
        .Text("currentPassword", request.CurrentPassword, 1024)
        .CheckNew("newPassword", request.NewPassword)
        .Check(request.NewPassword != request.CurrentPassword, "newPassword", "newPassword must differ from the current password.");

    /// <summary>The new password, every other session ended, the change logged, and a fresh session for the caller.</summary>
    private static async Task<(User Changed, TokenResponse Tokens)> SetPasswordAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, SessionServices s, User user, string newPassword)
    {
        await LoginFailures.ClearAsync(connection, tx, user.Email);
        var changed = await UserStore.SetPasswordAsync(connection, tx, user.Id, Passwords.Hash(newPassword));
        await UserStore.EndSessionsAsync(connection, tx, changed.Id, "password_changed");
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.PasswordChanged, changed.Id, changed.Email, actorId: changed.Id);
        var (tokens, _) = await s.Sessions.IssueAsync(connection, tx, changed);
        return (changed, tokens);
    }

    // One answer for an unknown account and a wrong password, so the reply does not tell which accounts exist.
    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid email or password.");

    private static ProblemHttpResult WrongCurrentPassword() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "One or more validation errors occurred.",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["currentPassword"] = ["currentPassword is not correct."] },
        });

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
