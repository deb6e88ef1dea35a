extern alias AuthApp;

using TracSeq.ServiceTests.Infrastructure;
using AuthProgram = AuthApp::Program;

namespace TracSeq.ServiceTests.Auth;

/// <summary>The Auth service alone, in this process, on its own database and the shared Redis; started once per run.</summary>
public sealed class AuthService : IAsyncLifetime
{
    private LocalInfrastructure? _infrastructure;
    private ServiceFactory<AuthProgram>? _factory;

    public string AdminEmail => ServiceEnvironment.AdminEmail;

    public string AdminPassword => ServiceEnvironment.AdminPassword;

    public LocalInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _infrastructure = await LocalInfrastructure.AcquireAsync();
        ServiceEnvironment.Apply(_infrastructure);
        _factory = await new ServiceFactory<AuthProgram>().StartAsync();
    }

    public HttpClient CreateClient(string? accessToken = null) =>
        (_factory ?? throw new InvalidOperationException("Not started.")).CreateClient(accessToken);

    /// <summary>The connection string Auth itself uses: its own login, never the superuser.</summary>
    public string DatabaseConnectionString => Infrastructure.ConnectionString("authdb");

    /// <summary>Stops the service and starts a new one on the same database and Redis, as a restart of the process would.</summary>
    public async Task RestartAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        _factory = await new ServiceFactory<AuthProgram>().StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_infrastructure is not null)
        {
            await LocalInfrastructure.ReleaseAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AuthServiceCollection : ICollectionFixture<AuthService>
{
    public const string Name = "Auth service";
}
