using Dapper;
using Npgsql;
using TracSeq.Auth.Events;
using TracSeq.Auth.Users;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Bootstrap;

/// <summary>
/// Creates the first lab administrator from <c>Auth:Bootstrap:Email</c> and <c>Auth:Bootstrap:Password</c> (the AppHost
/// parameters <c>admin-email</c> and secret <c>admin-password</c>) when no account has that e-mail yet. An existing
/// account is left alone: its password may have been changed since.
/// </summary>
public sealed class AdminBootstrap(NpgsqlDataSource db, IConfiguration configuration, AuthEventLog events, ILogger<AdminBootstrap> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var email = configuration["Auth:Bootstrap:Email"];
        var password = configuration["Auth:Bootstrap:Password"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            logger.LogWarning("No bootstrap administrator configured (Auth:Bootstrap:Email / Auth:Bootstrap:Password)");
            return;
        }
        if (PasswordProblem(password) is { } problem)
        {
            // The first administrator is the most powerful account: it gets no exception from the password rules.
            throw new InvalidOperationException(problem);
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // Serialises concurrent starts of Auth: only one creates the account.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('tracseq-admin-bootstrap'))", transaction: tx);
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM users WHERE email = @email::citext)", new { email }, tx))
        {
            return;
        }
        var admin = await UserStore.InsertAsync(connection, tx, new User
        {
            Id = Guid.CreateVersion7(),
            Email = email.Trim(),
            DisplayName = "Lab administrator",
            Role = Roles.LabAdministrator,
            Status = UserStatus.Active,
            PasswordHash = Passwords.Hash(password),
        });
        await events.WriteAsync(connection, tx, AuthEventTypes.UserCreated, admin.Id, admin.Email, details: new { role = admin.Role, bootstrap = true });
        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Created the bootstrap administrator {Email}", admin.Email);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Why the configured password cannot be used (one message, naming where to set it), or null.</summary>
    public static string? PasswordProblem(string password)
    {
        var errors = new ServiceDefaults.Problems.ValidationErrors().CheckNew("password", password);
        return errors.IsValid ? null : $"The bootstrap administrator's password (Auth:Bootstrap:Password, the AppHost secret parameter " +
            $"admin-password) breaks the password rules: {string.Join(" ", errors.ToDictionary()["password"])} Set another one and start again.";
    }
}
