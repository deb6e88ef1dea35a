extern alias SequencingApp;

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceTests.Infrastructure;
using SequencingProgram = SequencingApp::Program;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// The Sequencing service alone, in this process, on its own database and the shared Redis: tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth, and <see cref="FakeSamplesForSequencing"/> behind its Samples clients
/// (sample reads, library events, run moves, the outbox relay and project memberships). Started once per run.
/// </summary>
public sealed class SequencingService : IAsyncLifetime
{
    private LocalInfrastructure? _infrastructure;
    private ServiceFactory<SequencingProgram>? _factory;

    public TestTokenIssuer Tokens { get; } = new();

    public FakeSamplesForSequencing Samples { get; } = new();

    public LocalInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _infrastructure = await LocalInfrastructure.AcquireAsync();
        ServiceEnvironment.Apply(_infrastructure);
        _factory = await new ServiceFactory<SequencingProgram>(services =>
        {
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.ConfigurationManager = Tokens.Keys);
            // The clients as the service registers them (named after their types), with their own retries, timeouts
            // and signing kept: only the network behind them is replaced.
            foreach (var client in new[] { "SamplesClient", "SamplesOutboxSink", SamplesMembershipSource.ClientName })
            {
                services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(Samples.CreateHandler);
            }
        }).StartAsync();
    }

    public HttpClient CreateClient(string? accessToken = null) =>
        (_factory ?? throw new InvalidOperationException("Not started.")).CreateClient(accessToken);

    /// <summary>A client signed in as the run's user of <paramref name="role"/>. Dispose it.</summary>
    public HttpClient As(string role) => OutsideClient.Create(Address, Tokens.TokenFor(role));

    /// <summary>Where the service listens (Kestrel on a free loopback port).</summary>
    public Uri Address => (_factory ?? throw new InvalidOperationException("Not started.")).Address;

    /// <summary>Sequencing's own login on its database, never the superuser.</summary>
    public string DatabaseConnectionString => Infrastructure.ConnectionString("sequencingdb");

    /// <summary>
    /// The project of this code, known to the fake Samples; when it is new, its members' cached memberships are
    /// dropped as Samples announces a membership change, so the next request sees it.
    /// </summary>
    public async Task<Guid> ProjectAsync(string code)
    {
        var id = Samples.Project(code, out var added);
        if (added)
        {
            var cache = _factory!.Services.GetRequiredService<MembershipCache>();
            foreach (var user in Tokens.Users)
            {
                await cache.AnnounceAsync(user.Id);
            }
        }
        return id;
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
public sealed class SequencingServiceCollection : ICollectionFixture<SequencingService>
{
    public const string Name = "Sequencing service";
}
