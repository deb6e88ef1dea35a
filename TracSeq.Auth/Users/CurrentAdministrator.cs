using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Users;

/// <summary>
/// Account administration trusts the database, not only the token: the caller's account is read again on every call
/// and must still be active, still a lab administrator, and at the token's version (a demotion, a disabled account or
/// a password change voids older tokens here at once, even while the Redis deny list is unavailable).
/// </summary>
public sealed class CurrentAdministrator(NpgsqlDataSource db) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        await using var connection = await db.OpenConnectionAsync(context.HttpContext.RequestAborted);
        var account = await connection.QuerySingleOrDefaultAsync<(string Role, string Status, int TokenVersion)>(
            "SELECT role, status, token_version FROM users WHERE id = @id", new { id = user.GetUserId() });
        if (account.Role is null || !int.TryParse(user.FindFirst("ver")?.Value, out var version) || version != account.TokenVersion)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "This token is no longer valid; sign in again.");
        }
        if (account.Status != UserStatus.Active || account.Role != Roles.LabAdministrator)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only an active lab administrator may do this.");
        }
        return await next(context);
    }
}
