using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TracSeq.ServiceDefaults.Data;

/// <summary>
/// A service's own PostgreSQL database: a pooled <see cref="NpgsqlDataSource"/> (with health check, tracing and
/// metrics from Aspire.Npgsql) and the schema migrations applied at start. Migrations are the service's embedded
/// <c>Data/Migrations/NNNN_name.sql</c> files, applied once each in name order, each in its own transaction;
/// DbUp keeps the journal in <c>schemaversions</c>. The same mechanism serves every service.
/// </summary>
public static class ServiceDatabase
{
    public static IHostApplicationBuilder AddServiceDatabase(this IHostApplicationBuilder builder, string connectionName, Assembly migrationsAssembly)
    {
        // Statements a service runs again and again (reads by id or barcode, inserts, the audit row) are prepared on
        // the server after their second use, per physical connection: parsing and planning is skipped from then on.
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: b =>
        {
            b.ConnectionStringBuilder.MaxAutoPrepare = 64;
            b.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            // A new connection gets 3 s, not Npgsql's 15: with PostgreSQL gone (or a proxy in front of it holding the
            // socket) a request must become a fast 503, not wait out a client's own timeout (the fault suite saw 15 s).
            b.ConnectionStringBuilder.Timeout = 3;
        });
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true; // snake_case columns onto PascalCase members
        builder.Services.AddHostedService(sp => new MigrationRunner(
            sp.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
                ?? throw new InvalidOperationException($"Connection string '{connectionName}' is not configured."),
            migrationsAssembly,
            sp.GetRequiredService<ILogger<MigrationRunner>>()));
        return builder;
    }

    /// <summary>Runs before the server starts listening, so no request ever sees an old schema.</summary>
    internal sealed class MigrationRunner(string connectionString, Assembly assembly, ILogger<MigrationRunner> logger) : IHostedService
    {
        private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(30);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + StartupPatience;
            while (true)
            {
                // Replicas start together: one migrates while the others wait, then find the schema current.
                await using var migrationLock = await MigrationLock.TakeAsync(connectionString, cancellationToken);
                var result = DeployChanges.To.PostgresqlDatabase(connectionString)
                    .WithScriptsEmbeddedInAssembly(assembly, name => name.Contains(".Data.Migrations.", StringComparison.Ordinal))
                    .WithTransactionPerScript()
                    .LogTo(new DbUpLogger(logger))
                    .Build()
                    .PerformUpgrade();
                if (result.Successful)
                {
                    logger.LogInformation("Database schema is current ({Applied} migrations applied now)", result.Scripts.Count());
                    return;
                }

                // A database that is still starting is worth waiting for; a broken migration is not.
                if (result.Error is not NpgsqlException { IsTransient: true } || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Database migration failed at {result.ErrorScript?.Name ?? "connect"}.", result.Error);
                }
                logger.LogWarning("Database not reachable yet ({Message}); retrying", result.Error.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A session advisory lock on the service's database, held while DbUp runs on its own connections.</summary>
    private sealed class MigrationLock(NpgsqlConnection? connection) : IAsyncDisposable
    {
        public static async Task<MigrationLock> TakeAsync(string connectionString, CancellationToken ct)
        {
            // Unpooled: a pooled session would keep the lock after Dispose until the connection is used again.
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            try
            {
                await connection.OpenAsync(ct);
                await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('tracseq-migrations'))", connection);
                await take.ExecuteNonQueryAsync(ct);
                return new MigrationLock(connection);
            }
            catch (NpgsqlException ex) when (ex.IsTransient)
            {
                // Not reachable yet: DbUp meets the same error and the caller's retry loop handles it.
                await connection.DisposeAsync();
                return new MigrationLock(null);
            }
        }

        // Closing the (unpooled) session releases the lock.
        public async ValueTask DisposeAsync()
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
