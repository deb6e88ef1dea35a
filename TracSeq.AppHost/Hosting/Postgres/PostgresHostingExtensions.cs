using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace TracSeq.AppHost.Hosting.Postgres;

/// <summary>The PostgreSQL server of either infrastructure mode and the databases on it.</summary>
public sealed class PostgresServer(
    IResourceBuilder<IResourceWithConnectionString> server,
    Func<string, IResourceBuilder<IResourceWithConnectionString>> addDatabase)
{
    public IResourceBuilder<IResourceWithConnectionString> Server { get; } = server;

    /// <summary>A database that exists (and is healthy) before anything waiting for it starts.</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string name) => addDatabase(name);
}

public static class PostgresHostingExtensions
{
    public const string ContainerImageTag = "15";
    public const string DataVolumeName = "tracseq-postgres-data";

    public static PostgresServer AddTracSeqPostgres(this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra)
    {
        if (!infra.IsLocal)
        {
            var container = builder.AddPostgres(name)
                .WithImageTag(ContainerImageTag)
                .WithDataVolume(DataVolumeName);
            return new PostgresServer(container, database => container.AddDatabase(database));
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var server = new LocalPostgresServerResource(name, builder.AppHostDirectory, password);
        var binDirectory = Path.GetDirectoryName(infra.Programs.Resolve(LocalPrograms.Postgres))!;

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));
        // Aspire mirrors a parent's state onto child resources only for containers: here the databases become
        // "Running" once they exist, and their own health checks then decide when dependents may start.
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (e, ct) =>
        {
            await CreateMissingDatabasesAsync(connectionString!, server.Databases.Values, ct);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server))
            {
                await notifications.PublishUpdateAsync(database, state => state with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                });
            }
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("Connection string is unavailable")) + ";Database=postgres",
            name: healthCheck);

        var serverBuilder = builder.AddResource(server)
            .WithArgs(Path.Combine(builder.AppHostDirectory, "Hosting", "Postgres", "postgres-local.sh"))
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithEnvironment("PGBIN", binDirectory)
            .WithEnvironment("PGDATA", Path.Combine(infra.DataDirectory, "postgres"))
            .WithEnvironment("PG_DURABLE", infra.DurableStorage ? "true" : "false")
            .WithEnvironment(context => context.EnvironmentVariables["POSTGRES_PASSWORD"] = server.PasswordParameter)
            .WithHealthCheck(healthCheck);

        return new PostgresServer(serverBuilder, database => AddLocalDatabase(serverBuilder, database));
    }

    private static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(
        IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.Resource.Databases[name] = database.DatabaseName;

        string? connectionString = null;
        var builder = server.ApplicationBuilder;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"),
            name: healthCheck);
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithHealthCheck(healthCheck);
    }

    private static async Task CreateMissingDatabasesAsync(string serverConnectionString, IEnumerable<string> databases, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString + ";Database=postgres");
        await connection.OpenAsync(ct);
        foreach (var database in databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            {
                Parameters = { new() { Value = database } },
            };
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(database);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
