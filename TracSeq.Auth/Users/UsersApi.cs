using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Auth.Events;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Users;

public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Role, string? Password);
public sealed record UpdateUserRequest(string? DisplayName, string? Role, string? Status);

public sealed record UserAdminServices(NpgsqlDataSource Db, AuthEventLog Events, TokenDenyList DenyList);

/// <summary>Account administration: lab administrators only.</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.CanAdminister)
            .AddEndpointFilter<CurrentAdministrator>().WithStandardProblems();
        users.MapGet("/", ListAsync);
        users.MapPost("/", CreateAsync).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample(
                """{"email": "ada@lab.example.org", "displayName": "Ada Tech", "role": "lab_technician", "password": "a long passphrase of words"}""");
        users.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPatch("/{id:guid}", UpdateAsync).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample("""{"role": "principal_investigator"}""");
        users.MapGet("/{id:guid}/events", EventsAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return users;
    }

    /// <summary>List accounts</summary>
    /// <remarks>
    /// Lab administrators only. <c>q</c> searches e-mail and display name; <c>role</c> and <c>status</c>
    /// (<c>active</c>, <c>disabled</c>) filter; ordered by e-mail, paged (<c>page</c> from 1, <c>pageSize</c> up to 500).
    /// </remarks>
    /// <response code="200">A page of accounts: <c>{items, page, pageSize, total}</c>.</response>
    /// <response code="400">An unknown role or status, a bad page or page size.</response>
    public static async Task<Results<Ok<PagedResult<UserDto>>, ValidationProblem>> ListAsync(
        NpgsqlDataSource db, string? q, string? role, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Check(role is null || Roles.IsKnown(role), "role", $"role must be one of: {string.Join(", ", Roles.Ordered)}.")
              .Check(status is null || UserStatus.IsKnown(status), "status", "status must be active or disabled.")
              .Text("q", q, 200, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var (users, total) = await UserStore.ListAsync(connection, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), role, status, paging);
        return TypedResults.Ok(new PagedResult<UserDto>([.. users.Select(u => u.ToDto())], paging.Page, paging.PageSize, total));
    }

    /// <summary>Create an account</summary>
    /// <remarks>
    /// Lab administrators only. The password (12 to 128 characters) is set by the administrator and should be changed
    /// by its owner with <c>POST /api/auth/change-password</c>. Recorded in the account's events.
    /// </remarks>
    /// <response code="201">The new account; <c>Location</c> names it.</response>
    /// <response code="400">A malformed e-mail, a missing display name, an unknown role or a password out of bounds.</response>
    /// <response code="409">An account with this e-mail already exists.</response>
    public static async Task<Results<Created<UserDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateUserRequest request, ClaimsPrincipal admin, [AsParameters] UserAdminServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Text("email", request.Email, 254)
            .Text("displayName", request.DisplayName, 200)
            .Check(Roles.IsKnown(request.Role), "role", $"role must be one of: {string.Join(", ", Roles.Ordered)}.")
            .CheckNew("password", request.Password);
        if (request.Email is { Length: > 0 and <= 254 } && !IsEmailAddress(request.Email))
        {
            errors.Add("email", "email is not a valid e-mail address.");
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = request.Email!.Trim(),
            DisplayName = request.DisplayName!.Trim(),
            Role = request.Role!,
            Status = UserStatus.Active,
            PasswordHash = Passwords.Hash(request.Password!),
        };
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            user = await UserStore.InsertAsync(connection, tx, user);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A user with this e-mail address already exists.");
        }
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.UserCreated, user.Id, user.Email, admin.GetUserId(), new { role = user.Role });
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/users/{user.Id}", user.ToDto());
    }

    /// <summary>Get an account</summary>
    /// <remarks>Lab administrators only.</remarks>
    /// <response code="200">The account.</response>
    /// <response code="404">No account has this id.</response>
    public static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var user = await UserStore.FindAsync(connection, null, id);
        return user is null ? UserNotFound() : TypedResults.Ok(user.ToDto());
    }

    /// <summary>Change an account's display name, role or status</summary>
    /// <remarks>
    /// Lab administrators only. A role change or disabling takes effect at once: the account's older access tokens
    /// stop working everywhere, and disabling also ends every session. Administrators cannot change their own role
    /// or status (409), so the lab can never lock itself out.
    /// </remarks>
    /// <response code="200">The account as changed.</response>
    /// <response code="400">An unknown role or status, or a display name too long.</response>
    /// <response code="404">No account has this id.</response>
    /// <response code="409">You tried to change your own role or status.</response>
    public static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateUserRequest request, ClaimsPrincipal admin, [AsParameters] UserAdminServices s, CancellationToken ct)
    {
        if (Check(request) is { IsValid: false } errors)
        {
            return errors.ToProblem();
        }

        var adminId = admin.GetUserId();
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var user = await UserStore.LockAsync(connection, tx, id);
        if (user is null)
        {
            return UserNotFound();
        }
        var roleChanged = request.Role is not null && request.Role != user.Role;
        var statusChanged = request.Status is not null && request.Status != user.Status;
        if (id == adminId && (roleChanged || statusChanged))
        {
            // Guards against an administrator locking everyone out by demoting or disabling themselves.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "You cannot change your own role or status; ask another administrator.");
        }

        var updated = await UserStore.UpdateAsync(connection, tx, id, request.DisplayName?.Trim(), request.Role, request.Status,
            voidTokens: roleChanged || statusChanged);
        await RecordChangesAsync(connection, tx, s.Events, user, updated, adminId);
        await tx.CommitAsync(ct);
        // Written whenever a role or status is given, changed or not: repeating a request whose revocation could not be
        // recorded records it then.
        if ((request.Role is not null || request.Status is not null) && !await s.DenyList.RevokeUserTokensAsync(id, updated.TokenVersion))
        {
            return AuthProblems.RevocationNotRecorded("The change is saved, but the user's access tokens could not be revoked yet.");
        }
        return TypedResults.Ok(updated.ToDto());
    }

    private static ValidationErrors Check(UpdateUserRequest request) => new ValidationErrors()
        .Text("displayName", request.DisplayName, 200, required: false)
        .Check(request.Role is null || Roles.IsKnown(request.Role), "role", $"role must be one of: {string.Join(", ", Roles.Ordered)}.")
        .Check(request.Status is null || UserStatus.IsKnown(request.Status), "status", "status must be active or disabled.")
        .Check(request.DisplayName is not null || request.Role is not null || request.Status is not null,
            "body", "Give at least one of displayName, role, status.");

    /// <summary>A role change and a status change each in the account's events; disabling also ends every session.</summary>
    private static async Task RecordChangesAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, AuthEventLog events, User before, User updated, Guid adminId)
    {
        if (updated.Role != before.Role)
        {
            await events.WriteAsync(
                connection, tx, AuthEventTypes.RoleChanged, before.Id, before.Email, adminId, new { from = before.Role, to = updated.Role });
        }
        if (updated.Status != before.Status)
        {
            var disabled = updated.Status == UserStatus.Disabled;
            if (disabled)
            {
                await UserStore.EndSessionsAsync(connection, tx, before.Id, "user_disabled");
            }
            await events.WriteAsync(connection, tx, disabled ? AuthEventTypes.UserDisabled : AuthEventTypes.UserEnabled, before.Id, before.Email, adminId);
        }
    }

    /// <summary>An account's security events</summary>
    /// <remarks>
    /// Lab administrators only. Sign-ins, failures, locks, sign-outs, refresh-token reuse, password changes, creation,
    /// role and status changes, newest first, with time, address, user agent and trace id. The log is append-only.
    /// </remarks>
    /// <response code="200">A page of events.</response>
    /// <response code="400">A bad page or page size.</response>
    /// <response code="404">No account has this id.</response>
    public static async Task<Results<Ok<PagedResult<AuthEventDto>>, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid id, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct) =>
        await EventPages.AnswerAsync<AuthEventDto>(page, pageSize, UserNotFound, async paging =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return await UserStore.ExistsAsync(connection, id) ? await AuthEventLog.ListForUserAsync(connection, id, paging) : null;
        });


    private static bool IsEmailAddress(string value) =>
        MailAddress.TryCreate(value.Trim(), out var address) && address.Address == value.Trim() && address.Host.Contains('.');

    private static ProblemHttpResult UserNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user.");
}
