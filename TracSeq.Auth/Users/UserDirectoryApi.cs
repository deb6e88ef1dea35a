using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Users;

/// <summary>An account as people who are not administrators may see it: who it is, nothing about its security.</summary>
public sealed record DirectoryEntry(Guid Id, string Email, string DisplayName);

/// <summary>
/// The little of the account list that project owners need: finding a colleague by their exact e-mail address to add
/// them to a project, and naming the members a project lists by id. No search and no listing, so the directory cannot
/// be walked; disabled accounts are not found.
/// </summary>
public static class UserDirectoryApi
{
    public const int MaxIds = 100;

    public static RouteGroupBuilder MapUserDirectoryApi(this IEndpointRouteBuilder app)
    {
        var directory = app.MapGroup("/api/users").WithTags("Users").WithStandardProblems();
        // Those who may own or manage a project: principal investigators and facility staff.
        directory.MapGet("/lookup", LookupAsync).RequireAuthorization(Policies.CanHandleSamples)
            .ProducesProblem(StatusCodes.Status404NotFound);
        directory.MapGet("/names", NamesAsync);
        return directory;
    }

    /// <summary>Find an account by its e-mail address</summary>
    /// <remarks>Principal investigators and facility staff (to add a colleague to a project). The address is matched
    /// exactly, ignoring case (at most 254 characters); only active accounts are found.</remarks>
    /// <response code="200">The account's id, e-mail and display name.</response>
    /// <response code="400">email is missing or longer than 254 characters.</response>
    /// <response code="404">No active account has this address.</response>
    public static async Task<Results<Ok<DirectoryEntry>, ValidationProblem, ProblemHttpResult>> LookupAsync(
        string? email, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors().Text("email", email, 254);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var entry = await connection.QuerySingleOrDefaultAsync<DirectoryEntry>(
            "SELECT id, email::text AS email, display_name AS displayname FROM users WHERE email = @email::citext AND status = 'active'",
            new { email = email!.Trim() });
        return entry is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No active account has this e-mail address.", detail: email.Trim())
            : TypedResults.Ok(entry);
    }

    /// <summary>Name accounts by id</summary>
    /// <remarks>Any signed-in user: <c>ids</c>, a comma list of at most 100 account ids (as a project's members list
    /// them), answered with the e-mail and display name of each that exists; unknown ids are left out.</remarks>
    /// <response code="200">The accounts found, in no particular order.</response>
    /// <response code="400">ids is missing, malformed or names more than 100 accounts.</response>
    public static async Task<Results<Ok<IReadOnlyList<DirectoryEntry>>, ValidationProblem>> NamesAsync(
        string? ids, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var parsed = ParseIds(ids, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var entries = await connection.QueryAsync<DirectoryEntry>(
            "SELECT id, email::text AS email, display_name AS displayname FROM users WHERE id = ANY(@ids)", new { ids = parsed });
        return TypedResults.Ok<IReadOnlyList<DirectoryEntry>>([.. entries]);
    }

    /// <summary>A comma list of account ids, at most <see cref="MaxIds"/> distinct ones.</summary>
    public static Guid[] ParseIds(string? ids, ValidationErrors errors)
    {
        var parts = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        errors.Check(parts.Length is > 0 and <= MaxIds, "ids", $"ids takes 1 to {MaxIds} account ids, separated by commas.");
        if (!errors.IsValid)
        {
            return [];
        }
        var parsed = new List<Guid>(parts.Length);
        foreach (var part in parts)
        {
            if (!Guid.TryParse(part, out var id))
            {
                errors.Add("ids", $"'{(part.Length > 40 ? part[..40] + "…" : part)}' is not an account id.");
                return [];
            }
            parsed.Add(id);
        }
        return [.. parsed.Distinct()];
    }
}
