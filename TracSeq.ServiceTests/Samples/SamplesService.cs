extern alias SamplesApp;

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using TracSeq.ServiceTests.Infrastructure;
using SamplesProgram = SamplesApp::Program;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// The Samples service alone, in this process, on its own database and the shared Redis, with tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth, and <see cref="FakeSequencing"/> behind its one client of another
/// service (Sequencing's label items and library moves). Started once per run.
/// </summary>
public sealed class SamplesService : IAsyncLifetime
{
    private LocalInfrastructure? _infrastructure;
    private ServiceFactory<SamplesProgram>? _factory;

    public TestTokenIssuer Tokens { get; } = new();

    public FakeSequencing Sequencing { get; } = new();

    public LocalInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _infrastructure = await LocalInfrastructure.AcquireAsync();
        ServiceEnvironment.Apply(_infrastructure);
        _factory = await new ServiceFactory<SamplesProgram>(services =>
        {
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.ConfigurationManager = Tokens.Keys);
            // The client as the service registers it (named after its type), with its retries, timeouts and signing
            // kept: only the network behind it is replaced.
            services.AddHttpClient("SequencingLabelsClient").ConfigurePrimaryHttpMessageHandler(Sequencing.CreateHandler);
        }).StartAsync();
    }

    public HttpClient CreateClient(string? accessToken = null) =>
        (_factory ?? throw new InvalidOperationException("Not started.")).CreateClient(accessToken);

    /// <summary>A client signed in as the run's user of <paramref name="role"/>. Dispose it.</summary>
    public HttpClient As(string role) => CreateClient(Tokens.TokenFor(role));

    /// <summary>Where the service listens (Kestrel on a free loopback port).</summary>
    public Uri Address => (_factory ?? throw new InvalidOperationException("Not started.")).Address;

    /// <summary>Samples' own login on its database, never the superuser.</summary>
    public string DatabaseConnectionString => Infrastructure.ConnectionString("samplesdb");

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
public sealed class SamplesServiceCollection : ICollectionFixture<SamplesService>
{
    public const string Name = "Samples service";
}
