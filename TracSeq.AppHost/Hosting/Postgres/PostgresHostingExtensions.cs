using Microsoft.Extensions.DependencyInjection;

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
        var monitorPassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-monitor-password");
        var roles = new List<DatabaseRole>();
        // Each database gets a role of its own, provisioned with the others once the server is ready.
        DatabaseRole NewRole(string database)
        {
            var role = PostgresRoles.RoleFor(database);
            var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-{role["tracseq_".Length..]}-password");
            var created = new DatabaseRole(database, role, role + "_audit", password);
            roles.Add(created);
            return created;
        }

        if (!infra.IsLocal)
        {
            var container = AddContainerServer(builder, name, monitorPassword, roles);
            return new PostgresServer(container, database => AddContainerDatabase(container, database, NewRole(database)));
        }
        var server = AddLocalServer(builder, name, infra, monitorPassword, roles);
        return new PostgresServer(server, database => AddLocalDatabase(server, database, NewRole(database)));
    }

    private static IResourceBuilder<PostgresServerResource> AddContainerServer(
        IDistributedApplicationBuilder builder, string name, ParameterResource monitorPassword, List<DatabaseRole> roles)
    {
        var container = builder.AddPostgres(name)
            .WithImageTag(ContainerImageTag)
            .WithDataVolume(DataVolumeName)
            .WithAnnotation(new PostgresMonitorAnnotation(monitorPassword));
        builder.Eventing.Subscribe<ResourceReadyEvent>(container.Resource, async (_, ct) =>
            await PostgresRoles.ProvisionAsync((await container.Resource.ConnectionStringExpression.GetValueAsync(ct))!, roles,
                (await monitorPassword.GetValueAsync(ct))!, ct));
        return container;
    }

    private static IResourceBuilder<LocalPostgresServerResource> AddLocalServer(IDistributedApplicationBuilder builder, string name,
        InfrastructureSettings infra, ParameterResource monitorPassword, List<DatabaseRole> roles)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var server = new LocalPostgresServerResource(name, builder.AppHostDirectory, password, monitorPassword);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (e, ct) =>
        {
            await PostgresRoles.ProvisionAsync(connectionString!, roles, (await monitorPassword.GetValueAsync(ct))!, ct);
            await MarkDatabasesRunningAsync(builder, server, e.Services.GetRequiredService<ResourceNotificationService>());
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("Connection string is unavailable")) + ";Database=postgres",
            name: healthCheck);
        return builder.AddResource(server)
            .WithArgs(Path.Combine(builder.AppHostDirectory, "Hosting", "Postgres", "postgres-local.sh"))
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithEnvironment("PGBIN", Path.GetDirectoryName(infra.Programs.Resolve(LocalPrograms.Postgres))!)
            .WithEnvironment("PGDATA", Path.Combine(infra.DataDirectory, "postgres"))
            .WithEnvironment("PG_DURABLE", infra.DurableStorage ? "true" : "false")
            .WithEnvironment(context => context.EnvironmentVariables["POSTGRES_PASSWORD"] = server.PasswordParameter)
            .WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// Aspire mirrors a parent's state onto child resources only for containers: here the databases become "Running"
    /// once they exist with their roles, and their own health checks then decide when dependents may start.
    /// </summary>
    private static async Task MarkDatabasesRunningAsync(IDistributedApplicationBuilder builder, LocalPostgresServerResource server,
        ResourceNotificationService notifications)
    {
        foreach (var database in builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server))
        {
            await notifications.PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        }
    }

    /// <summary>
    /// Container mode: Aspire's database resource (its connection string is the superuser's), healthy only once the
    /// service's role can log in; every resource that references it is given the role's connection string instead.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddContainerDatabase(
        IResourceBuilder<PostgresServerResource> container, string name, DatabaseRole role)
    {
        var builder = container.ApplicationBuilder;
        var endpoint = container.Resource.PrimaryEndpoint;
        var roleConnection = ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};" +
            $"Username={role.Role};Password={role.Password};Database={name}");
        var database = container.AddDatabase(name).WithAnnotation(new DatabaseRoleAnnotation(role, roleConnection));

        string? connectionString = null;
        builder.Eventing.Subscribe<ResourceReadyEvent>(container.Resource, async (_, ct) =>
            connectionString = await roleConnection.GetValueAsync(ct));
        var healthCheck = $"{name}_role_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The role's connection string is unavailable"),
            name: healthCheck);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            foreach (var user in e.Model.Resources.OfType<IResourceWithEnvironment>()
                         .Where(r => r.Annotations.OfType<ResourceRelationshipAnnotation>().Any(a => a.Resource == database.Resource)))
            {
                user.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                    context.EnvironmentVariables[$"ConnectionStrings__{name}"] = roleConnection));
            }
            return Task.CompletedTask;
        });
        return database.WithHealthCheck(healthCheck);
    }

    private static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(
        IResourceBuilder<LocalPostgresServerResource> server, string name, DatabaseRole role)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource, role);
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
}

/// <summary>The role a container-mode database is reached with, and its connection string.</summary>
public sealed record DatabaseRoleAnnotation(DatabaseRole Role, ReferenceExpression ConnectionString) : IResourceAnnotation;

/// <summary>The exporter's password for <see cref="PostgresRoles.MonitorRole"/> on a container-mode server.</summary>
public sealed record PostgresMonitorAnnotation(ParameterResource Password) : IResourceAnnotation;
