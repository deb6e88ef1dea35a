using System.Net.Mail;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Auth.Events;
using TracSeq.Auth.Sessions;
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
            .AddEndpointFilter<CurrentAdministrator>();
        users.MapGet("/", ListAsync);
        users.MapPost("/", CreateAsync);
        users.MapGet("/{id:guid}", GetAsync);
        users.MapPatch("/{id:guid}", UpdateAsync);
        users.MapGet("/{id:guid}/events", EventsAsync);
        return users;
    }

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

        const string where = """
            WHERE (@q IS NULL OR email ILIKE '%' || @q || '%' OR display_name ILIKE '%' || @q || '%')
              AND (@role IS NULL OR role = @role) AND (@status IS NULL OR status = @status)
            """;
        var filter = new { q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(), role, status, limit = paging.PageSize, offset = paging.Offset };
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM users {where}", filter);
        var users = await connection.QueryAsync<User>(
            $"SELECT {UserQueries.Columns} FROM users {where} ORDER BY email LIMIT @limit OFFSET @offset", filter);
        return TypedResults.Ok(new PagedResult<UserDto>([.. users.Select(u => u.ToDto())], paging.Page, paging.PageSize, total));
    }

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
            user = await InsertAsync(connection, tx, user);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A user with this e-mail address already exists.");
        }
        await s.Events.WriteAsync(connection, tx, AuthEventTypes.UserCreated, user.Id, user.Email, admin.GetUserId(), new { role = user.Role });
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/users/{user.Id}", user.ToDto());
    }

    /// <summary>Inserts a new account; shared with the bootstrap of the first administrator.</summary>
    public static Task<User> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, User user) =>
        connection.QuerySingleAsync<User>(
            $"""
            INSERT INTO users (id, email, display_name, role, status, password_hash)
            VALUES (@Id, @Email::citext, @DisplayName, @Role, @Status, @PasswordHash)
            RETURNING {UserQueries.Columns}
            """, user, tx);

    public static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<User>($"SELECT {UserQueries.Columns} FROM users WHERE id = @id", new { id });
        return user is null ? UserNotFound() : TypedResults.Ok(user.ToDto());
    }

    /// <summary>
    /// Changes display name, role or status. A role change or a disabled account takes effect at once: the token
    /// version is bumped so the user's access tokens are denied, and disabling also revokes every refresh token.
    /// </summary>
    public static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateUserRequest request, ClaimsPrincipal admin, [AsParameters] UserAdminServices s, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Text("displayName", request.DisplayName, 200, required: false)
            .Check(request.Role is null || Roles.IsKnown(request.Role), "role", $"role must be one of: {string.Join(", ", Roles.Ordered)}.")
            .Check(request.Status is null || UserStatus.IsKnown(request.Status), "status", "status must be active or disabled.")
            .Check(request.DisplayName is not null || request.Role is not null || request.Status is not null,
                "body", "Give at least one of displayName, role, status.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var adminId = admin.GetUserId();
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<User>(
            $"SELECT {UserQueries.Columns} FROM users WHERE id = @id FOR UPDATE", new { id }, tx);
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

        var updated = await connection.QuerySingleAsync<User>(
            $"""
            UPDATE users SET display_name = COALESCE(@displayName, display_name), role = COALESCE(@role, role),
                             status = COALESCE(@status, status), updated_at = now(),
                             token_version = token_version + CASE WHEN @voidTokens THEN 1 ELSE 0 END
            WHERE id = @id RETURNING {UserQueries.Columns}
            """,
            new { id, displayName = request.DisplayName?.Trim(), request.Role, request.Status, voidTokens = roleChanged || statusChanged }, tx);
        if (roleChanged)
        {
            await s.Events.WriteAsync(connection, tx, AuthEventTypes.RoleChanged, id, user.Email, adminId, new { from = user.Role, to = updated.Role });
        }
        if (statusChanged)
        {
            var disabled = updated.Status == UserStatus.Disabled;
            if (disabled)
            {
                await SessionIssuer.RevokeAllForUserAsync(connection, tx, id, "user_disabled");
            }
            await s.Events.WriteAsync(connection, tx, disabled ? AuthEventTypes.UserDisabled : AuthEventTypes.UserEnabled, id, user.Email, adminId);
        }
        await tx.CommitAsync(ct);
        // Written whenever a role or status is given, changed or not: repeating a request whose revocation could not be
        // recorded records it then.
        if ((request.Role is not null || request.Status is not null) && !await s.DenyList.RevokeUserTokensAsync(id, updated.TokenVersion))
        {
            return AuthApi.RevocationNotRecorded("The change is saved, but the user's access tokens could not be revoked yet.");
        }
        return TypedResults.Ok(updated.ToDto());
    }

    public static async Task<Results<Ok<PagedResult<AuthEventDto>>, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid id, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM users WHERE id = @id)", new { id }))
        {
            return UserNotFound();
        }
        var (items, total) = await AuthEventLog.ListForUserAsync(connection, id, paging);
        return TypedResults.Ok(new PagedResult<AuthEventDto>(items, paging.Page, paging.PageSize, total));
    }


    private static bool IsEmailAddress(string value) =>
        MailAddress.TryCreate(value.Trim(), out var address) && address.Address == value.Trim() && address.Host.Contains('.');

    private static ProblemHttpResult UserNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user.");
}
