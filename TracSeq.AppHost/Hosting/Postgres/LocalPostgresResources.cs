namespace TracSeq.AppHost.Hosting.Postgres;

/// <summary>PostgreSQL run from the machine's own binaries (local mode), on a port Aspire allocates.</summary>
public sealed class LocalPostgresServerResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>Database resource name → database name.</summary>
    public Dictionary<string, string> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={PasswordParameter}");

    /// <summary><c>postgresql://postgres:{password}@{host}:{port}</c>, the form libpq clients (exporters) read.</summary>
    public ReferenceExpression UriExpression => ReferenceExpression.Create(
        $"postgresql://postgres:{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

/// <summary>One database on a <see cref="LocalPostgresServerResource"/>, created when the server is first ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
