namespace TracSeq.AppHost.Hosting.Postgres;

/// <summary>PostgreSQL run from the machine's own binaries (local mode), on a port Aspire allocates.</summary>
public sealed class LocalPostgresServerResource(string name, string workingDirectory, ParameterResource password, ParameterResource monitorPassword)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The exporter's login, <see cref="PostgresRoles.MonitorRole"/> (pg_monitor), not the superuser.</summary>
    public ParameterResource MonitorPasswordParameter { get; } = monitorPassword;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>Database resource name → database name.</summary>
    public Dictionary<string, string> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Username=postgres;Password={PasswordParameter}");

    /// <summary><c>postgresql://tracseq_monitor:{password}@{host}:{port}</c>, the form libpq clients (the exporter) read.</summary>
    public ReferenceExpression UriExpression => ReferenceExpression.Create(
        $"postgresql://{PostgresRoles.MonitorRole}:{MonitorPasswordParameter:uri}" +
        $"@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

/// <summary>One database on a <see cref="LocalPostgresServerResource"/>, created when the server is first ready, and
/// reached with its service's own login (<see cref="PostgresRoles"/>), never the superuser.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent, DatabaseRole role)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public DatabaseRole Role { get; } = role;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Parent.PrimaryEndpoint.Property(EndpointProperty.Host)};Port={Parent.PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Username={Role.Role};Password={Role.Password};Database={DatabaseName}");
}
